"""Expiry: the sweep expires due lots (only their remainder, once), delayed points are
released, the expiry schedule and expired points read back, and updateExpiry moves expiries."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from patron.customers.models import Customer
from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty import accounts, audit, ledger
from patron.loyalty.expiry.service import expire_due, expired_points, expiry_schedules, release_due
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import Account, Bill, Entry, Lot
from patron.loyalty.tasks import LoyaltySweeper, run_loyalty_sweep
from patron.orgs.config import OrgConfig
from patron.orgs.demo import DEMO_PROGRAM
from patron.orgs.programs import end_of_day
from patron.orgs.service import load_org_config
from tests.api.helpers import codes, register
from tests.conftest import Api, OrgCredentials, make_org
from tests.factories import profile, registration, unique_mobile

KOLKATA = clock.zone("Asia/Kolkata")
YEAR = dt.timedelta(days=365)
# The demo program without its registration rule, so a new customer holds no points.
QUIET_PROGRAM: dict[str, Any] = {
    **DEMO_PROGRAM,
    "earning": {k: v for k, v in DEMO_PROGRAM["earning"].items() if k != "registration"},
}
OTHER_PROGRAM: dict[str, Any] = {**QUIET_PROGRAM, "programId": 2, "name": "Other", "default": False}


@pytest.fixture
def org(db: Database) -> OrgCredentials:
    """An org of its own whose program awards nothing on registration."""
    return make_org(db, loyaltyPrograms=[QUIET_PROGRAM])


def config(session: Any, org_id: int) -> OrgConfig:
    org = load_org_config(session, org_id)
    assert org is not None
    return org


def customer(api: Api, mobile: str | None = None) -> int:
    return register(api, registration(profile(mobile)))


def credit(
    db: Database,
    org_id: int,
    customer_id: int,
    points: int | str,
    *,
    expires_at: dt.datetime | None,
    at: dt.datetime | None = None,
    available_at: dt.datetime | None = None,
    program_id: int = 1,
) -> int:
    """Credit points in a lot of their own; return the lot's id."""
    moment = at or clock.now()
    with unit_of_work(db.write_session) as session:
        org = config(session, org_id)
        program = org.program(program_id)
        assert program is not None
        account = accounts.enrol(session, org, program, customer_id, moment)
        _, lot = ledger.credit(
            session,
            account,
            Kind.AWARD,
            Decimal(points),
            Posting(Cause.MANUAL, None, None, moment),
            expires_at=expires_at,
            available_at=available_at,
        )
        assert lot is not None
        return lot.id


def put_in_tier(
    db: Database, org_id: int, customer_id: int, tier: int, since: dt.datetime
) -> Account:
    """Put the customer's account in ``tier`` from ``since`` (validity as the program says)."""
    with unit_of_work(db.write_session) as session:
        org = config(session, org_id)
        program = org.default_program
        assert program is not None
        account = accounts.enrol(session, org, program, customer_id, since)
        found = program.tier(tier)
        assert found is not None
        accounts.set_tier(account, program, found, since, org.zone)
        return account


def spend(db: Database, org_id: int, customer_id: int, points: int) -> None:
    with unit_of_work(db.write_session) as session:
        account = ledger.find_account(session, org_id, customer_id, 1, lock=True)
        assert account is not None
        posting = Posting(Cause.MANUAL, None, None, clock.now())
        ledger.debit(session, account, Kind.REDEMPTION, Decimal(points), posting)


def account_of(db: Database, org_id: int, customer_id: int, program_id: int = 1) -> Account:
    with unit_of_work(db.read_session) as session:
        account = ledger.find_account(session, org_id, customer_id, program_id)
        assert account is not None
        return account


def lot_of(db: Database, lot_id: int) -> Lot:
    with unit_of_work(db.read_session) as session:
        lot = session.get(Lot, lot_id)
        assert lot is not None
        return lot


def expiry_entries(db: Database, account_id: int) -> int:
    with unit_of_work(db.read_session) as session:
        query = select(func.count()).where(
            Entry.account_id == account_id, Entry.kind == Kind.EXPIRY.value
        )
        return int(session.scalar(query) or 0)


