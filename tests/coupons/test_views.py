"""The customer's coupon views, as the hosted samples show them, with every filter."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api
from tests.coupons.support import (
    basic,
    coupons_of,
    error,
    issued,
    new_customer,
    new_series,
    ok,
    redeem,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
MoveClock = Callable[[dt.timedelta], None]


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return loaded


def keys(value: Any) -> Any:
    """Return the keys of a value, recursively (lists by their first item)."""
    if isinstance(value, dict):
        return {k: keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [keys(value[0])] if value else []
    return None


def test_the_basic_view_has_the_samples_keys(api: Api) -> None:
    customer = new_customer(api)
    code = issued(api, customer["id"])["code"]
    ok(redeem(api, customer["id"], code))
    issued(api, customer["id"])
    answer = basic(api, id=customer["id"])
    expected = sample("coupons_basic_sample.json")
    # The sample's coupons have no redemptions; compare those apart.
    for body in (answer, expected):
        for coupon in body["entity"]["customers"][0]["coupons"]:
            coupon["redemptions"] = []
    assert keys(answer) == keys(expected)
    assert answer["entity"]["pagination"] == {"limit": "100", "offset": "0", "total": 2}
    first = answer["entity"]["customers"][0]
    assert (first["firstname"], first["lastname"], first["mobile"]) == (
        "Tom",
        "Sawyer",
        customer["mobile"],
    )


def test_a_redemption_is_listed_with_its_id(api: Api) -> None:
    customer = new_customer(api)
    code = issued(api, customer["id"])["code"]
    (done,) = ok(redeem(api, customer["id"], code, bill=300, number="T-9"))["redemption"]
    (coupon,) = coupons_of(api, customer["id"])
    (redemption,) = coupon["redemptions"]
    assert redemption["id"] == done["id"]
    assert (redemption["transactionNumber"], redemption["billAmount"]) == ("T-9", 300)
    assert redemption["couponValue"] == 30


def test_the_detailed_view_has_the_samples_keys(api: Api) -> None:
    customer = new_customer(api)
    issued(api, customer["id"])
    answer = ok(api.get(f"/v2/customers/{customer['id']}/coupons"))
    assert keys(answer) == keys(sample("coupons_detailed_sample.json"))
    (coupon,) = answer["entity"]
    assert (coupon["seriesId"], coupon["series"]["id"], coupon["series"]["seriesCode"]) == (
        1,
        1,
        "DEMO10",
    )
    assert (coupon["issuedTo"], coupon["isRedeemed"], coupon["discountType"]) == (
        customer["id"],
        False,
        False,
    )
    assert coupon["series"]["numIssued"] == 1


def test_the_detailed_view_of_an_unknown_customer_is_refused(api: Api) -> None:
    assert error(api.get("/v2/customers/999999999/coupons")) == (404, 701)


@pytest.fixture
def four_coupons(api: Api, move_clock: MoveClock) -> tuple[int, dict[str, int]]:
    """A customer with coupons active or expired, redeemed or not (clock moved 3 days)."""
    short = new_series(api, expiryStrategyType="DAYS", expiryStrategyValue=1)
    customer = new_customer(api)["id"]
    made = {
        "active_unredeemed": issued(api, customer),
        "active_redeemed": issued(api, customer),
        "expired_unredeemed": issued(api, customer, short),
        "expired_redeemed": issued(api, customer, short),
    }
    for name in ("active_redeemed", "expired_redeemed"):
        ok(redeem(api, customer, made[name]["code"]))
    move_clock(dt.timedelta(days=3))
    return customer, {name: coupon["id"] for name, coupon in made.items()}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("REDEEMED", {"active_redeemed", "expired_redeemed"}),
        ("UNREDEEMED", {"active_unredeemed", "expired_unredeemed"}),
        ("ACTIVE", {"active_unredeemed", "active_redeemed"}),
        ("UNEXPIRED", {"active_unredeemed", "active_redeemed"}),
        ("EXPIRED", {"expired_unredeemed", "expired_redeemed"}),
        ("ACTIVE_REDEEMED", {"active_redeemed"}),
        ("ACTIVE_UNREDEEMED", {"active_unredeemed"}),
        ("Active_Unredeemed", {"active_unredeemed"}),
        ("EXPIRED_REDEEMED", {"expired_redeemed"}),
        ("expired_unredeemed", {"expired_unredeemed"}),
        ("REDEEMABLE", {"active_unredeemed"}),
        (None, {"active_unredeemed", "active_redeemed", "expired_unredeemed", "expired_redeemed"}),
    ],
)
def test_status_filters(
    api: Api, four_coupons: tuple[int, dict[str, int]], status: str | None, expected: set[str]
) -> None:
    customer, ids = four_coupons
    params = {"status": status} if status else {}
    body = basic(api, id=customer, **params)
    found = {c["id"] for c in body["entity"]["customers"][0]["coupons"]}
    assert found == {ids[name] for name in expected}
    assert body["entity"]["pagination"]["total"] == len(expected)


def test_an_unknown_status_is_refused(api: Api) -> None:
    customer = new_customer(api)
    response = api.get("/v2/customers/coupons", params={"id": customer["id"], "status": "USED"})
    assert error(response) == (400, 400)


def test_the_commerce_clients_call_finds_the_coupon(api: Api) -> None:
    customer = new_customer(api)
    code = issued(api, customer["id"])["code"]
    body = basic(api, email=customer["email"], status="Active_Unredeemed")
    (coupon,) = body["entity"]["customers"][0]["coupons"]
    assert (coupon["code"], coupon["discountType"], coupon["discountValue"]) == (code, "PERC", 10)
    assert (coupon["redemptionsLeft"], coupon["redemptions"]) == (1, [])
    assert coupon["createdDate"]


@pytest.mark.parametrize("name", ["mobile", "email", "id"])
def test_the_customer_is_found_by_any_identifier(api: Api, name: str) -> None:
    customer = new_customer(api)
    issued(api, customer["id"])
    body = basic(api, **{name: customer[name]})
    assert body["entity"]["customers"][0]["id"] == customer["id"]


def test_the_customer_is_found_by_external_id_in_both_spellings(api: Api) -> None:
    from tests.factories import profile, registration, unique_mobile

    identifiers = [
        {"type": "mobile", "value": unique_mobile()},
        {"type": "externalId", "value": f"EXT-C-{api.org.org_id}"},
    ]
    created = ok(api.post("/v2/customers", json=registration(profile(identifiers=identifiers))))
    customer_id = int(created["createdId"])
    for name in ("externalId", "external_Id"):
        body = basic(api, **{name: f"EXT-C-{api.org.org_id}"})
        assert body["entity"]["customers"][0]["id"] == customer_id


def test_an_unknown_or_missing_customer_is_refused(api: Api) -> None:
    assert error(api.get("/v2/customers/coupons", params={"mobile": "919999999998"})) == (
        404,
        701,
    )
    assert error(api.get("/v2/customers/coupons")) == (400, 756)


def test_code_case_order_and_window(api: Api) -> None:
    series_id = new_series(api, codePrefix="ab")
    customer = new_customer(api)["id"]
    made = [issued(api, customer, series_id)["id"] for _ in range(3)]
    newest_first = [c["id"] for c in coupons_of(api, customer)]
    assert newest_first == made[::-1]
    assert [c["id"] for c in coupons_of(api, customer, sort_order="asc")] == made
    assert [c["id"] for c in coupons_of(api, customer, sort_order="DESC")] == made[::-1]
    codes = [c["code"] for c in coupons_of(api, customer)]
    assert all(c.startswith("ab") for c in codes)
    assert all(
        c.startswith("AB")
        for c in (x["code"] for x in coupons_of(api, customer, coupon_code_case="upper"))
    )
    lower = [c["code"] for c in coupons_of(api, customer, coupon_code_case="LOWER")]
    assert lower == [c.lower() for c in codes]
    window = basic(api, id=customer, limit=1, offset=1, sort_order="asc")
    assert window["entity"]["pagination"] == {"limit": "1", "offset": "1", "total": 3}
    assert [c["id"] for c in window["entity"]["customers"][0]["coupons"]] == [made[1]]
    bad = api.get("/v2/customers/coupons", params={"id": customer, "sort_order": "up"})
    assert error(bad) == (400, 400)
