"""Customers marked as fraud neither earn nor redeem: purchases answer 618, redemptions 809."""

from __future__ import annotations

from tests.api.helpers import codes, register
from tests.conftest import Api
from tests.factories import profile, unique_mobile


def marked_customer(api: Api) -> tuple[int, str]:
    mobile = unique_mobile()
    customer_id = register(
        api, {"loyaltyInfo": {"loyaltyType": "loyalty"}, "profiles": [profile(mobile)]}
    )
    marked = api.put(
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}",
        json={"reason": "chargebacks", "label": "Fraud Suspected"},
    )
    assert marked.status_code == 200, marked.text
    return customer_id, mobile


def test_a_fraud_customer_s_purchase_is_refused_with_618(api: Api) -> None:
    customer_id, mobile = marked_customer(api)
    response = api.post(
        f"/v2/transactions?identifierName=mobile&identifierValue={mobile}&source=INSTORE",
        json={"type": "REGULAR", "billNumber": f"F-{mobile}", "billAmount": 1000},
    )
    assert codes(response) == [618]
    details = api.get(f"/v2/customers/{customer_id}/loyaltyDetails").json()["data"][0]
    assert details["cumulativePurchases"] == 0.0


def test_a_fraud_customer_cannot_redeem(api: Api) -> None:
    customer_id, _ = marked_customer(api)
    response = api.post(
        f"/v2/customers/{customer_id}/redemptions", json={"redemptionType": "POINTS", "points": 50}
    )
    assert codes(response) == [809]
    details = api.get(f"/v2/customers/{customer_id}/loyaltyDetails").json()["data"][0]
    assert details["loyaltyPoints"] == 100.0
