"""Coupons through a merge: the survivor gets the victim's coupons and redemptions."""

from __future__ import annotations

from patron.coupons.lifecycle import move_coupons
from patron.customers import hooks
from patron.customers.models import Customer
from patron.db import Database, unit_of_work
from tests.conftest import Api
from tests.coupons.support import (
    coupons_of,
    error,
    issue,
    issued,
    new_customer,
    new_series,
    ok,
    redeem,
)


def merge(db: Database, org_id: int, victim: int, survivor: int) -> None:
    with unit_of_work(db.write_session) as session:
        move_coupons(session, org_id, victim, survivor)
        found = session.get(Customer, victim)
        assert found is not None
        found.merged_into_id = survivor


def test_the_merge_hook_is_wired(api: Api) -> None:
    assert move_coupons in hooks.merge_hooks


def test_a_merge_moves_coupons_and_redemptions_to_the_survivor(api: Api, db: Database) -> None:
    series_id = new_series(api, maxVouchersPerUser=3)
    victim, survivor = new_customer(api)["id"], new_customer(api)["id"]
    used = issued(api, victim, series_id)["code"]
    ok(redeem(api, victim, used))
    kept = issued(api, victim, series_id)["code"]
    issued(api, survivor, series_id)
    merge(db, api.org.org_id, victim, survivor)
    codes = {c["code"] for c in coupons_of(api, survivor)}
    assert {used, kept} <= codes
    assert len(codes) == 3
    # The survivor now holds three of the series: its limit counts the moved coupons.
    assert error(issue(api, survivor, series_id)) == (409, 722)
    ok(redeem(api, survivor, kept))
    assert error(redeem(api, survivor, used)) == (409, 711)
