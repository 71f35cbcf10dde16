"""Every table of every domain, imported so the metadata (and Alembic) sees them all."""

from __future__ import annotations

from patron.auth import models as auth_models
from patron.cards import models as cards_models
from patron.coupons import models as coupons_models
from patron.customers import models as customers_models
from patron.db import Base
from patron.events import models as events_models
from patron.groups import models as groups_models
from patron.images import models as images_models
from patron.loyalty import models as loyalty_models
from patron.orgs import models as orgs_models
from patron.partners import models as partners_models
from patron.referrals import models as referrals_models
from patron.subscriptions import models as subscriptions_models
from patron.webhooks import models as webhooks_models

DOMAIN_MODELS = (
    orgs_models,
    auth_models,
    customers_models,
    events_models,
    webhooks_models,
    subscriptions_models,
    images_models,
    loyalty_models,
    groups_models,
    partners_models,
    cards_models,
    coupons_models,
    referrals_models,
)
metadata = Base.metadata
