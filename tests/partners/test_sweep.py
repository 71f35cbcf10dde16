"""The partner sweep: expired supplementary memberships are delinked, and each membership's
expiry reminder is written once, N days before its expiry, across sweeps and restarts."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from patron.cli import app
from patron.config import Settings
from patron.db import Database
from patron.kit import clock
from patron.partners.tasks import PartnerSweeper, run_partner_sweep
from tests.api.helpers import events
from tests.conftest import Api
from tests.partners.support import PLUS, code, customer, link, linked_programs

REMINDER = "supplementaryMembershipExpiryReminder"


def start_for_expiry_in(days: int) -> str:
    """Return the membershipStartDate of a 12-month DemoPlus membership that expires in
    ``days`` days (its expiry date is the start plus 12 months)."""
    expiry = clock.now().date() + dt.timedelta(days=days)
    return expiry.replace(year=expiry.year - 1).isoformat()


def linked_expiring_in(api: Api, days: int) -> tuple[int, str]:
    customer_id, mobile = customer(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=start_for_expiry_in(days))) == 200
    return customer_id, mobile


def test_a_membership_past_its_expiry_is_delinked_once(api: Api, db: Database) -> None:
    customer_id, _ = linked_expiring_in(api, -1)
    org_id = api.org.org_id
    assert run_partner_sweep(db, org_id=org_id)["delinked"] == 1
    assert run_partner_sweep(db, org_id=org_id)["delinked"] == 0
    assert linked_programs(api, customer_id) == []
    [delinked] = events(db, org_id, "partnerProgramDelinked")
    assert (delinked.data["partnerProgramName"], delinked.entity_id) == (PLUS, customer_id)
    assert delinked.data["partnerProgramType"] == "SUPPLEMENTARY"


def test_a_membership_is_kept_until_its_last_day_ends(api: Api, db: Database) -> None:
    customer_id, _ = linked_expiring_in(api, 0)
    assert run_partner_sweep(db, org_id=api.org.org_id)["delinked"] == 0
    assert [p["partnerProgramName"] for p in linked_programs(api, customer_id)] == [PLUS]


def test_the_reminder_is_written_once_across_two_sweeps(api: Api, db: Database) -> None:
    customer_id, _ = linked_expiring_in(api, 30)
    org_id = api.org.org_id
    assert run_partner_sweep(db, org_id=org_id)["reminded"] == 0
    due = clock.now() + dt.timedelta(days=24)
    assert run_partner_sweep(db, due, org_id)["reminded"] == 1
    assert run_partner_sweep(db, due + dt.timedelta(hours=1), org_id)["reminded"] == 0
    [reminder] = events(db, org_id, REMINDER)
    expiry = clock.now().date() + dt.timedelta(days=30)
    assert reminder.data["scheduledExpiryDate"] == expiry.isoformat()
    assert reminder.data["customerIdentifiers"]["customerId"] == customer_id


def test_a_membership_linked_inside_its_window_is_reminded_by_the_next_sweep(
    api: Api, db: Database
) -> None:
    linked_expiring_in(api, 3)
    PartnerSweeper(db, 0).sweep()
    assert len(events(db, api.org.org_id, REMINDER)) == 1


def test_a_restarted_sweeper_does_not_remind_again(api: Api, db: Database) -> None:
    linked_expiring_in(api, 3)
    first = PartnerSweeper(db, 0)
    first.sweep()
    restarted = PartnerSweeper(db, 0)
    restarted.sweep()
    assert len(events(db, api.org.org_id, REMINDER)) == 1


def test_a_renewal_schedules_a_new_reminder(api: Api, db: Database) -> None:
    _, mobile = linked_expiring_in(api, 3)
    org_id = api.org.org_id
    assert run_partner_sweep(db, org_id=org_id)["reminded"] == 1
    response = api.post(
        "/v2/partnerProgram/customerPartnerProgramUpdate",
        json={
            "customersPartnerUpdates": [
                {
                    "customer": {"mobile": mobile},
                    "partnerProgramUpdates": [
                        {"partnerProgramName": PLUS, "updateType": "RENEWAL"}
                    ],
                }
            ]
        },
    )
    assert response.status_code == 200, response.text
    assert run_partner_sweep(db, org_id=org_id)["reminded"] == 0
    later = clock.now() + dt.timedelta(days=362)
    assert run_partner_sweep(db, later, org_id)["reminded"] == 1
    assert len(events(db, org_id, REMINDER)) == 2


def test_the_sweep_command_runs_one_sweep(api: Api, db: Database, settings: Settings) -> None:
    linked_expiring_in(api, -2)
    runner = CliRunner(
        env={
            "PATRON_DATABASE_URL": settings.resolved_database_url,
            "PATRON_DATA_DIR": str(settings.data_dir),
        }
    )
    result = runner.invoke(app, ["partners", "sweep", "--org", str(api.org.org_id)])
    assert result.exit_code == 0, result.output
    assert "delinked 1 membership(s)" in result.output
    assert len(events(db, api.org.org_id, "partnerProgramDelinked")) == 1


def test_the_sweep_command_refuses_a_bad_moment() -> None:
    result = CliRunner().invoke(app, ["partners", "sweep", "--at", "whenever"])
    assert result.exit_code == 2
    assert "is not an ISO 8601 date-time" in result.output
