"""Every table of every domain, imported so the metadata (and Alembic) sees them all."""

from __future__ import annotations

from patron.auth import models as auth_models
from patron.customers import models as customers_models
from patron.db import Base
from patron.events import models as events_models
from patron.orgs import models as orgs_models

DOMAIN_MODELS = (orgs_models, auth_models, customers_models, events_models)
metadata = Base.metadata
