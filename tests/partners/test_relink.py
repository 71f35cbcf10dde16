"""Future-dated relinks of a supplementary membership: queued by linkCustomer, applied once by
the partner sweep at their start (partnerProgramLinked), cancelled by
``MEMBERSHIP_RELINKING_CANCELLED``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.partners.models import PartnerRelink
from patron.partners.tasks import PartnerSweeper, run_partner_sweep
from tests.api.helpers import events
from tests.conftest import Api
from tests.partners.support import (
    PLUS,
    code,
    customer,
    day,
    delink,
    link,
    linked_programs,
    status,
    update,
)
from tests.partners.test_sweep import linked_expiring_in

LINKED = "partnerProgramLinked"
UPDATED = "partnerProgramUpdated"
CANCEL = "MEMBERSHIP_RELINKING_CANCELLED"


def after_days(days: int) -> dt.datetime:
    """Return a moment inside the day ``days`` days from today (UTC, the demo org's zone)."""
    return clock.start_of_day(clock.now().date() + dt.timedelta(days=days), dt.UTC) + dt.timedelta(
        hours=1
    )


def a_year_from(offset: int) -> str:
    """Return the expiry date of a 12-month DemoPlus membership started ``offset`` days on."""
    start = clock.now().date() + dt.timedelta(days=offset)
    return start.replace(year=start.year + 1).isoformat()


def relinks(db: Database, org_id: int) -> list[PartnerRelink]:
    with unit_of_work(db.read_session) as session:
        query = select(PartnerRelink).where(PartnerRelink.org_id == org_id)
        return list(session.scalars(query))


def linked_today(api: Api) -> tuple[int, str]:
    customer_id, mobile = customer(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(0))) == 200
    return customer_id, mobile


def test_a_future_start_on_a_linked_membership_queues_a_relink(api: Api, db: Database) -> None:
    customer_id, mobile = linked_today(api)
    answer = status(link(api, mobile, PLUS, membershipStartDate=day(30)))
    assert answer == {
        "status": True,
        "message": f"Relink to the partner program queued from {day(30)}",
        "code": 200,
    }
    assert [p["partnerProgramName"] for p in linked_programs(api, customer_id)] == [PLUS]
    assert len(events(db, api.org.org_id, LINKED)) == 1
    [queued] = relinks(db, api.org.org_id)
    assert queued.starts_at == clock.start_of_day(clock.now().date() + dt.timedelta(30), dt.UTC)


def test_the_sweep_renews_the_membership_at_the_relinks_start_once(api: Api, db: Database) -> None:
    customer_id, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(30))) == 200
    org_id = api.org.org_id
    assert run_partner_sweep(db, after_days(29), org_id)["relinked"] == 0
    assert run_partner_sweep(db, after_days(30), org_id)["relinked"] == 1
    assert run_partner_sweep(db, after_days(31), org_id)["relinked"] == 0
    first, renewed = events(db, org_id, LINKED)
    assert first.data["customerPartnerProgramDetails"]["membershipExpiryDate"] == a_year_from(0)
    assert renewed.data["customerPartnerProgramDetails"] == {
        **first.data["customerPartnerProgramDetails"],
        "membershipExpiryDate": a_year_from(30),
    }
    assert (renewed.entity_id, renewed.data["partnerProgramName"]) == (customer_id, PLUS)
    assert relinks(db, org_id) == []


def test_a_restarted_sweeper_does_not_apply_a_relink_again(api: Api, db: Database) -> None:
    _, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(1))) == 200
    with unit_of_work(db.write_session) as session:
        for relink in session.scalars(select(PartnerRelink)):
            relink.starts_at = clock.now() - dt.timedelta(seconds=1)
    PartnerSweeper(db, 0).sweep()
    PartnerSweeper(db, 0).sweep()
    assert len(events(db, api.org.org_id, LINKED)) == 2


def test_the_relinks_membership_number_replaces_the_current_at_its_start(
    api: Api, db: Database
) -> None:
    customer_id, mobile = customer(api)
    assert code(link(api, mobile, PLUS, partnerMembershipId="OLD")) == 200
    assert (
        code(link(api, mobile, PLUS, membershipStartDate=day(5), partnerMembershipId="NEW")) == 200
    )
    assert linked_programs(api, customer_id)[0]["partnerMembershipId"] == "OLD"
    run_partner_sweep(db, after_days(5), api.org.org_id)
    assert linked_programs(api, customer_id)[0]["partnerMembershipId"] == "NEW"


def test_a_second_relink_while_one_is_queued_answers_2005(api: Api, db: Database) -> None:
    _, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(30))) == 200
    refused = status(link(api, mobile, PLUS, membershipStartDate=day(40)))
    assert refused["code"] == 2005
    assert CANCEL in refused["message"]
    [queued] = relinks(db, api.org.org_id)
    assert queued.starts_at.date() == clock.now().date() + dt.timedelta(days=30)


