"""Card expiry: a linked card of a series with ``expiryDays`` becomes EXPIRED (the org's
default EXPIRED label, reason ``expired``) once that many days have passed since its issue,
by one sweep and never twice; an expired card stays expired and frees its series' limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from typer.testing import CliRunner

from patron.cards.tasks import run_card_sweep
from patron.cli import app
from patron.config import Settings
from patron.db import Database
from patron.kit import clock
from tests.cards.support import (
    EXTERNAL,
    card,
    card_details,
    error,
    generate,
    link,
    new_customer,
    ok,
    set_status,
    unique_number,
    unlink,
)
from tests.conftest import Api

# The demo's generated series expires its cards 365 days after their issue.
YEAR_AND_A_DAY = dt.timedelta(days=366)


def sweep(api: Api, db: Database, after: dt.timedelta = YEAR_AND_A_DAY) -> int:
    """Sweep the test's org as if ``after`` had passed; return how many cards expired."""
    counts = run_card_sweep(db, clock.now() + after, org_id=api.org.org_id)
    assert counts["failed"] == 0
    return counts["expired"]


def issued(api: Api, label: str = "ACTIVE") -> tuple[int, str]:
    """Return (customer id, card number) of a customer holding a fresh generated card."""
    (number,) = generate(api)
    customer_id = new_customer(api)
    ok(link(api, customer_id, number, label))
    return customer_id, number


def details_of(api: Api, customer_id: int, number: str) -> dict[str, Any]:
    (found,) = [d for d in card_details(api, customer_id) if d["cardNumber"] == number]
    return found