def sweep(db: Database, org_id: int, now: dt.datetime) -> tuple[int, Decimal]:
    with unit_of_work(db.write_session) as session:
        swept = expire_due(session, org_id, now)
    return swept.lots, swept.points


# The sweep


def test_a_lot_past_its_expiry_is_expired_once(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    now = clock.now()
    cid = customer(api)
    lot_id = credit(db, org_id, cid, 100, expires_at=now + dt.timedelta(days=10))
    credit(db, org_id, cid, 40, expires_at=now + dt.timedelta(days=30))
    assert sweep(db, org_id, now + dt.timedelta(days=9)) == (0, Decimal(0))

    later = now + dt.timedelta(days=11)
    assert sweep(db, org_id, later) == (1, Decimal(100))
    account = account_of(db, org_id, cid)
    assert account.points == 40
    assert account.expired == 100
    assert lot_of(db, lot_id).remaining == 0

    assert sweep(db, org_id, later) == (0, Decimal(0))
    again = account_of(db, org_id, cid)
    assert (again.points, again.expired, again.version) == (40, 100, account.version)
    assert expiry_entries(db, account.id) == 1


def test_a_partly_redeemed_lot_expires_only_its_remainder(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    now = clock.now()
    cid = customer(api)
    lot_id = credit(db, org_id, cid, 100, expires_at=now + dt.timedelta(days=5))
    spend(db, org_id, cid, 30)
    assert sweep(db, org_id, now + dt.timedelta(days=6)) == (1, Decimal(70))
    account = account_of(db, org_id, cid)
    assert (account.points, account.redeemed, account.expired) == (0, 30, 70)
    assert lot_of(db, lot_id).remaining == 0


def test_redemption_spends_the_first_expiring_lot_so_less_expires(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    now = clock.now()
    cid = customer(api)
    later_lot = credit(db, org_id, cid, 100, expires_at=now + dt.timedelta(days=20))
    soon_lot = credit(db, org_id, cid, 100, expires_at=now + dt.timedelta(days=5))
    spend(db, org_id, cid, 120)
    assert (lot_of(db, soon_lot).remaining, lot_of(db, later_lot).remaining) == (0, 80)

    assert sweep(db, org_id, now + dt.timedelta(days=6)) == (0, Decimal(0))
    assert sweep(db, org_id, now + dt.timedelta(days=21)) == (1, Decimal(80))
    account = account_of(db, org_id, cid)
    assert (account.points, account.redeemed, account.expired) == (0, 120, 80)


def test_points_never_expiring_are_never_swept(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    cid = customer(api)
    credit(db, org_id, cid, 25, expires_at=None)
    assert sweep(db, org_id, clock.now() + dt.timedelta(days=36500)) == (0, Decimal(0))
    assert account_of(db, org_id, cid).points == 25


def test_points_expire_at_the_end_of_the_day_in_the_org_zone(app_client: Any, db: Database) -> None:
    org = make_org(db, timezone="Asia/Kolkata", loyaltyPrograms=[QUIET_PROGRAM])
    api = Api(app_client, org)
    cid = customer(api)
    # 20:00 UTC is already the next day in Kolkata (UTC+05:30).
    at = dt.datetime.combine(clock.now().date(), dt.time(20), tzinfo=dt.UTC)
    with unit_of_work(db.write_session) as session:
        cfg = config(session, org.org_id)
        program = cfg.default_program
        assert program is not None
        account = accounts.enrol(session, cfg, program, cid, at)
        award = accounts.award(
            session, cfg, program, account, Decimal(50), Posting(Cause.MANUAL, None, None, at)
        )
        assert award.lot is not None
        lot_id = award.lot.id
    local_day = at.astimezone(KOLKATA).date() + dt.timedelta(days=365)
    expected = end_of_day(local_day, KOLKATA)
    assert local_day == at.date() + dt.timedelta(days=366)
    assert lot_of(db, lot_id).expires_at == expected
    assert expected.astimezone(KOLKATA).time() == dt.time(23, 59, 59)

    schedule = api.get(f"/v2/customers/{cid}/pointsExpirySchedule").json()["expirySchedules"]
    assert [s["expiryDate"] for s in schedule] == [local_day.isoformat()]

    assert sweep(db, org.org_id, expected - dt.timedelta(seconds=1)) == (0, Decimal(0))
    assert sweep(db, org.org_id, expected) == (1, Decimal(50))
    with unit_of_work(db.read_session) as session:
        assert audit.check_org(session, org.org_id) == []
        summary = expired_points(session, config(session, org.org_id), cid)
    assert summary == [{"points": 50.0, "expiredOn": local_day.isoformat(), "programId": 1}]


def test_delayed_points_are_released_when_due(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    now = clock.now()
    cid = customer(api)
    credit(
        db,
        org_id,
        cid,
        40,
        at=now,
        available_at=now + dt.timedelta(days=3),
        expires_at=now + dt.timedelta(days=30),
    )
    assert (account_of(db, org_id, cid).points, account_of(db, org_id, cid).delayed) == (0, 40)

    with unit_of_work(db.write_session) as session:
        assert release_due(session, org_id, now + dt.timedelta(days=2)).lots == 0
    with unit_of_work(db.write_session) as session:
        released = release_due(session, org_id, now + dt.timedelta(days=3))
    assert (released.lots, released.points) == (1, Decimal(40))
    account = account_of(db, org_id, cid)
    assert (account.points, account.delayed) == (40, 0)
    with unit_of_work(db.write_session) as session:
        assert release_due(session, org_id, now + dt.timedelta(days=4)).lots == 0
    assert account_of(db, org_id, cid).version == account.version


def test_delayed_points_that_expire_before_release_leave_the_delayed_balance(
    api: Api, db: Database
) -> None:
    org_id = api.org.org_id
    now = clock.now()
    cid = customer(api)
    credit(
        db,
        org_id,
        cid,
        15,
        at=now,
        available_at=now + dt.timedelta(days=10),
        expires_at=now + dt.timedelta(days=5),
    )
    assert sweep(db, org_id, now + dt.timedelta(days=6)) == (1, Decimal(15))
    account = account_of(db, org_id, cid)
    assert (account.points, account.delayed, account.expired) == (0, 0, 15)


def test_two_sweepers_at_once_expire_a_lot_once(api: Api, db: Database, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("real write concurrency needs PostgreSQL")
    org_id = api.org.org_id
    now = clock.now()
    cid = customer(api)
    for _ in range(3):
        credit(db, org_id, cid, 10, expires_at=now + dt.timedelta(days=1))
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        barrier.wait()
        results.append(sweep(db, org_id, now + dt.timedelta(days=2))[0])

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 3]
    account = account_of(db, org_id, cid)
    assert (account.points, account.expired) == (0, 30)
    assert expiry_entries(db, account.id) == 3


def test_the_loyalty_sweep_releases_and_expires(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    now = clock.now()
    cid = customer(api)
    soon = now + dt.timedelta(hours=1)
    credit(db, org_id, cid, 60, expires_at=soon)
    credit(db, org_id, cid, 7, at=now, available_at=soon, expires_at=None)
    put_in_tier(db, org_id, cid, 2, now - YEAR - dt.timedelta(days=2))
    counts = run_loyalty_sweep(db, soon + dt.timedelta(hours=1))
    # Other orgs' accounts due by then are swept too.
    assert counts["expired"] >= 1
    assert counts["released"] >= 1
    assert counts["downgraded"] >= 1
    account = account_of(db, org_id, cid)
    assert (account.points, account.delayed, account.expired) == (7, 0, 60)
    assert (account.tier_number, account.tier_expires_at) == (1, None)


def test_the_sweeper_thread_expires_due_lots_when_woken(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    cid = customer(api)
    lot_id = credit(db, org_id, cid, 9, expires_at=clock.now() - dt.timedelta(seconds=1))
    sweeper = LoyaltySweeper(db, interval=0)
    sweeper.start()
    try:
        sweeper.wake()
        deadline = time.monotonic() + 10
        while lot_of(db, lot_id).remaining and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sweeper.stop()
    assert lot_of(db, lot_id).remaining == 0
    assert account_of(db, org_id, cid).expired == 9


# Reads


def test_the_expiry_schedule_sums_points_by_day_program_and_type(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    now = clock.now()
    cid = customer(api)
    first = now + dt.timedelta(days=10)
    second = now + dt.timedelta(days=40)
    credit(db, org_id, cid, 100, expires_at=first)
    credit(db, org_id, cid, "50.5", expires_at=first)
    credit(db, org_id, cid, 30, expires_at=second)
    credit(db, org_id, cid, 20, expires_at=None)
    credit(db, org_id, cid, 40, at=now, available_at=now + dt.timedelta(days=5), expires_at=second)
    credit(db, org_id, cid, 10, expires_at=now + dt.timedelta(days=1))
    spend(db, org_id, cid, 10)  # the first-expiring lot is spent: nothing of it is listed

    response = api.get(f"/v2/customers/{cid}/pointsExpirySchedule")
    assert response.status_code == 200, response.text
    day = clock.local_date
    assert response.json() == {
        "id": cid,
        "profiles": [],
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "segments": {},
        "extendedFields": {},
        "expirySchedules": [
            {
                "points": 150.5,
                "expiryDate": day(first, dt.UTC),
                "programId": 1,
                "pointsType": "REGULAR",
                "expiryType": "FIXED",
            },
            {
                "points": 30.0,
                "expiryDate": day(second, dt.UTC),
                "programId": 1,
                "pointsType": "REGULAR",
                "expiryType": "FIXED",
            },
            {
                "points": 40.0,
                "expiryDate": day(second, dt.UTC),
                "programId": 1,
                "pointsType": "PROMISED",
                "expiryType": "FIXED",
            },
        ],
        "warnings": [],
    }
    with unit_of_work(db.read_session) as session:
        embedded = expiry_schedules(session, config(session, org_id), cid)
    assert embedded == response.json()["expirySchedules"]


def test_the_expiry_schedule_by_identifier_and_program(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    cid = customer(api, mobile)
    credit(db, api.org.org_id, cid, 12, expires_at=clock.now() + dt.timedelta(days=3))
    path = "/v2/customers/lookup/pointsExpirySchedule"
    query = f"source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    response = api.get(f"{path}?{query}&programId=1")
    assert response.status_code == 200, response.text
    assert response.json()["id"] == cid
    assert [s["points"] for s in response.json()["expirySchedules"]] == [12.0]
    assert codes(api.get(f"{path}?{query}&programId=77")) == [885]
    assert codes(api.get(f"{path}?source=INSTORE&identifierName=mobile")) == [8013]


def test_the_expiry_schedule_refuses_unknown_merged_and_unenrolled_customers(
    api: Api, db: Database
) -> None:
    missing = api.get("/v2/customers/987654321/pointsExpirySchedule")
    assert (missing.status_code, codes(missing)) == (404, [8015])

    outsider = register(api, registration(profile(), loyalty_type="non_loyalty"))
    unenrolled = api.get(f"/v2/customers/{outsider}/pointsExpirySchedule")
    assert (unenrolled.status_code, codes(unenrolled)) == (404, [1218])

    survivor = customer(api)
    victim = customer(api)
    with unit_of_work(db.write_session) as session:
        session.execute(
            update(Customer).where(Customer.id == victim).values(merged_into_id=survivor)
        )
    assert codes(api.get(f"/v2/customers/{victim}/pointsExpirySchedule")) == [8069]


def test_expired_points_are_summed_by_day_and_program_newest_first(
    app_client: Any, db: Database
) -> None:
    org = make_org(db, loyaltyPrograms=[QUIET_PROGRAM, OTHER_PROGRAM])
    api = Api(app_client, org)
    now = clock.now()
    cid = customer(api)
    first = now + dt.timedelta(days=2)
    second = now + dt.timedelta(days=4)
    credit(db, org.org_id, cid, 10, expires_at=first)
    credit(db, org.org_id, cid, 5, expires_at=first)
    credit(db, org.org_id, cid, 7, expires_at=second)
    credit(db, org.org_id, cid, 3, expires_at=second, program_id=2)
    sweep(db, org.org_id, now + dt.timedelta(days=5))
    with unit_of_work(db.read_session) as session:
        summary = expired_points(session, config(session, org.org_id), cid)
        assert audit.check_org(session, org.org_id) == []
    assert summary == [
        {"points": 7.0, "expiredOn": clock.local_date(second, dt.UTC), "programId": 1},
        {"points": 3.0, "expiredOn": clock.local_date(second, dt.UTC), "programId": 2},
        {"points": 15.0, "expiredOn": clock.local_date(first, dt.UTC), "programId": 1},
    ]


# updateExpiry


def bill_award(
    db: Database, org_id: int, customer_id: int, points: int, *, expires_at: dt.datetime
) -> tuple[int, int, int]:
    """Add a purchase that awarded ``points``; return the bill, award entry and lot ids."""
    now = clock.now()
    with unit_of_work(db.write_session) as session:
        org = config(session, org_id)
        program = org.default_program
        assert program is not None
        account = accounts.enrol(session, org, program, customer_id, now)
        number = f"B-{unique_mobile()}"
        bill = Bill(
            org_id=org_id,
            customer_id=customer_id,
            program_id=program.program_id,
            type="REGULAR",
            bill_number=number,
            purchase_key=number,
            amount=Decimal(points * 100),
            billing_date=now,
            till_id=1,
            created_at=now,
        )
        session.add(bill)
        session.flush()
        posting = Posting(Cause.BILL, bill.id, None, now, key=f"bill:{bill.id}:award")
        award = accounts.award(
            session, org, program, account, Decimal(points), posting, expires_at=expires_at
        )
        assert award.lot is not None
        return bill.id, award.entry.id, award.lot.id


def change(**fields: Any) -> dict[str, Any]:
    return {"expiryDateUpdateRequest": [fields]}


def item(
    customer_id: int, ref_id: int, ref_type: str, reason: str, kind: str, value: Any
) -> dict[str, Any]:
    return {
        "identifierName": "id",
        "identifierValue": str(customer_id),
        "programId": 1,
        "pointsAwardedRefId": ref_id,
        "pointsAwardedRefType": ref_type,
        "expiryUpdateReasonType": reason,
        "expiryDate": {"expiryType": kind, "expiryValue": value},
    }


def test_extending_a_bills_points_moves_their_expiry_to_the_end_of_that_day(
    api: Api, db: Database
) -> None:
    cid = customer(api)
    current = clock.now() + dt.timedelta(days=10)
    bill_id, _, lot_id = bill_award(db, api.org.org_id, cid, 30, expires_at=current)
    day = (clock.now() + dt.timedelta(days=100)).date().isoformat()
    response = api.post(
        "/v2/points/updateExpiry",
        json={
            "expiryDateUpdateRequest": [
                item(cid, bill_id, "BILL", "EXTEND_EXPIRY", "FIXED_DATE", day)
            ]
        },
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "response": [
            {
                "entityId": cid,
                "result": {
                    "programId": 1,
                    "pointsAwardedRefId": bill_id,
                    "pointsAwardedRefType": "BILL",
                    "expiryUpdateReasonType": "EXTEND_EXPIRY",
                    "points": 30.0,
                    "previousExpiryDate": clock.local_date(current, dt.UTC),
                    "expiryDate": day,
                    "expiredPoints": 0.0,
                },
                "errors": [],
                "warnings": [],
            }
        ],
        "totalCount": 1,
        "failureCount": 0,
        "warnings": [],
    }
    assert lot_of(db, lot_id).expires_at == end_of_day(dt.date.fromisoformat(day), dt.UTC)


def test_an_extension_must_be_later_and_an_early_expiry_earlier(api: Api, db: Database) -> None:
    cid = customer(api)
    current = clock.now() + dt.timedelta(days=10)
    bill_id, entry_id, lot_id = bill_award(db, api.org.org_id, cid, 30, expires_at=current)
    sooner = (current - dt.timedelta(days=2)).date().isoformat()
    response = api.post(
        "/v2/points/updateExpiry",
        json={
            "expiryDateUpdateRequest": [
                item(cid, bill_id, "BILL", "EXTEND_EXPIRY", "FIXED_DATE", sooner),
                item(cid, entry_id, "AWARD", "EARLY_EXPIRY", "FIXED_DAYS", 400),
            ]
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["totalCount"], body["failureCount"]) == (2, 2)
    assert [[e["code"] for e in i["errors"]] for i in body["response"]] == [[400], [400]]
    assert [i["result"] for i in body["response"]] == [None, None]
    assert [i["entityId"] for i in body["response"]] == [cid, cid]
    assert lot_of(db, lot_id).expires_at == current


def test_an_early_expiry_into_the_past_expires_the_points_at_once(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    cid = customer(api)
    _, entry_id, lot_id = bill_award(
        db, org_id, cid, 30, expires_at=clock.now() + dt.timedelta(days=10)
    )
    credit(db, org_id, cid, 5, expires_at=clock.now() + dt.timedelta(days=10))
    spend(db, org_id, cid, 5)  # taken from the award's lot, which was credited first
    yesterday = (clock.now() - dt.timedelta(days=1)).date().isoformat()
    response = api.post(
        "/v2/points/updateExpiry",
        json=change(**item(cid, entry_id, "AWARD", "EARLY_EXPIRY", "FIXED_DATE", yesterday)),
    )
    assert response.status_code == 200, response.text
    result = response.json()["response"][0]["result"]
    assert (result["points"], result["expiredPoints"]) == (25.0, 25.0)
    account = account_of(db, org_id, cid)
    assert (account.points, account.expired) == (5, 25)
    assert lot_of(db, lot_id).remaining == 0
    with unit_of_work(db.read_session) as session:
        summary = expired_points(session, config(session, org_id), cid)
    assert summary == [{"points": 25.0, "expiredOn": yesterday, "programId": 1}]
    assert sweep(db, org_id, clock.now()) == (0, Decimal(0))


def test_an_early_expiry_to_today_leaves_the_points_to_the_sweep(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    cid = customer(api)
    _, entry_id, lot_id = bill_award(
        db, org_id, cid, 8, expires_at=clock.now() + dt.timedelta(days=10)
    )
    response = api.post(
        "/v2/points/updateExpiry",
        json=change(**item(cid, entry_id, "ENTRY", "EARLY_EXPIRY", "FIXED_DAYS", 0)),
    )
    assert response.status_code == 200, response.text
    end_of_today = end_of_day(clock.now().date(), dt.UTC)
    assert lot_of(db, lot_id).expires_at == end_of_today
    assert account_of(db, org_id, cid).points == 8
    assert sweep(db, org_id, end_of_today) == (1, Decimal(8))


def test_each_update_item_answers_its_own_code(app_client: Any, db: Database) -> None:
    org = make_org(db, loyaltyPrograms=[QUIET_PROGRAM, OTHER_PROGRAM])
    api = Api(app_client, org)
    mobile = unique_mobile()
    cid = customer(api, mobile)
    other = customer(api)
    later = (clock.now() + dt.timedelta(days=50)).date().isoformat()
    bill_id, entry_id, _ = bill_award(
        db, org.org_id, cid, 10, expires_at=clock.now() + dt.timedelta(days=10)
    )
    other_bill, _, _ = bill_award(
        db, org.org_id, other, 10, expires_at=clock.now() + dt.timedelta(days=10)
    )
    good = item(cid, bill_id, "BILL", "EXTEND_EXPIRY", "FIXED_DATE", later)
    cases: list[tuple[dict[str, Any], int]] = [
        ({**good, "identifierName": "mobile", "identifierValue": mobile}, 0),
        ({**good, "identifierValue": "987654321"}, 8015),
        ({**good, "identifierName": "nickname"}, 8013),
        ({**good, "programId": 77}, 885),
        ({**good, "programId": None}, 885),
        ({**good, "programId": 2}, 8089),
        ({**good, "pointsAwardedRefId": other_bill}, 625),
        ({**good, "pointsAwardedRefId": 987654321}, 625),
        ({**good, "pointsAwardedRefType": "AWARD", "pointsAwardedRefId": entry_id + 999}, 404),
        ({**good, "pointsAwardedRefType": "COUPON"}, 400),
        ({**good, "expiryUpdateReasonType": "SOMETIME"}, 400),
        ({**good, "expiryDate": {"expiryType": "FIXED_DATE", "expiryValue": "31/12/2030"}}, 400),
        ({**good, "expiryDate": {"expiryType": "FIXED_DAYS", "expiryValue": -3}}, 400),
        ({**good, "expiryDate": {"expiryType": "FIXED_DATE", "expiryValue": "9999-12-31"}}, 400),
        ({**good, "expiryDate": {"expiryType": "FIXED_DAYS", "expiryValue": "²"}}, 400),
        ({**good, "identifierValue": "²"}, 8015),
        ({**good, "expiryDate": {"expiryType": "WHENEVER", "expiryValue": 3}}, 400),
        ({**good, "expiryDate": None}, 400),
    ]
    for body, code in cases:
        response = api.post("/v2/points/updateExpiry", json=change(**body))
        assert response.status_code == 200, response.text
        errors = [e["code"] for e in response.json()["response"][0]["errors"]]
        assert errors == ([code] if code else []), (body, response.text)
    with unit_of_work(db.read_session) as session:
        assert audit.check_org(session, org.org_id) == []


def test_a_non_loyalty_customer_cannot_have_expiries_changed(api: Api, db: Database) -> None:
    outsider = register(api, registration(profile(), loyalty_type="non_loyalty"))
    bill_id, _, _ = bill_award(
        db, api.org.org_id, outsider, 10, expires_at=clock.now() + dt.timedelta(days=10)
    )
    later = (clock.now() + dt.timedelta(days=50)).date().isoformat()
    response = api.post(
        "/v2/points/updateExpiry",
        json=change(**item(outsider, bill_id, "BILL", "EXTEND_EXPIRY", "FIXED_DATE", later)),
    )
    assert [e["code"] for e in response.json()["response"][0]["errors"]] == [881]


def test_points_already_spent_cannot_have_their_expiry_changed(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    cid = customer(api)
    bill_id, _, _ = bill_award(db, org_id, cid, 10, expires_at=clock.now() + dt.timedelta(days=3))
    spend(db, org_id, cid, 10)
    later = (clock.now() + dt.timedelta(days=50)).date().isoformat()
    response = api.post(
        "/v2/points/updateExpiry",
        json=change(**item(cid, bill_id, "BILL", "EXTEND_EXPIRY", "FIXED_DATE", later)),
    )
    assert [e["code"] for e in response.json()["response"][0]["errors"]] == [400]


def test_an_update_request_needs_between_one_and_ten_items(api: Api) -> None:
    assert codes(api.post("/v2/points/updateExpiry", json={})) == [400]
    assert codes(api.post("/v2/points/updateExpiry", json={"expiryDateUpdateRequest": []})) == [400]
    many = {"expiryDateUpdateRequest": [{"programId": 1}] * 11}
    assert codes(api.post("/v2/points/updateExpiry", json=many)) == [1060]
    assert codes(api.post("/v2/points/updateExpiry", json={"expiryDateUpdateRequest": "x"})) == [
        400
    ]
    # A value of the wrong JSON type fails the whole request.
    wrong = {"expiryDateUpdateRequest": [{"programId": "1"}]}
    assert codes(api.post("/v2/points/updateExpiry", json=wrong)) == [400]
    wrong = {"expiryDateUpdateRequest": [{"expiryDate": {"expiryValue": {}}}]}
    assert codes(api.post("/v2/points/updateExpiry", json=wrong)) == [400]
