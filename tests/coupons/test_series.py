"""Coupon series: the org file's under their fixed ids, the API's above them, and counters."""

from __future__ import annotations

from typing import Any

import pytest

from patron.coupons.series import create_series, list_series, store_file_series
from patron.db import Database, unit_of_work
from tests.conftest import Api
from tests.coupons.support import (
    DEMO_SERIES,
    error,
    issued,
    new_customer,
    new_series,
    ok,
    principal_of,
    redeem,
    series_body,
)


def series(api: Api, ids: str | None = None) -> list[dict[str, Any]]:
    params = {"ids": ids} if ids is not None else {}
    found: list[dict[str, Any]] = ok(api.get("/v2/coupon/series", params=params))["entity"]
    return found


def test_the_demo_series_is_listed_under_its_file_id_before_any_write(api: Api) -> None:
    (demo,) = series(api)
    assert (demo["id"], demo["seriesCode"], demo["discountCode"]) == (1, "DEMO10", "DEMO10")
    assert (demo["discountType"], demo["discountValue"], demo["discountUpto"]) == ("PERC", 10, 100)
    assert (demo["expiryStrategyType"], demo["expiryStrategyValue"]) == ("DAYS", 30)
    assert (demo["numIssued"], demo["numRedeemed"], demo["isMultipleUseAllowed"]) == (0, 0, False)


def test_api_series_get_ids_above_the_file_ones(api: Api) -> None:
    first, second = new_series(api), new_series(api, discountCode="OTHER")
    assert (first, second) == (DEMO_SERIES + 1, DEMO_SERIES + 2)
    assert [s["id"] for s in series(api)] == [1, first, second]
    assert [s["id"] for s in series(api, f"{second},1")] == [second, 1]


def test_an_api_series_is_answered_as_created(api: Api) -> None:
    body = series_body(maxCreate=5, maxRedeem=3, minBillAmount=100, seriesCode="HALF")
    created = ok(api.post("/v2/coupon/series", json=body))["entity"]
    assert created["seriesCode"] == "HALF"
    assert (created["maxCreate"], created["maxRedeem"], created["minBillAmount"]) == (5, 3, 100)
    assert created["validTillDate"].startswith("2099-12-31T23:59:59")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"description": None}, 756),
        ({"discountType": None}, 756),
        ({"anyUser": None}, 756),
        ({"discountType": "HALF"}, 707),
        ({"discountType": "PERC", "discountValue": 150}, 707),
        ({"validTillDate": "someday"}, 707),
        ({"clientHandlingType": "GENERIC"}, 707),
        ({"expiryStrategyType": "DAYS", "expiryStrategyValue": 0}, 707),
    ],
)
def test_a_bad_series_is_refused(api: Api, overrides: dict[str, Any], code: int) -> None:
    body = series_body(**overrides)
    body["CouponSeriesV2"] = {k: v for k, v in body["CouponSeriesV2"].items() if v is not None}
    assert error(api.post("/v2/coupon/series", json=body)) == (400, code)


def test_a_body_without_coupon_series_v2_is_refused(api: Api) -> None:
    assert error(api.post("/v2/coupon/series", json={"description": "x"})) == (400, 756)


def test_a_taken_series_code_is_refused(api: Api) -> None:
    body = series_body(seriesCode="demo10")
    assert error(api.post("/v2/coupon/series", json=body)) == (409, 707)


def test_an_api_series_changes(api: Api) -> None:
    series_id = new_series(api)
    body = {"CouponSeriesV2": {"description": "Sixty off", "discountValue": 60}}
    changed = ok(api.put(f"/v2/coupon/series/{series_id}", json=body))["entity"]
    assert (changed["description"], changed["discountValue"]) == ("Sixty off", 60)
    assert series(api, str(series_id))[0]["description"] == "Sixty off"


def test_a_file_series_does_not_change_through_the_api(api: Api) -> None:
    body = {"CouponSeriesV2": {"description": "Mine"}}
    assert error(api.put(f"/v2/coupon/series/{DEMO_SERIES}", json=body)) == (409, 707)


def test_an_unknown_series_is_refused(api: Api) -> None:
    body = {"CouponSeriesV2": {"description": "Mine"}}
    assert error(api.put("/v2/coupon/series/999", json=body)) == (404, 707)
    assert error(api.get("/v2/coupon/series", params={"ids": "999"})) == (404, 707)
    assert error(api.get("/v2/coupon/series", params={"ids": "x"})) == (404, 707)


def test_a_change_keeps_the_series_valid(api: Api) -> None:
    series_id = new_series(api)
    body = {"CouponSeriesV2": {"discountType": "PERC", "discountValue": 500}}
    assert error(api.put(f"/v2/coupon/series/{series_id}", json=body)) == (400, 707)


def test_counters_follow_issues_and_redemptions(api: Api) -> None:
    customer = new_customer(api)
    first, _ = issued(api, customer["id"]), issued(api, customer["id"])
    ok(redeem(api, customer["id"], first["code"]))
    (demo,) = series(api, "1")
    assert (demo["numIssued"], demo["numRedeemed"]) == (2, 1)
    assert demo["lastUsed"] is not None


def test_lowering_max_create_below_the_count_stops_issuing(api: Api) -> None:
    series_id = new_series(api, maxCreate=5)
    customer = new_customer(api)
    issued(api, customer["id"], series_id)
    issued(api, customer["id"], series_id)
    body = {"CouponSeriesV2": {"maxCreate": 1}}
    changed = ok(api.put(f"/v2/coupon/series/{series_id}", json=body))["entity"]
    assert changed["maxCreate"] == 1
    assert error(
        api.post(
            "/v2/coupon/issue", json={"seriesId": series_id, "customer": {"id": customer["id"]}}
        )
    ) == (409, 722)


def test_file_series_are_stored_once_with_their_file_ids(db: Database, api: Api) -> None:
    principal = principal_of(db, api)
    with unit_of_work(db.write_session) as session:
        store_file_series(session, principal.org)
        store_file_series(session, principal.org)
        made = create_series(session, principal, series_body())
    with unit_of_work(db.read_session) as session:
        stored = list_series(session, principal.org)
    assert [(s.series_id, s.origin) for s in stored] == [(1, "FILE"), (made.series_id, "API")]
    assert stored[0].row is not None
    assert stored[0].row.code == "DEMO10"


@pytest.mark.parametrize(
    "overrides",
    [
        {"maxCreate": 2**63},
        {"redemptionPerCouponMaxLimit": 2**31},
        {"discountValue": 1e300},
        {"discountValue": "1.0001"},
        {"description": "x" * 501},
        {"seriesCode": "x" * 51},
        {"validTillDate": "99999-01-01"},
    ],
)
def test_values_no_backend_holds_are_refused_alike(api: Api, overrides: dict[str, Any]) -> None:
    assert error(api.post("/v2/coupon/series", json=series_body(**overrides))) == (400, 707)
