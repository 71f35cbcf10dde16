"""A tier lowered at renewal is reached again only by what comes after the downgrade."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty import ledger
from patron.loyalty.tiers.service import Renewals, renew_due
from tests.api.helpers import register
from tests.conftest import Api
from tests.factories import profile

_bills = itertools.count(1)


def purchase(api: Api, mobile: str, amount: int) -> list[dict[str, Any]]:
    response = api.post(
        "/v2/transactions",
        params={"identifierName": "mobile", "identifierValue": mobile, "source": "INSTORE"},
        json={"type": "REGULAR", "billNumber": f"TB-{next(_bills)}", "billAmount": amount},
    )
    assert response.status_code == 200, response.text
    effects: list[dict[str, Any]] = response.json()["sideEffects"]
    return effects


def test_a_downgraded_customer_climbs_back_only_with_new_purchases(api: Api, db: Database) -> None:
    mobile = "919822200011"
    customer_id = register(
        api, {"loyaltyInfo": {"loyaltyType": "loyalty"}, "profiles": [profile(mobile)]}
    )
    assert purchase(api, mobile, 50_000)[-1]["upgradedSlabName"] == "GOLD"
    with unit_of_work(db.write_session) as session:
        account = ledger.find_account(session, api.org.org_id, customer_id, 1, lock=True)
        assert account is not None
        # The GOLD year began long ago and ended without a purchase in it.
        account.tier_since = clock.now() - dt.timedelta(days=400)
        account.tier_expires_at = clock.now() - dt.timedelta(days=35)
    with unit_of_work(db.write_session) as session:
        assert renew_due(session, clock.now(), api.org.org_id) == Renewals(downgraded=1)

    effects = purchase(api, mobile, 1_000)
    assert [e["type"] for e in effects] == ["points"]
    assert effects[0]["awardedPoints"] == 15.0  # 1.5 % in SILVER, still SILVER
    assert purchase(api, mobile, 48_000)[-1]["type"] == "points"
    climbed = purchase(api, mobile, 1_000)
    assert climbed[-1]["upgradedSlabName"] == "GOLD"  # 50,000 since the downgrade
    details = api.get(f"/v2/customers/{customer_id}/loyaltyDetails").json()["data"][0]
    assert details["cumulativePurchases"] == 100_000.0
