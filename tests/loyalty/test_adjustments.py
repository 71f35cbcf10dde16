"""POST /v2/customers/lookup/negativePointsAdjustment: manual deductions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from patron.db import Database, unit_of_work
from patron.loyalty.models import Entry
from tests.api.helpers import codes
from tests.conftest import Api
from tests.factories import unique_mobile
from tests.loyalty.test_redemptions import account_of, balance, loyal, seed


def adjust(api: Api, mobile: str, body: dict[str, Any], source: str = "INSTORE") -> Any:
    """Post a negative adjustment for the customer holding ``mobile``."""
    return api.post(
        "/v2/customers/lookup/negativePointsAdjustment"
        f"?identifierName=mobile&identifierValue={mobile}&source={source}",
        json=body,
    )


def test_adjustment_deducts_points(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer = loyal(api, mobile)
    seed(db, api.org.org_id, customer, 200)
    before = account_of(db, api.org.org_id, customer)
    assert before is not None
    response = adjust(api, mobile, {"pointsToBeAdjusted": 30, "reasonOfReturn": "damaged goods"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "adjustmentId",
        "customerId",
        "programId",
        "pointsAdjusted",
        "balance",
        "reasonOfReturn",
        "adjustedOn",
        "warnings",
        "errors",
    }
    assert body["customerId"] == customer
    assert body["programId"] == 1
    assert body["pointsAdjusted"] == 30.0
    assert body["balance"] == float(before.points - 30)
    assert body["reasonOfReturn"] == "damaged goods"
    after = account_of(db, api.org.org_id, customer)
    assert after is not None
    assert after.points == before.points - 30
    assert after.adjusted == before.adjusted + 30
    assert after.redeemed == before.redeemed
    with unit_of_work(db.read_session) as session:
        entry = session.get(Entry, body["adjustmentId"])
        assert entry is not None
        assert (entry.kind, entry.points, entry.notes) == (
            "ADJUSTMENT",
            Decimal(-30),
            "damaged goods",
        )


def test_adjustment_beyond_the_balance_is_804(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer = loyal(api, mobile)
    seed(db, api.org.org_id, customer, 20)
    before = balance(db, api.org.org_id, customer)
    body = {"pointsToBeAdjusted": int(before) + 1, "reasonOfReturn": "typo"}
    response = adjust(api, mobile, body)
    assert response.status_code == 400
    assert codes(response) == [804]
    assert balance(db, api.org.org_id, customer) == before


def test_adjustment_bad_input(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer = loyal(api, mobile)
    seed(db, api.org.org_id, customer, 200)
    assert codes(adjust(api, mobile, {"reasonOfReturn": "x"})) == [801]
    assert codes(adjust(api, mobile, {"pointsToBeAdjusted": -3, "reasonOfReturn": "x"})) == [801]
    assert codes(adjust(api, mobile, {"pointsToBeAdjusted": 3})) == [400]
    assert codes(adjust(api, mobile, {"pointsToBeAdjusted": 3, "reasonOfReturn": " "})) == [400]
    good = {"pointsToBeAdjusted": 3, "reasonOfReturn": "x"}
    assert codes(adjust(api, mobile, good, source="NOWHERE")) == [8012]
    assert codes(adjust(api, mobile, {**good, "programId": 42})) == [885]
    unknown = adjust(api, "919800000002", good)
    assert unknown.status_code == 404
    assert codes(unknown) == [8015]
