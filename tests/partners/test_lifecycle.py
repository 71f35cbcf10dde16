"""Partner memberships follow a merged customer to its survivor and are deleted, each with
partnerProgramDelinked, with a customer's personal data."""

from __future__ import annotations

from sqlalchemy import select

from patron.customers.tasks import run_pii_deletions
from patron.db import Database, unit_of_work
from patron.partners.models import PartnerMembership, PartnerRelink
from tests.api.helpers import events
from tests.conftest import Api
from tests.groups.test_membership_lifecycle import holder, merge, request_deletion
from tests.partners.support import PARTNER, PLUS, code, customer, day, link, linked_programs


def test_a_merged_customers_memberships_move_to_the_survivor(api: Api) -> None:
    survivor, survivor_mobile = holder(api)
    victim, victim_mobile = customer(api)
    assert code(link(api, victim_mobile, PLUS)) == 200
    merge(api, victim, survivor_mobile)
    assert [p["partnerProgramName"] for p in linked_programs(api, survivor)] == [PLUS]


def test_a_program_both_customers_hold_keeps_the_survivors_membership(api: Api) -> None:
    survivor, survivor_mobile = holder(api)
    victim, victim_mobile = customer(api)
    assert code(link(api, survivor_mobile, partnerMembershipId="SURVIVOR")) == 200
    assert code(link(api, victim_mobile, partnerMembershipId="VICTIM")) == 200
    merge(api, victim, survivor_mobile)
    [shown] = linked_programs(api, survivor)
    assert (shown["partnerProgramName"], shown["partnerMembershipId"]) == (PARTNER, "SURVIVOR")


def test_a_customer_whose_data_is_deleted_loses_its_memberships(api: Api, db: Database) -> None:
    customer_id, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    assert code(link(api, mobile, PLUS)) == 200
    request_deletion(api, mobile)
    run_pii_deletions(db, api.client.app.state.blobs)  # type: ignore[attr-defined]
    with unit_of_work(db.read_session) as session:
        left = session.scalars(
            select(PartnerMembership).where(PartnerMembership.customer_id == customer_id)
        ).all()
    assert left == []


def test_a_customer_whose_data_is_deleted_loses_its_queued_relink(api: Api, db: Database) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, PLUS)) == 200
    assert code(link(api, mobile, PLUS, membershipStartDate=day(10))) == 200
    request_deletion(api, mobile)
    run_pii_deletions(db, api.client.app.state.blobs)  # type: ignore[attr-defined]
    with unit_of_work(db.read_session) as session:
        assert (
            session.scalars(
                select(PartnerRelink).where(PartnerRelink.org_id == api.org.org_id)
            ).all()
            == []
        )
    [delinked] = events(db, api.org.org_id, "partnerProgramDelinked")
    assert delinked.data["partnerProgramName"] == PLUS
