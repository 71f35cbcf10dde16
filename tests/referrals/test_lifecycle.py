"""Merges move a referrer's codes and referees to the survivor; PII deletion drops invitations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from patron.customers import hooks
from patron.customers.deletion import scrub_customer
from patron.customers.models import Customer
from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.kit.blobs import FileSystemBlobStore
from patron.referrals.lifecycle import move_referrals, scrub_referrals
from patron.referrals.models import ReferralCode, ReferralInvitation
from tests.conftest import Api
from tests.referrals.support import code_of, customer, invite_body, refer, stats


def merge(db: Database, org_id: int, victim: int, survivor: int) -> None:
    with unit_of_work(db.write_session) as session:
        move_referrals(session, org_id, victim, survivor)
        found = session.get(Customer, victim)
        assert found is not None
        found.merged_into_id = survivor


def test_the_hooks_are_wired(api: Api) -> None:
    assert move_referrals in hooks.merge_hooks
    assert scrub_referrals in hooks.scrub_hooks


def test_a_merged_referrer_code_and_referees_move_to_the_survivor(api: Api, db: Database) -> None:
    victim, _ = customer(api)
    survivor, _ = customer(api)
    code = code_of(api, victim)
    referee = int(refer(api, code).json()["createdId"])
    merge(db, api.org.org_id, victim, survivor)
    assert api.get("/v2/referral/validate", params={"code": code}).json()["referrer"] == survivor
    item = stats(api, survivor)["data"][0]
    assert item["referralCode"] == code
    assert [r["userId"] for r in item["referee"]] == [referee]
    assert [i["customerId"] for i in item["incentives"]] == [survivor]


def test_the_victim_code_stays_valid_beside_the_survivor_own(api: Api, db: Database) -> None:
    victim, _ = customer(api)
    survivor, _ = customer(api)
    old = code_of(api, victim)
    own = code_of(api, survivor)
    refer(api, old)
    merge(db, api.org.org_id, victim, survivor)
    assert stats(api, survivor)["data"][0]["referralCode"] == own
    later = refer(api, old)
    effects = [e for e in later.json()["sideEffects"] if e.get("isReferrer")]
    assert [e["customerId"] for e in effects] == [survivor]
    with unit_of_work(db.read_session) as session:
        rows = session.scalars(
            select(ReferralCode).where(ReferralCode.customer_id == survivor)
        ).all()
    counts = {(r.code, r.is_primary): r.registrations for r in rows}
    assert counts == {(own, True): 2, (old, False): 1}


def test_a_scrubbed_referrer_invitations_are_deleted(
    api: Api, db: Database, tmp_path: Path
) -> None:
    referrer, _ = customer(api)
    other, mobile = customer(api)
    api.post(
        f"/v2/customers/{referrer}/referrals",
        json=invite_body(referrer, {"identifier": "918867710090", "name": "Huck"}),
    )
    api.post(f"/v2/customers/{other}/referrals", json=invite_body(other, {"identifier": mobile}))
    with unit_of_work(db.write_session) as session:
        for customer_id in (referrer, other):
            found = session.get(Customer, customer_id)
            assert found is not None
            found.deletion_requested_at = clock.now()
            found.deletion_requested_by = found.created_by
    with unit_of_work(db.write_session) as session:
        assert scrub_customer(session, referrer, FileSystemBlobStore(tmp_path))
        assert scrub_customer(session, other, FileSystemBlobStore(tmp_path))
    with unit_of_work(db.read_session) as session:
        left = session.scalars(
            select(ReferralInvitation).where(ReferralInvitation.org_id == api.org.org_id)
        ).all()
    assert left == []


def test_a_scrub_drops_invitations_naming_the_customer(
    api: Api, db: Database, tmp_path: Path
) -> None:
    referrer, _ = customer(api)
    invitee, mobile = customer(api)
    api.post(
        f"/v2/customers/{referrer}/referrals", json=invite_body(referrer, {"identifier": mobile})
    )
    with unit_of_work(db.write_session) as session:
        found = session.get(Customer, invitee)
        assert found is not None
        found.deletion_requested_at = clock.now()
        found.deletion_requested_by = found.created_by
    with unit_of_work(db.write_session) as session:
        assert scrub_customer(session, invitee, FileSystemBlobStore(tmp_path))
    assert stats(api, referrer)["data"][0]["invitees"] == []