def log_of(api: Api, number: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = ok(api.get("/v2/card/statusLog", params={"number": number}))[
        "entity"
    ]
    return entries


def test_a_card_past_its_expiry_days_becomes_expired(api: Api, db: Database) -> None:
    customer_id, number = issued(api)
    assert sweep(api, db) == 1
    found = details_of(api, customer_id, number)
    info = found["statusInfo"]
    assert (info["status"], info["label"], info["reason"]) == ("EXPIRED", "EXPIRED", "expired")
    assert (info["isActive"], found["transactionNotAllowed"]) == (False, True)
    assert found["expiryDays"] == 365
    assert isinstance(info["labelId"], int)


def test_the_expiry_is_logged_with_its_holder(api: Api, db: Database) -> None:
    customer_id, number = issued(api)
    sweep(api, db)
    last = log_of(api, number)[-1]
    assert (last["status"], last["label"], last["reason"]) == ("EXPIRED", "EXPIRED", "expired")
    assert (last["customerId"], last["createdBy"]) == (customer_id, None)


def test_a_card_inside_its_expiry_days_is_kept(api: Api, db: Database) -> None:
    customer_id, number = issued(api)
    assert sweep(api, db, dt.timedelta(days=364)) == 0
    assert details_of(api, customer_id, number)["statusInfo"]["status"] == "ACTIVE"


def test_a_second_sweep_expires_nothing_more(api: Api, db: Database) -> None:
    _, number = issued(api)
    assert sweep(api, db) == 1
    assert sweep(api, db) == 0
    assert sweep(api, db, dt.timedelta(days=800)) == 0
    assert [e["reason"] for e in log_of(api, number)].count("expired") == 1


def test_a_series_without_expiry_days_never_expires(api: Api, db: Database) -> None:
    customer_id = new_customer(api)
    number = unique_number()
    body = {"add": [card(number, seriesCode=EXTERNAL, statusLabel="ACTIVE")]}
    ok(api.post(f"/v2/customers/{customer_id}/changeIdentifier?source=INSTORE", json=body))
    assert sweep(api, db, dt.timedelta(days=36_500)) == 0
    assert details_of(api, customer_id, number)["statusInfo"]["status"] == "ACTIVE"


def test_expiry_counts_days_from_the_issue(api: Api, db: Database) -> None:
    definition = {
        "name": "Day pass",
        "code": "DAY",
        "expiryDays": 1,
        "cardGenerationConfiguration": {"prefix": "DAY", "length": 10},
    }
    ok(api.post("/v2/card/series", json=definition))
    (number,) = generate(api, seriesCode="DAY")
    customer_id = new_customer(api)
    body = {"add": [card(number, seriesCode="DAY", statusLabel="ISSUED")]}
    ok(api.post(f"/v2/customers/{customer_id}/changeIdentifier?source=INSTORE", json=body))
    assert sweep(api, db, dt.timedelta(hours=23)) == 0
    assert sweep(api, db, dt.timedelta(days=1, minutes=1)) == 1
    assert details_of(api, customer_id, number)["statusInfo"]["status"] == "EXPIRED"


def test_an_unissued_card_never_expires(api: Api, db: Database) -> None:
    (number,) = generate(api)
    assert sweep(api, db, dt.timedelta(days=36_500)) == 0
    assert [e["status"] for e in log_of(api, number)] == ["NOT_ISSUED"]


def test_a_suspended_card_expires_too(api: Api, db: Database) -> None:
    customer_id, number = issued(api)
    ok(set_status(api, number, "SUSPENDED", reason="lost"))
    assert sweep(api, db) == 1
    assert details_of(api, customer_id, number)["statusInfo"]["status"] == "EXPIRED"


def test_a_card_expired_or_deleted_by_hand_is_left_alone(api: Api, db: Database) -> None:
    _, expired = issued(api)
    _, deleted = issued(api)
    ok(set_status(api, expired, "EXPIRED", reason="by hand"))
    ok(set_status(api, deleted, "DELETED"))
    assert sweep(api, db) == 0
    assert [e["reason"] for e in log_of(api, expired)][-1] == "by hand"
    assert log_of(api, deleted)[-1]["status"] == "DELETED"


def test_an_unlinked_card_does_not_expire(api: Api, db: Database) -> None:
    customer_id, number = issued(api)
    ok(unlink(api, customer_id, number))
    assert sweep(api, db) == 0
    assert log_of(api, number)[-1]["status"] == "NOT_ISSUED"


def test_a_relinked_card_counts_from_its_new_issue(api: Api, db: Database) -> None:
    customer_id, number = issued(api)
    ok(unlink(api, customer_id, number))
    ok(link(api, customer_id, number))
    assert sweep(api, db, dt.timedelta(days=364)) == 0
    assert sweep(api, db) == 1


def test_an_expired_card_takes_the_orgs_default_expired_label(api: Api, db: Database) -> None:
    mapping = {"mapping": {"EXPIRED": [{"label": "Lapsed", "default": True}]}}
    labels = ok(api.post("/v2/genericStatus/card/labelMapping", json=mapping))["entity"]
    (lapsed,) = [lab for lab in labels["EXPIRED"] if lab["label"] == "Lapsed"]
    customer_id, number = issued(api)
    sweep(api, db)
    info = details_of(api, customer_id, number)["statusInfo"]
    assert (info["status"], info["label"], info["labelId"]) == ("EXPIRED", "Lapsed", lapsed["id"])


def test_an_expired_card_cannot_be_moved_out_of_expired(api: Api, db: Database) -> None:
    _, number = issued(api)
    sweep(api, db)
    for label in ("ACTIVE", "SUSPENDED", "DELETED", "NOT_ISSUED"):
        assert error(set_status(api, number, label)) == (400, 3038)
    assert error(set_status(api, number, "EXPIRED")) == (400, 3012)


def test_an_expired_card_cannot_be_unlinked(api: Api, db: Database) -> None:
    customer_id, number = issued(api)
    sweep(api, db)
    assert error(unlink(api, customer_id, number)) == (400, 3031)


def test_an_expired_card_cannot_be_linked_to_another_customer(api: Api, db: Database) -> None:
    holder, number = issued(api)
    sweep(api, db)
    # Its holder keeps the card's identifier (8007 for another customer of the source); the
    # card itself is no longer NOT_ISSUED (3027).
    status, code = error(link(api, new_customer(api), number))
    assert (status, code in (8007, 3027)) == (409, True)
    assert [e["customerId"] for e in log_of(api, number)][-1] == holder
    assert log_of(api, number)[-1]["status"] == "EXPIRED"


def test_an_expired_card_no_longer_counts_against_the_series_limit(api: Api, db: Database) -> None:
    # The demo's generated series lets a customer hold one card.
    customer_id, _ = issued(api)
    (second,) = generate(api)
    assert error(link(api, customer_id, second)) == (409, 3036)
    sweep(api, db)
    ok(link(api, customer_id, second))
    statuses = {d["cardNumber"]: d["statusInfo"]["status"] for d in card_details(api, customer_id)}
    assert sorted(statuses.values()) == ["ACTIVE", "EXPIRED"]
    assert statuses[second] == "ACTIVE"


def test_the_sweep_leaves_other_orgs_alone(api: Api, db: Database) -> None:
    _, number = issued(api)
    moment = clock.now() + YEAR_AND_A_DAY
    assert run_card_sweep(db, moment, org_id=api.org.org_id + 1_000_000)["expired"] == 0
    assert log_of(api, number)[-1]["status"] == "ACTIVE"


def test_the_sweep_command_expires_due_cards(api: Api, db: Database, settings: Settings) -> None:
    customer_id, number = issued(api)
    runner = CliRunner(
        env={
            "PATRON_DATABASE_URL": settings.resolved_database_url,
            "PATRON_DATA_DIR": str(settings.data_dir),
        }
    )
    at = (clock.now() + YEAR_AND_A_DAY).isoformat()
    org = str(api.org.org_id)
    result = runner.invoke(app, ["cards", "sweep", "--at", at, "--org", org])
    assert result.exit_code == 0, result.output
    assert "expired 1 card(s)" in result.output
    assert details_of(api, customer_id, number)["statusInfo"]["status"] == "EXPIRED"
    again = runner.invoke(app, ["cards", "sweep", "--at", at, "--org", org])
    assert "expired 0 card(s)" in again.output


def test_the_sweep_command_refuses_a_bad_moment() -> None:
    result = CliRunner().invoke(app, ["cards", "sweep", "--at", "whenever"])
    assert result.exit_code == 2
    assert "is not an ISO 8601 date-time" in result.output
