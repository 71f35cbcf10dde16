"""Issuing coupons: codes, validity, limits, bulk issue and coupons as rewards."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from patron.coupons.series import coupon_valid_till
from patron.coupons.service import issue_reward
from patron.db import Database, unit_of_work
from patron.errors import PatronError
from patron.kit import clock
from patron.orgs.coupons import CouponSeriesDef
from tests.conftest import Api
from tests.coupons.support import (
    error,
    issue,
    issued,
    new_customer,
    new_series,
    ok,
    principal_of,
)

UTC = dt.UTC
KOLKATA = clock.zone("Asia/Kolkata")


def test_a_demo_coupon_has_an_eight_character_code_valid_thirty_days(api: Api) -> None:
    customer = new_customer(api)
    coupon = issued(api, customer["id"])
    assert re.fullmatch(r"[A-Z0-9]{8}", coupon["code"])
    day = (clock.now() + dt.timedelta(days=30)).date().isoformat()
    assert coupon["validTill"] == f"{day}T23:59:59+00:00"
    assert (coupon["seriesId"], coupon["discountCode"], coupon["discountType"]) == (
        1,
        "DEMO10",
        "PERC",
    )
    assert (coupon["discountValue"], coupon["discountUpto"], coupon["redemptionCount"]) == (
        10,
        100,
        0,
    )
    assert coupon["customer"]["id"] == customer["id"]
    assert coupon["customer"]["email"] == customer["email"]


def test_codes_follow_prefix_length_and_digits(api: Api) -> None:
    series_id = new_series(api, codePrefix="AB", randomCodeLength=6, alphaNumeric=False)
    customer = new_customer(api)
    codes = {issued(api, customer["id"], series_id)["code"] for _ in range(5)}
    assert len(codes) == 5
    assert all(re.fullmatch(r"AB\d{6}", c) for c in codes)


def test_a_generic_series_gives_everyone_its_code(api: Api) -> None:
    series_id = new_series(api, clientHandlingType="GENERIC", genericCode="WELCOME")
    first, second = new_customer(api), new_customer(api)
    assert issued(api, first["id"], series_id)["code"] == "WELCOME"
    assert issued(api, second["id"], series_id)["code"] == "WELCOME"


def test_a_customer_is_found_by_mobile_email_or_external_id(api: Api) -> None:
    customer = new_customer(api)
    for named in ({"mobile": customer["mobile"]}, {"email": customer["email"]}):
        coupon = ok(api.post("/v2/coupon/issue", json={"seriesId": 1, "customer": named}))
        assert coupon["customer"]["id"] == customer["id"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"customer": {"id": 1}}, (400, 756)),
        ({"seriesId": 1}, (400, 756)),
        ({"seriesId": 1, "customer": {}}, (400, 756)),
        ({"seriesId": 1, "customer": {"id": 999_999_999}}, (404, 701)),
        ({"seriesId": 1, "customer": {"mobile": "919999999999"}}, (404, 701)),
        ({"seriesId": 999, "customer": "self"}, (404, 707)),
    ],
)
def test_an_issue_naming_nothing_valid_is_refused(
    api: Api, body: dict[str, Any], expected: tuple[int, int]
) -> None:
    if body.get("customer") == "self":
        body = {**body, "customer": {"id": new_customer(api)["id"]}}
    assert error(api.post("/v2/coupon/issue", json=body)) == expected


def test_an_ended_series_issues_nothing(api: Api) -> None:
    series_id = new_series(api, validTillDate="2020-01-01")
    assert error(issue(api, new_customer(api)["id"], series_id)) == (400, 712)


def test_max_create_bounds_the_series(api: Api) -> None:
    series_id = new_series(api, maxCreate=2)
    first, second = new_customer(api), new_customer(api)
    issued(api, first["id"], series_id)
    issued(api, second["id"], series_id)
    assert error(issue(api, first["id"], series_id)) == (409, 722)


@pytest.mark.parametrize(
    ("overrides", "allowed"),
    [
        ({"isMultipleVouchersPerUserAllowed": False}, 1),
        ({"isMultipleVouchersPerUserAllowed": False, "maxVouchersPerUser": 5}, 1),
        ({"maxVouchersPerUser": 2}, 2),
        ({"maxVouchersPerUser": 3}, 3),
    ],
)
def test_a_customer_holds_at_most_the_coupons_allowed(
    api: Api, overrides: dict[str, Any], allowed: int
) -> None:
    series_id = new_series(api, **overrides)
    customer, other = new_customer(api), new_customer(api)
    for _ in range(allowed):
        issued(api, customer["id"], series_id)
    assert error(issue(api, customer["id"], series_id)) == (409, 722)
    issued(api, other["id"], series_id)


def test_bulk_issue_answers_each_series(api: Api) -> None:
    customer = new_customer(api)
    body = {"seriesIds": [1, 999], "customer": {"id": customer["id"]}}
    answer = ok(api.post("/v2/coupon/bulk/issue?source=INSTORE", json=body))
    assert (answer["totalCount"], answer["failureCount"]) == (2, 1)
    done, failed = answer["response"]
    assert done["result"]["seriesId"] == 1
    assert done["errors"] == []
    assert failed["result"] is None
    assert failed["errors"][0]["code"] == 707
    assert error(api.post("/v2/coupon/bulk/issue", json={"customer": {"id": 1}})) == (400, 756)


def _definition(**overrides: Any) -> CouponSeriesDef:
    data = {
        "seriesId": 1,
        "seriesCode": "S",
        "description": "d",
        "discountCode": "D",
        "discountType": "ABS",
        "discountValue": 1,
        "validTillDate": "2030-06-30",
        **overrides,
    }
    return CouponSeriesDef.model_validate(data)


@pytest.mark.parametrize(
    ("overrides", "zone", "issued_at", "expected"),
    [
        ({}, UTC, "2026-03-10T10:00:00+00:00", "2030-06-30T23:59:59+00:00"),
        (
            {"expiryStrategyType": "DAYS", "expiryStrategyValue": 30},
            UTC,
            "2026-03-10T10:00:00+00:00",
            "2026-04-09T23:59:59+00:00",
        ),
        (
            {"expiryStrategyType": "DAYS", "expiryStrategyValue": 1},
            KOLKATA,
            "2026-03-10T20:00:00+00:00",
            "2026-03-12T23:59:59+05:30",
        ),
        (
            {"expiryStrategyType": "MONTHS_END", "expiryStrategyValue": 1},
            UTC,
            "2026-02-10T10:00:00+00:00",
            "2026-02-28T23:59:59+00:00",
        ),
        (
            {"expiryStrategyType": "MONTHS_END", "expiryStrategyValue": 12},
            UTC,
            "2026-02-10T10:00:00+00:00",
            "2027-01-31T23:59:59+00:00",
        ),
        (
            {"expiryStrategyType": "DAYS", "expiryStrategyValue": 3650},
            UTC,
            "2026-02-10T10:00:00+00:00",
            "2030-06-30T23:59:59+00:00",
        ),
    ],
)
def test_validity_follows_the_expiry_strategy_and_never_passes_the_series(
    overrides: dict[str, Any], zone: dt.tzinfo, issued_at: str, expected: str
) -> None:
    definition = _definition(**overrides)
    till = coupon_valid_till(definition, zone, clock.parse_datetime(issued_at))
    assert clock.iso(till, zone) == expected


def test_a_reward_coupon_is_answered_as_its_side_effect(db: Database, api: Api) -> None:
    customer = new_customer(api)
    principal = principal_of(db, api)
    with unit_of_work(db.write_session) as session:
        effect = issue_reward(session, principal, customer["id"], "demo10")
    assert set(effect) == {
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
    assert (effect["entityType"], effect["couponType"], effect["type"]) == ("USER", "PE", "coupon")
    assert effect["couponCode"] == effect["trimmedCouponCode"]
    view = ok(api.get("/v2/customers/coupons", params={"id": customer["id"]}))
    assert [c["id"] for c in view["entity"]["customers"][0]["coupons"]] == [effect["id"]]


def test_a_reward_of_an_unknown_series_is_refused(db: Database, api: Api) -> None:
    customer = new_customer(api)
    principal = principal_of(db, api)
    with unit_of_work(db.write_session) as session, pytest.raises(PatronError) as raised:
        issue_reward(session, principal, customer["id"], "NOPE")
    assert raised.value.code == 707
