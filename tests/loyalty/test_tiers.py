"""Tiers: renewal or a one-tier downgrade when the validity ends (idempotent), and manual tier
adjustments with their codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty import audit, ledger
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import Bill
from patron.loyalty.tiers.service import Renewals, renew_due
from patron.orgs.programs import end_of_day
from tests.api.helpers import codes, register
from tests.conftest import Api, OrgCredentials, make_org
from tests.factories import profile, registration, unique_mobile
from tests.loyalty.test_expiry import QUIET_PROGRAM, YEAR, account_of, customer, put_in_tier


@pytest.fixture
def org(db: Database) -> OrgCredentials:
    """An org of its own whose program awards nothing on registration."""
    return make_org(db, loyaltyPrograms=[QUIET_PROGRAM])


def bill(
    db: Database,
    org_id: int,
    customer_id: int,
    amount: int,
    billed: dt.datetime,
    *,
    returns: int | None = None,
) -> None:
    """Add a purchase (and a return of part of it, billed the same day)."""
    with unit_of_work(db.write_session) as session:
        number = f"B-{unique_mobile()}"
        purchase = Bill(
            org_id=org_id,
            customer_id=customer_id,
            program_id=1,
            type="REGULAR",
            bill_number=number,
            purchase_key=number,
            amount=Decimal(amount),
            billing_date=billed,
            till_id=1,
            created_at=billed,
        )
        session.add(purchase)
        session.flush()
        if returns is not None:
            session.add(
                Bill(
                    org_id=org_id,
                    customer_id=customer_id,
                    program_id=1,
                    type="RETURN",
                    bill_number=number,
                    parent_id=purchase.id,
                    return_type="AMOUNT",
                    amount=Decimal(returns),
                    billing_date=billed,
                    till_id=1,
                    created_at=billed,
                )
            )


def renew(db: Database, org_id: int, now: dt.datetime) -> Renewals:
    with unit_of_work(db.write_session) as session:
        return renew_due(session, now, org_id)


def validity_end(since: dt.datetime) -> dt.datetime:
    """The end of a 365-day validity that began at ``since`` (UTC org)."""
    return end_of_day(since.date() + YEAR, dt.UTC)


# Renewal


def test_silver_is_renewed_when_the_window_purchases_meet_its_threshold(
    api: Api, db: Database
) -> None:
    org_id = api.org.org_id
    since = clock.now() - dt.timedelta(days=400)
    cid = customer(api)
    put_in_tier(db, org_id, cid, 2, since)
    bill(db, org_id, cid, 6000, since + dt.timedelta(days=10))
    bill(db, org_id, cid, 4000, since + dt.timedelta(days=200))
    expiry = validity_end(since)

    assert renew(db, org_id, expiry - dt.timedelta(seconds=1)) == Renewals()
    assert renew(db, org_id, clock.now()) == Renewals(renewed=1)
    account = account_of(db, org_id, cid)
    assert account.tier_number == 2
    assert account.tier_since == expiry
    assert account.tier_expires_at == validity_end(expiry)

    assert renew(db, org_id, clock.now()) == Renewals()
    again = account_of(db, org_id, cid)
    assert (again.tier_number, again.tier_expires_at, again.version) == (
        2,
        account.tier_expires_at,
        account.version,
    )


def test_gold_falls_one_tier_when_its_threshold_is_not_met_again(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    since = clock.now() - dt.timedelta(days=370)
    cid = customer(api)
    put_in_tier(db, org_id, cid, 3, since)
    bill(db, org_id, cid, 20000, since + dt.timedelta(days=30))
    expiry = validity_end(since)

    assert renew(db, org_id, clock.now()) == Renewals(downgraded=1)
    account = account_of(db, org_id, cid)
    assert account.tier_number == 2
    assert account.tier_since == expiry
    assert account.tier_expires_at == validity_end(expiry)
    assert renew(db, org_id, clock.now()) == Renewals()
    assert account_of(db, org_id, cid).tier_number == 2


def test_returns_and_purchases_outside_the_window_do_not_count(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    since = clock.now() - dt.timedelta(days=370)
    cid = customer(api)
    put_in_tier(db, org_id, cid, 2, since)
    bill(db, org_id, cid, 50000, since - dt.timedelta(days=1))  # before the window
    bill(db, org_id, cid, 10000, since + dt.timedelta(days=30), returns=500)

    assert renew(db, org_id, clock.now()) == Renewals(downgraded=1)
    account = account_of(db, org_id, cid)
    # The base tier never lapses.
    assert (account.tier_number, account.tier_expires_at) == (1, None)
    assert renew(db, org_id, clock.now()) == Renewals()


def test_a_late_renewal_evaluates_every_window_that_ended(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    since = clock.now() - dt.timedelta(days=365 * 2 + 30)
    cid = customer(api)
    put_in_tier(db, org_id, cid, 3, since)
    first_end = validity_end(since)
    bill(db, org_id, cid, 60000, since + dt.timedelta(days=5))  # GOLD renewed once
    bill(db, org_id, cid, 12000, first_end + dt.timedelta(days=5))  # then only SILVER's

    assert renew(db, org_id, clock.now()) == Renewals(renewed=1, downgraded=1)
    account = account_of(db, org_id, cid)
    assert account.tier_number == 2
    assert account.tier_expires_at == validity_end(validity_end(first_end))
    assert account.tier_expires_at > clock.now()
    assert renew(db, org_id, clock.now()) == Renewals()


@pytest.mark.parametrize(
    ("criterion", "earned", "tier_after"),
    [("LIFETIME_POINTS", 300, 2), ("LIFETIME_POINTS", 200, 1), ("CURRENT_POINTS", 300, 2)],
)
def test_point_criteria_are_renewed_on_points(
    app_client: Any, db: Database, criterion: str, earned: int, tier_after: int
) -> None:
    tiers = [
        {"serialNumber": 1, "name": "BASE"},
        {
            "serialNumber": 2,
            "name": "STAR",
            "criterion": criterion,
            "threshold": "250",
            "validityDays": 30,
        },
    ]
    org = make_org(db, loyaltyPrograms=[{**QUIET_PROGRAM, "tiers": tiers}])
    api = Api(app_client, org)
    since = clock.now() - dt.timedelta(days=40)
    cid = customer(api)
    put_in_tier(db, org.org_id, cid, 2, since)
    with unit_of_work(db.write_session) as session:
        account = ledger.find_account(session, org.org_id, cid, 1, lock=True)
        assert account is not None
        before = Posting(Cause.MANUAL, None, None, since - dt.timedelta(days=1))
        ledger.credit(session, account, Kind.GOODWILL, Decimal(500), before, expires_at=None)
        inside = Posting(Cause.MANUAL, None, None, since + dt.timedelta(days=3))
        ledger.credit(session, account, Kind.GOODWILL, Decimal(earned), inside, expires_at=None)
        if criterion == "CURRENT_POINTS":
            spend = Posting(Cause.MANUAL, None, None, since + dt.timedelta(days=4))
            ledger.debit(session, account, Kind.REDEMPTION, Decimal(500), spend)
    renew(db, org.org_id, clock.now())
    assert account_of(db, org.org_id, cid).tier_number == tier_after
    with unit_of_work(db.read_session) as session:
        assert audit.check_org(session, org.org_id) == []


# Manual adjustment


def adjust(api: Api, identifier: str, body: dict[str, Any], **query: str) -> Any:
    params = {"source": "INSTORE", "identifierName": "mobile", "identifierValue": identifier}
    params.update(query)
    return api.post("/v2/slab/manualSlabAdjustment", params=params, json=body)


def slab_body(action: str, validity: str = "AS_PER_TIER_STRATEGY", **extra: Any) -> dict[str, Any]:
    return {
        "programId": 1,
        "slabAction": action,
        "manualSlabActionValidity": validity,
        "manualSlabActionValidityUpto": "0",
        **extra,
    }


def test_a_manual_upgrade_answers_the_slab_side_effect(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    cid = customer(api, mobile)
    response = adjust(api, mobile, slab_body("UPGRADE", toSlabName="gold", slabChangeReason="VIP"))
    assert response.status_code == 200, response.text
    expiry = validity_end(clock.now())
    assert response.json() == {
        "programId": 1,
        "entityId": cid,
        "sideEffects": [
            {
                "entityType": "USER",
                "previousSlabName": "BRONZE",
                "previousSlabNumber": 1,
                "upgradedSlabName": "GOLD",
                "upgradedSlabNumber": 3,
                "slabExpiryDate": clock.iso(expiry, dt.UTC),
                "type": "slab",
            }
        ],
        "warnings": [],
    }
    account = account_of(db, api.org.org_id, cid)
    assert (account.tier_number, account.tier_expires_at) == (3, expiry)


def test_a_manual_downgrade_takes_its_validity(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    cid = customer(api, mobile)
    put_in_tier(db, api.org.org_id, cid, 3, clock.now() - dt.timedelta(days=10))
    day = (clock.now() + dt.timedelta(days=60)).date()
    response = adjust(
        api,
        mobile,
        slab_body(
            "DOWNGRADE",
            "SPECIFIC_DATE",
            toSlabName="SILVER",
            manualSlabActionValidityUpto=day.isoformat(),
        ),
    )
    assert response.status_code == 200, response.text
    effect = response.json()["sideEffects"][0]
    assert (effect["previousSlabName"], effect["upgradedSlabName"]) == ("GOLD", "SILVER")
    assert effect["slabExpiryDate"] == clock.iso(end_of_day(day, dt.UTC), dt.UTC)

    response = adjust(api, mobile, slab_body("DOWNGRADE", "FIXED_DURATION", toSlabName="BRONZE"))
    assert response.status_code == 200, response.text
    account = account_of(db, api.org.org_id, cid)
    assert (account.tier_number, account.tier_expires_at) == (1, None)


def test_renewal_and_extension_count_from_the_current_expiry(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    cid = customer(api, mobile)
    since = clock.now() - dt.timedelta(days=100)
    put_in_tier(db, api.org.org_id, cid, 2, since)
    current = validity_end(since)

    body = slab_body("EXTEND_CURRENT_TIER_EXPIRY_DATE", "FIXED_DURATION")
    response = adjust(api, mobile, {**body, "manualSlabActionValidityUpto": 30})
    assert response.status_code == 200, response.text
    extended = end_of_day(current.date() + dt.timedelta(days=30), dt.UTC)
    account = account_of(db, api.org.org_id, cid)
    assert (account.tier_number, account.tier_since, account.tier_expires_at) == (
        2,
        since,
        extended,
    )

    response = adjust(api, str(cid), slab_body("RENEWAL"), identifierName="id")
    assert response.status_code == 200, response.text
    effect = response.json()["sideEffects"][0]
    assert (effect["previousSlabName"], effect["upgradedSlabName"]) == ("SILVER", "SILVER")
    account = account_of(db, api.org.org_id, cid)
    assert (account.tier_since, account.tier_expires_at) == (extended, validity_end(extended))


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (slab_body("UPGRADE", toSlabName="BRONZE"), 8925),
        (slab_body("UPGRADE", toSlabName="SILVER"), 8925),
        (slab_body("DOWNGRADE", toSlabName="GOLD"), 8925),
        (slab_body("UPGRADE", toSlabName="PLATINUM"), 8923),
        (slab_body("UPGRADE"), 8923),
        (slab_body("PROMOTE", toSlabName="GOLD"), 8917),
        ({**slab_body("UPGRADE", toSlabName="GOLD"), "slabAction": None}, 8917),
        (slab_body("UPGRADE", "FOREVER", toSlabName="GOLD"), 8920),
        (
            slab_body(
                "UPGRADE", "FIXED_DURATION", toSlabName="GOLD", manualSlabActionValidityUpto="x"
            ),
            8921,
        ),
        (
            slab_body(
                "UPGRADE",
                "SPECIFIC_DATE",
                toSlabName="GOLD",
                manualSlabActionValidityUpto="2001-01-01",
            ),
            8921,
        ),
        (
            slab_body(
                "UPGRADE", "SPECIFIC_DATE", toSlabName="GOLD", manualSlabActionValidityUpto="soon"
            ),
            8921,
        ),
        (
            slab_body(
                "UPGRADE", "FIXED_DURATION", toSlabName="GOLD", manualSlabActionValidityUpto="²"
            ),
            8921,
        ),
        (
            slab_body(
                "UPGRADE",
                "SPECIFIC_DATE",
                toSlabName="GOLD",
                manualSlabActionValidityUpto="9999-12-31",
            ),
            8921,
        ),
        ({**slab_body("UPGRADE", toSlabName="GOLD"), "programId": 9}, 1101),
        ({**slab_body("UPGRADE", toSlabName="GOLD"), "programId": None}, 1101),
        (slab_body("UPGRADE", toSlabName="GOLD", slabChangeReason="x" * 256), 400),
        ({**slab_body("UPGRADE", toSlabName="GOLD"), "programId": "1"}, 400),
        (slab_body("RENEWAL", toSlabName=3), 400),
    ],
)
def test_manual_adjustments_refuse_bad_input_with_their_codes(
    api: Api, db: Database, body: dict[str, Any], code: int
) -> None:
    mobile = unique_mobile()
    cid = customer(api, mobile)
    put_in_tier(db, api.org.org_id, cid, 2, clock.now() - dt.timedelta(days=5))
    response = adjust(api, mobile, body)
    assert (response.status_code, codes(response)) == (400, [code])
    assert account_of(db, api.org.org_id, cid).tier_number == 2


def test_manual_adjustments_need_a_known_loyalty_customer(api: Api) -> None:
    body = slab_body("UPGRADE", toSlabName="GOLD")
    missing = adjust(api, unique_mobile(), body)
    assert (missing.status_code, codes(missing)) == (404, [8015])
    assert codes(adjust(api, "987654321", body, identifierName="id")) == [8015]
    assert codes(adjust(api, "²", body, identifierName="id")) == [8015]
    outsider = unique_mobile()
    register(api, registration(profile(outsider), loyalty_type="non_loyalty"))
    assert codes(adjust(api, outsider, body)) == [881]
    assert codes(adjust(api, outsider, body, source="NOWHERE")) == [8012]
    member = unique_mobile()
    customer(api, member)
    refused = adjust(api, member, body, type="USERGROUP2")
    assert (refused.status_code, codes(refused)) == (400, [400])
    assert codes(adjust(api, member, body, type="HOUSEHOLD")) == [400]
