"""Coupons as loyalty rewards: goodwill coupon requests, and earn rules that issue a coupon
(registration and purchase), listed in ``sideEffects`` and shown in the customer's coupons."""

from __future__ import annotations

from typing import Any

from patron.db import Database
from patron.orgs.demo import DEMO_COUPON_SERIES, DEMO_COUPON_SERIES_ID, DEMO_PROGRAM
from tests.api.helpers import codes, register
from tests.conftest import Api, make_org
from tests.factories import registration
from tests.loyalty.test_goodwill import (
    ask,
    auto_approving_org,
    balance,
    decide,
    decision,
    goodwill_items,
    item_codes,
    loyal_customer,
)

COUPON_KIND = ("GOODWILL", "COUPON")
COUPON_KEYS = {
    "id",
    "entityType",
    "couponType",
    "couponCode",
    "validTill",
    "description",
    "discountCode",
    "trimmedCouponCode",
    "type",
}


def coupon_body(customer_id: int, series_id: Any = DEMO_COUPON_SERIES_ID) -> dict[str, Any]:
    """Return a goodwill coupon request for the customer."""
    return {
        "type": "GOODWILL",
        "baseType": "COUPON",
        "goodwillRequest": {"seriesId": series_id, "reason": "damaged parcel"},
        "customerId": customer_id,
    }


def coupons_of(api: Api, customer_id: int) -> list[dict[str, Any]]:
    """Return the customer's coupons, as the basic view lists them."""
    response = api.get(f"/v2/customers/coupons?id={customer_id}")
    assert response.status_code == 200, response.text
    customers = response.json()["entity"]["customers"]
    return [] if not customers else list(customers[0]["coupons"])


def test_an_approved_goodwill_coupon_request_issues_one_coupon(
    api: Api, approver: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    points = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, coupon_body(customer_id))
    [pending] = goodwill_items(api, customer_id)
    assert (pending["goodwillType"], pending["goodwillStatus"]) == ("COUPON", "PENDING")
    assert coupons_of(api, customer_id) == []

    [outcome] = decide(approver, decision(request_id, kind=COUPON_KIND))
    assert (outcome["status"], outcome["errors"]) == ("APPROVED", [])
    [effect] = outcome["sideEffects"]
    assert set(effect) == COUPON_KEYS
    assert (effect["type"], effect["couponType"], effect["entityType"]) == ("coupon", "PE", "USER")
    assert effect["discountCode"] == DEMO_COUPON_SERIES[0]["discountCode"]

    [coupon] = coupons_of(api, customer_id)
    assert (coupon["code"], coupon["seriesId"]) == (effect["couponCode"], DEMO_COUPON_SERIES_ID)
    [approved] = goodwill_items(api, customer_id)
    assert (approved["goodwillStatus"], approved["approvedValue"]) == (
        "APPROVED",
        str(DEMO_COUPON_SERIES_ID),
    )
    # A coupon is no points: the balance is untouched; approving again is refused.
    assert balance(db, api.org.org_id, customer_id) == points
    [again] = decide(approver, decision(request_id, kind=COUPON_KIND))
    assert item_codes(again) == [9052]
    assert len(coupons_of(api, customer_id)) == 1


def test_a_rejected_goodwill_coupon_request_issues_nothing(api: Api, approver: Api) -> None:
    customer_id = loyal_customer(api)
    request_id = ask(api, coupon_body(customer_id))
    [outcome] = decide(approver, decision(request_id, "REJECTED", kind=COUPON_KIND))
    assert (outcome["status"], outcome["sideEffects"]) == ("REJECTED", [])
    assert coupons_of(api, customer_id) == []


def test_a_coupon_request_is_decided_as_a_coupon_request(api: Api, approver: Api) -> None:
    customer_id = loyal_customer(api)
    request_id = ask(api, coupon_body(customer_id))
    [outcome] = decide(approver, decision(request_id))  # named GOODWILL/POINTS
    assert item_codes(outcome) == [9050]
    assert coupons_of(api, customer_id) == []


def test_goodwill_coupon_request_codes(api: Api) -> None:
    customer_id = loyal_customer(api)
    for series_id, code in ((None, 400), ("", 400), (987654, 707), ("abc", 707), (2**40, 707)):
        response = api.post("/v2/requests", json=coupon_body(customer_id, series_id))
        assert codes(response) == [code], response.text
    group = {**coupon_body(customer_id), "earningEntityType": "USERGROUP2", "userGroup2Id": 1}
    assert codes(api.post("/v2/requests", json=group)) == [400]
    assert goodwill_items(api, customer_id) == []


def test_an_auto_approving_program_issues_the_coupon_at_once(app_client: Any, db: Database) -> None:
    org = auto_approving_org(db)
    api = Api(app_client, org)
    customer_id = register(api, registration())
    ask(api, coupon_body(customer_id))
    [item] = goodwill_items(api, customer_id)
    assert (item["goodwillStatus"], item["updatedComments"]) == ("APPROVED", "AUTO_APPROVED")
    assert len(coupons_of(api, customer_id)) == 1


def _coupon_program() -> dict[str, Any]:
    earning = DEMO_PROGRAM["earning"]
    return {
        **DEMO_PROGRAM,
        "earning": {
            **earning,
            "registration": {**earning["registration"], "couponSeriesId": DEMO_COUPON_SERIES_ID},
            "transaction": {**earning["transaction"], "couponSeriesId": DEMO_COUPON_SERIES_ID},
        },
    }


def test_earn_rules_issue_coupons_at_registration_and_on_purchases(
    app_client: Any, db: Database
) -> None:
    org = make_org(db, loyaltyPrograms=[_coupon_program()])
    api = Api(app_client, org)
    response = api.post("/v2/customers", json=registration())
    assert response.status_code == 200, response.text
    body = response.json()
    customer_id = body["createdId"]
    kinds = [effect["type"] for effect in body["sideEffects"]]
    assert sorted(kinds) == ["coupon", "points"]
    [issued] = [e for e in body["sideEffects"] if e["type"] == "coupon"]
    assert set(issued) == COUPON_KEYS

    bill = {"type": "REGULAR", "billNumber": f"C-{customer_id}", "billAmount": 500}
    response = api.post(
        f"/v2/transactions?identifierName=id&identifierValue={customer_id}", json=bill
    )
    assert response.status_code == 200, response.text
    effects = response.json()["sideEffects"]
    assert [e["type"] for e in effects] == ["points", "coupon"]
    codes_held = {c["code"] for c in coupons_of(api, customer_id)}
    assert codes_held == {issued["couponCode"], effects[1]["couponCode"]}


def test_a_program_without_coupon_rules_issues_none(api: Api) -> None:
    response = api.post("/v2/customers", json=registration())
    assert [e["type"] for e in response.json()["sideEffects"]] == ["points"]
    assert coupons_of(api, response.json()["createdId"]) == []