def test_a_relink_can_be_queued_again_after_a_cancellation(api: Api, db: Database) -> None:
    _, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(30))) == 200
    assert code(update(api, mobile, CANCEL, PLUS)) == 200
    assert code(link(api, mobile, PLUS, membershipStartDate=day(40))) == 200
    [queued] = relinks(db, api.org.org_id)
    assert queued.starts_at.date() == clock.now().date() + dt.timedelta(days=40)


def test_a_start_today_or_in_the_past_on_a_linked_membership_answers_2005(api: Api) -> None:
    _, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(0))) == 2005
    assert code(link(api, mobile, PLUS, membershipStartDate=day(-3))) == 2005
    assert code(link(api, mobile, PLUS)) == 2005


def test_a_future_start_on_a_linked_external_program_answers_2005(api: Api, db: Database) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    assert code(link(api, mobile, membershipStartDate=day(10))) == 2005
    assert relinks(db, api.org.org_id) == []


def test_a_relink_starting_after_the_day_following_the_expiry_answers_2001(
    api: Api, db: Database
) -> None:
    _, mobile = linked_expiring_in(api, 10)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(12))) == 2001
    assert relinks(db, api.org.org_id) == []


def test_a_relink_from_the_day_after_the_expiry_keeps_the_membership_until_it_starts(
    api: Api, db: Database
) -> None:
    customer_id, mobile = linked_expiring_in(api, 10)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(11))) == 200
    org_id = api.org.org_id
    # The last second of the expiry day has passed, the relink's day has not begun.
    gap = clock.start_of_day(clock.now().date() + dt.timedelta(days=11), dt.UTC)
    assert run_partner_sweep(db, gap - dt.timedelta(microseconds=1), org_id)["delinked"] == 0
    counts = run_partner_sweep(db, after_days(11), org_id)
    assert (counts["relinked"], counts["delinked"]) == (1, 0)
    assert [p["partnerProgramName"] for p in linked_programs(api, customer_id)] == [PLUS]
    assert events(db, org_id, "partnerProgramDelinked") == []


def test_no_reminder_is_sent_for_an_expiry_a_queued_relink_replaces(api: Api, db: Database) -> None:
    _, mobile = linked_expiring_in(api, 3)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(2))) == 200
    org_id = api.org.org_id
    assert run_partner_sweep(db, org_id=org_id)["reminded"] == 0
    assert run_partner_sweep(db, after_days(2), org_id)["relinked"] == 1
    assert run_partner_sweep(db, after_days(3), org_id)["reminded"] == 0
    assert events(db, org_id, "supplementaryMembershipExpiryReminder") == []


def test_a_cancelled_relinks_membership_is_reminded_again(api: Api, db: Database) -> None:
    _, mobile = linked_expiring_in(api, 3)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(2))) == 200
    assert code(update(api, mobile, CANCEL, PLUS)) == 200
    assert run_partner_sweep(db, org_id=api.org.org_id)["reminded"] == 1


def test_cancelling_a_queued_relink_keeps_the_current_membership(api: Api, db: Database) -> None:
    customer_id, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(30))) == 200
    answer = status(update(api, mobile, CANCEL.lower(), PLUS))
    assert answer == {"status": True, "message": "Pending relink cancelled", "code": 200}
    org_id = api.org.org_id
    assert run_partner_sweep(db, after_days(30), org_id)["relinked"] == 0
    assert len(events(db, org_id, LINKED)) == 1
    [cancelled] = events(db, org_id, UPDATED)
    assert cancelled.data["updateType"] == CANCEL
    details = cancelled.data["customerPartnerProgramDetails"]
    assert details["membershipExpiryDate"] == a_year_from(0)
    assert [p["partnerProgramName"] for p in linked_programs(api, customer_id)] == [PLUS]


def test_cancelling_with_nothing_queued_answers_2001(api: Api, db: Database) -> None:
    _, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(30))) == 200
    assert code(update(api, mobile, CANCEL, PLUS)) == 200
    assert code(update(api, mobile, CANCEL, PLUS)) == 2001
    assert len(events(db, api.org.org_id, UPDATED)) == 1


def test_cancelling_an_applied_relink_answers_2001(api: Api, db: Database) -> None:
    _, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(1))) == 200
    assert run_partner_sweep(db, after_days(1), api.org.org_id)["relinked"] == 1
    assert code(update(api, mobile, CANCEL, PLUS)) == 2001


def test_cancelling_without_a_membership_answers_2004(api: Api) -> None:
    _, mobile = customer(api)
    assert code(update(api, mobile, CANCEL, PLUS)) == 2004


def test_a_delink_drops_the_queued_relink(api: Api, db: Database) -> None:
    customer_id, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(30))) == 200
    assert code(delink(api, mobile, PLUS)) == 200
    assert relinks(db, api.org.org_id) == []
    assert run_partner_sweep(db, after_days(30), api.org.org_id)["relinked"] == 0
    assert linked_programs(api, customer_id) == []


def test_the_sweep_command_counts_relinks(api: Api, db: Database) -> None:
    _, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(1))) == 200
    counts = run_partner_sweep(db, after_days(1), api.org.org_id)
    assert counts == {"relinked": 1, "delinked": 0, "reminded": 0, "failed": 0}
