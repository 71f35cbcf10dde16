"""The loyalty suite: purchases (``POST /v2/transactions``) and ``GET /v2/customers/{id}/
loyaltyDetails`` of a customer with 10,000 ledger entries, over HTTP against PostgreSQL, with
the ceilings of the same run (the empty endpoint, and each endpoint's own SQL through pgbench)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

import patron.tables  # noqa: F401 - every model, so that the ORM resolves foreign keys
from bench import ceilings, figures, search, server
from bench.api import AUTH_SHELL, WARMUP_PHASE, Endpoint, basic_auth
from bench.cpu import CpuMeter
from bench.database import DEMO_ORG_ID, BenchDatabase
from bench.load import Load, Result, run_pgbench, run_wrk
from bench.report import Report, Row
from bench.suite import console, finish, out_of_step, parse_options, start
from bench.system import BenchError, ensure_tool, free_port, tool_version
from patron.db import make_engine, unit_of_work
from patron.loyalty import accounts, audit, ledger
from patron.loyalty.models import ZERO, Account, Entry
from patron.orgs.config import OrgConfig
from patron.orgs.demo import DEMO_TILL_CODE
from patron.orgs.programs import Program
from patron.orgs.repository import find_till_by_code
from patron.orgs.service import load_org_config

# Customers 2 to 2001 buy (bench/sql/transaction.sql draws from the same range); customer 1
# holds the long history (bench/sql/loyalty_details.sql reads it). bench.search.generate
# writes them all, each with the INSTORE mobile 9197 followed by the id on 8 digits.
HEAVY_ID = 1
POOL_FIRST, POOL_LAST = 2, 2001
# The heavy customer's journal: its enrolment, one award per bill, and redemptions that take
# points first-expiring-first: 1 + 6,666 + 3,333 = 10,000 entries.
HEAVY_BILLS = 6_666
HEAVY_REDEMPTIONS = 3_333
BILL_AMOUNT = Decimal(1000)
REDEEMED = Decimal(10)
# Accounts whose balances are checked against their journal after the runs.
CHECKED_ACCOUNTS = 50
MEASURED_PHASE = "2"
TRANSACTION_SQL = "transaction.sql"
DETAILS_SQL = "loyalty_details.sql"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read the suite's options."""
    return parse_options("python -m bench loyalty", __doc__, "patron_bench_loyalty", argv)


@dataclass(frozen=True)
class DataSet:
    """What the suite wrote before the runs."""

    customers: int
    heavy_entries: int
    heavy_tier: str
    seconds: float
    problems: list[str]


def session_factory(db: BenchDatabase) -> tuple[sessionmaker[Session], Engine]:
    engine = make_engine(db.sqlalchemy_url, pool_size=1)
    return sessionmaker(engine, expire_on_commit=False), engine


def _milli(value: Decimal) -> int:
    """Return points or an amount as stored (``patron.db.Milli``: an integer of thousandths)."""
    return int(value * 1000)


# The rows registration's enrolment writes for each customer (enrolment.join_loyalty): an
# account in the base tier, and the registration rule's points in an entry and its lot.
ENROL_SQL = [
    """
    INSERT INTO loyalty_accounts (org_id, customer_id, program_id, tier_number, tier_since,
        tier_expires_at, points, delayed, lifetime, redeemed, expired, returned, delayed_returned,
        adjusted, transferred_out, purchases, baseline_purchases, baseline_lifetime, created_at,
        updated_at, version)
    SELECT %(org)s, g, %(program)s, %(tier)s, %(at)s, %(tier_expires)s, %(points)s, 0,
           %(points)s, 0, 0, 0, 0, 0, 0, 0, 0, 0, %(at)s, %(at)s, 2
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) g ORDER BY g""",
    """
    INSERT INTO loyalty_entries (org_id, account_id, kind, points, delayed, raw_points,
        cause_type, cause_id, key, till_id, notes, created_at)
    SELECT org_id, id, 'ENROLMENT', points, 0, %(raw)s, 'customer', customer_id,
           'enrolment:' || customer_id || ':' || program_id, %(till)s, '', %(at)s
    FROM loyalty_accounts WHERE org_id = %(org)s ORDER BY id""",
    """
    INSERT INTO loyalty_lots (org_id, account_id, entry_id, points, remaining, expires_at,
        available_at, is_delayed, created_at)
    SELECT org_id, account_id, id, points, points, %(expires)s, NULL, false, %(at)s
    FROM loyalty_entries WHERE org_id = %(org)s AND kind = 'ENROLMENT' ORDER BY id""",
]
# The heavy customer's purchases, each with its award entry and lot, and its redemptions (the
# lots they take are chosen first-expiring-first in Python).
HISTORY_SQL = [
    """
    INSERT INTO loyalty_bills (org_id, customer_id, program_id, type, bill_number, purchase_key,
        amount, amount_returned, points, points_returned, billing_date, till_id, source, details,
        created_at)
    SELECT %(org)s, %(customer)s, %(program)s, 'REGULAR', 'seed-' || n, 'seed-' || n,
           %(amount)s, 0, %(earned)s, 0, %(at)s, %(till)s, 'INSTORE', '{}', %(at)s
    FROM generate_series(1, %(bills)s) n ORDER BY n""",
    """
    INSERT INTO loyalty_entries (org_id, account_id, kind, points, delayed, raw_points,
        cause_type, cause_id, key, till_id, notes, created_at)
    SELECT %(org)s, %(account)s, 'AWARD', %(earned)s, 0, %(earned_raw)s, 'bill', id,
           'bill:' || id || ':award', %(till)s, '', %(at)s
    FROM loyalty_bills WHERE org_id = %(org)s AND customer_id = %(customer)s ORDER BY id""",
    """
    INSERT INTO loyalty_lots (org_id, account_id, entry_id, points, remaining, expires_at,
        available_at, is_delayed, created_at)
    SELECT %(org)s, %(account)s, id, points, points, %(expires)s, NULL, false, %(at)s
    FROM loyalty_entries WHERE account_id = %(account)s AND kind = 'AWARD' ORDER BY id""",
    """
    INSERT INTO loyalty_entries (org_id, account_id, kind, points, delayed, raw_points,
        cause_type, cause_id, key, till_id, notes, created_at)
    SELECT %(org)s, %(account)s, 'REDEMPTION', -%(redeemed)s, 0, NULL, 'redemption', NULL, NULL,
           %(till)s, '', %(at)s
    FROM generate_series(1, %(redemptions)s) n ORDER BY n""",
    """
    INSERT INTO loyalty_redemptions (org_id, customer_id, account_id, program_id, points,
        reversed, entry_id, till_id, source, created_at)
    SELECT %(org)s, %(customer)s, %(account)s, %(program)s, %(redeemed)s, 0, id, %(till)s,
           'INSTORE', %(at)s
    FROM loyalty_entries WHERE account_id = %(account)s AND kind = 'REDEMPTION' ORDER BY id""",
]
FEFO_SQL = """
    SELECT id, remaining FROM loyalty_lots WHERE account_id = %s AND remaining > 0
    ORDER BY expires_at, id"""
MOVES_SQL = """
    INSERT INTO loyalty_lot_moves (entry_id, lot_id, points)
    SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[])"""
REMAINING_SQL = """
    UPDATE loyalty_lots SET remaining = u.remaining
    FROM unnest(%s::bigint[], %s::bigint[]) AS u(id, remaining) WHERE loyalty_lots.id = u.id"""
BALANCES_SQL = """
    UPDATE loyalty_accounts SET points = points + %(gained)s - %(spent)s,
           lifetime = lifetime + %(gained)s, redeemed = redeemed + %(spent)s,
           purchases = purchases + %(bought)s, version = version + %(entries)s
    WHERE id = %(account)s"""


def _rules(session: Session) -> tuple[OrgConfig, Program, dict[str, object]]:
    """Return the demo org, its default program, and the values the seeding SQL writes, from
    the program's own rules (registration points, a BRONZE award of a bill, expiry)."""
    org = load_org_config(session, DEMO_ORG_ID)
    program = org.default_program if org is not None else None
    till = find_till_by_code(session, DEMO_TILL_CODE)
    if org is None or program is None or till is None:
        raise BenchError("the demo org, its default program or its till is missing")
    at = dt.datetime.now(dt.UTC)
    base = program.tiers[0]
    registration, purchase = program.earning.registration, program.earning.transaction
    raw = registration.for_tier(1).raw_points(ZERO) if registration else ZERO
    earned_raw = purchase.for_tier(1).raw_points(BILL_AMOUNT) if purchase else ZERO
    earned = _milli(program.earning.rounded(earned_raw))
    values: dict[str, object] = {
        "org": org.id,
        "program": program.program_id,
        "till": till.id,
        "at": at,
        "tier": base.serial_number,
        "tier_expires": accounts.tier_expiry(program, base, at, org.zone),
        "raw": _milli(raw),
        "points": _milli(program.earning.rounded(raw)),
        "expires": program.expiry.expires_at(at, org.zone),
        "amount": _milli(BILL_AMOUNT),
        "earned_raw": _milli(earned_raw),
        "earned": earned,
        "redeemed": _milli(REDEEMED),
        "bills": HEAVY_BILLS,
        "redemptions": HEAVY_REDEMPTIONS,
        "customer": HEAVY_ID,
        "first": HEAVY_ID,
        "last": POOL_LAST,
        # What the history adds to the heavy account's balances.
        "gained": earned * HEAVY_BILLS,
        "spent": _milli(REDEEMED) * HEAVY_REDEMPTIONS,
        "bought": _milli(BILL_AMOUNT) * HEAVY_BILLS,
        "entries": HEAVY_BILLS + HEAVY_REDEMPTIONS,
    }
    return org, program, values


def _redeem_fefo(conn: psycopg.Connection[tuple[object, ...]], account: int) -> None:
    """Point each redemption at the lots it takes, first-expiring-first, as ``ledger.debit``."""
    lots = [(int(str(i)), int(str(r))) for i, r in conn.execute(FEFO_SQL, (account,))]
    debits = conn.execute(
        "SELECT id, -points FROM loyalty_entries WHERE account_id = %s AND kind = 'REDEMPTION'"
        " ORDER BY id",
        (account,),
    ).fetchall()
    entry_ids, lot_ids, taken = [], [], []
    left = dict(lots)
    queue = iter(left)
    lot = next(queue)
    for entry, wanted in debits:
        due = int(str(wanted))
        while due > 0:
            if left[lot] == 0:
                lot = next(queue)
            take = min(left[lot], due)
            left[lot] -= take
            due -= take
            entry_ids.append(int(str(entry)))
            lot_ids.append(lot)
            taken.append(-take)
    conn.execute(MOVES_SQL, (entry_ids, lot_ids, taken))
    touched = sorted(set(lot_ids))
    conn.execute(REMAINING_SQL, (touched, [left[i] for i in touched]))


def seed(db: BenchDatabase) -> DataSet:
    """Write the data set once patron has created the demo org: customers 1 to POOL_LAST
    (bench.search's rows), each enrolled with the registration points, and the heavy customer's
    history; upgrade its tier through patron, and check its balances against its journal."""
    started = time.monotonic()
    search.generate(db, POOL_LAST)
    factory, engine = session_factory(db)
    try:
        with factory() as session:
            org, program, values = _rules(session)
        with psycopg.connect(db.conninfo()) as conn:
            for statement in ENROL_SQL:
                conn.execute(statement, values)
            row = conn.execute(
                "SELECT id FROM loyalty_accounts WHERE org_id = %s AND customer_id = %s",
                (org.id, HEAVY_ID),
            ).fetchone()
            assert row is not None
            values["account"] = row[0]
            for statement in HISTORY_SQL:
                conn.execute(statement, values)
            _redeem_fefo(conn, int(str(row[0])))
            conn.execute(BALANCES_SQL, values)
            conn.commit()
            conn.autocommit = True
            conn.execute(
                "VACUUM ANALYZE loyalty_accounts, loyalty_entries, loyalty_lots,"
                " loyalty_lot_moves, loyalty_bills, loyalty_redemptions"
            )
        with unit_of_work(factory) as session:
            account = ledger.find_account(session, org.id, HEAVY_ID, program.program_id, lock=True)
            assert account is not None
            accounts.upgrade(session, org, program, account, account.updated_at)
        with factory() as session:
            account = ledger.find_account(session, org.id, HEAVY_ID, program.program_id)
            assert account is not None
            problems = audit.check_account(session, account)
            count = session.scalar(
                select(func.count()).select_from(Entry).where(Entry.account_id == account.id)
            )
            tier = program.tier(account.tier_number)
    finally:
        engine.dispose()
    return DataSet(
        customers=POOL_LAST - POOL_FIRST + 1,
        heavy_entries=int(count or 0),
        heavy_tier=tier.name if tier is not None else "?",
        seconds=time.monotonic() - started,
        problems=problems,
    )


def check_ledger(db: BenchDatabase) -> tuple[int, list[str]]:
    """Check the heavy account and a sample of the pool's against their journals (after the
    HTTP and SQL runs wrote to them); return how many were checked and the differences."""
    step = max(1, (POOL_LAST - POOL_FIRST + 1) // CHECKED_ACCOUNTS)
    customers = [HEAVY_ID, *range(POOL_FIRST, POOL_LAST + 1, step)]
    factory, engine = session_factory(db)
    problems: list[str] = []
    try:
        with factory() as session:
            query = select(Account).where(
                Account.org_id == DEMO_ORG_ID, Account.customer_id.in_(customers)
            )
            checked = list(session.scalars(query))
            for account in checked:
                problems.extend(audit.check_account(session, account))
    finally:
        engine.dispose()
    return len(checked), problems


def write_mobiles(db: BenchDatabase, path: Path) -> int:
    """Write the INSTORE mobiles of the pool's customers, one a line; return how many."""
    with psycopg.connect(db.conninfo()) as conn:
        rows = conn.execute(
            "SELECT value FROM identifiers"
            " WHERE org_id = %s AND source = 'INSTORE' AND account_id = '' AND type = 'mobile'"
            " AND customer_id BETWEEN %s AND %s ORDER BY customer_id",
            (DEMO_ORG_ID, POOL_FIRST, POOL_LAST),
        ).fetchall()
    if not rows:
        raise BenchError("no customer in the pool")
    path.write_text("".join(f"{r[0]}\n" for r in rows))
    return len(rows)


def probe(base_url: str, headers: dict[str, str], mobile: str) -> None:
    """Add one purchase and read the heavy customer's details; refuse to run if either fails."""
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        answers = [
            client.post(
                "/v2/transactions",
                params={"identifierName": "mobile", "identifierValue": mobile, "source": "INSTORE"},
                json={"type": "REGULAR", "billNumber": "probe-1", "billAmount": 1000},
            ),
            client.get(f"/v2/customers/{HEAVY_ID}/loyaltyDetails"),
        ]
    for answer in answers:
        if answer.status_code != 200:
            raise BenchError(
                f"{answer.request.method} {answer.request.url.path} answered "
                f"{answer.status_code}: {answer.text[:500]}"
            )


def measured(
    db: BenchDatabase, base_url: str, group: int, load: Load, endpoint: Endpoint
) -> Result:
    headers = {"Authorization": basic_auth(), "Content-Type": "application/json"}
    run_wrk(
        f"{endpoint.name} (warm-up)",
        base_url,
        endpoint.script,
        load,
        seconds=load.warmup_seconds,
        headers=headers,
        args=endpoint.warmup_args,
    )
    opened, rows = db.sessions_opened(), db.row_counts()
    with CpuMeter(group, db.name) as meter:
        result = run_wrk(
            endpoint.name,
            base_url,
            endpoint.script,
            load,
            seconds=load.seconds,
            headers=headers,
            args=endpoint.args,
        )
    result = replace(result, connections_opened=db.sessions_opened() - opened)
    return result.with_cpu(meter.usage).with_rows(rows, db.row_counts())


def measure_patron(
    db: BenchDatabase, load: Load, workers: int, workdir: Path
) -> tuple[list[Result], str, DataSet]:
    """Serve patron, write the data set, and measure purchases and loyaltyDetails."""
    port = free_port()
    command = server.patron_command(port, workers)
    mobiles = workdir / "mobiles.txt"
    endpoints = [
        Endpoint(
            "add transaction",
            "transaction.lua",
            [str(mobiles), WARMUP_PHASE],
            [str(mobiles), MEASURED_PHASE],
        ),
        Endpoint(
            "loyaltyDetails (10,000 entries)",
            "loyalty_details.lua",
            [str(HEAVY_ID)],
            [str(HEAVY_ID)],
        ),
    ]
    with server.running(
        "patron",
        command,
        port=port,
        ready_path="/health",
        log=workdir / "patron.log",
        env=db.patron_env(workdir / "data"),
    ) as patron:
        console.print("data set: customers, accounts, the long journal …")
        data = seed(db)
        if data.problems:
            raise BenchError("the seeded journal is inconsistent:\n" + "\n".join(data.problems))
        write_mobiles(db, mobiles)
        headers = {"Authorization": basic_auth(), "Content-Type": "application/json"}
        probe(patron.base_url, headers, mobiles.read_text().split()[0])
        console.print("patron: add transaction, loyaltyDetails …")
        results = [measured(db, patron.base_url, patron.group, load, e) for e in endpoints]
        return results, patron.command, data


def measure_sql(db: BenchDatabase, load: Load, workdir: Path, name: str, script: str) -> Result:
    """Run an endpoint's SQL with pgbench at the same concurrency (as the registration's)."""
    run_pgbench(
        f"{name} (warm-up)", script, db.dsn, load, seconds=load.warmup_seconds, log_dir=workdir
    )
    opened, rows = db.sessions_opened(), db.row_counts()
    with CpuMeter(None, db.name) as meter:
        result = run_pgbench(name, script, db.dsn, load, seconds=load.seconds, log_dir=workdir)
    result = replace(result, connections_opened=db.sessions_opened() - opened)
    return result.with_cpu(meter.usage).with_rows(rows, db.row_counts())


def _per_bill(result: Result) -> dict[str, int]:
    # Counted per bill rather than per request: requests still in flight when a run stops add
    # rows that the request count does not include.
    rows = result.rows_written or {}
    per_bill = rows.get("loyalty_bills") or 1.0
    whole = {t: round(n / per_bill) for t, n in rows.items()}
    return {t: n for t, n in whole.items() if n}


def compare_rows(api: Result, sql: Result) -> str:
    """Say whether transaction.sql writes the rows a purchase writes, table by table."""
    written, ceiling = _per_bill(api), _per_bill(sql)
    shown = ", ".join(f"{t} {n}" for t, n in written.items())
    if written == ceiling:
        return f"Rows written per purchase: {shown}; transaction.sql writes the same."
    return (
        f"[out of step] Rows written per purchase: {shown}; transaction.sql writes "
        + ", ".join(f"{t} {n}" for t, n in ceiling.items())
        + ": update bench/sql/transaction.sql to what a purchase now does."
    )


def describe_data(data: DataSet, checked: int, problems: Sequence[str]) -> str:
    """Say what the runs read and wrote, and whether the ledger still balances."""
    text = (
        f"Data set (written in {data.seconds:.0f} s before the runs): {data.customers:,} loyalty "
        f"customers (customers {POOL_FIRST}–{POOL_LAST}, one INSTORE profile, enrolled with the "
        f"registration points) buy at random; customer {HEAVY_ID} holds {data.heavy_entries:,} "
        f"ledger entries (its enrolment, {HEAVY_BILLS:,} awards of bills, "
        f"{HEAVY_REDEMPTIONS:,} redemptions; {data.heavy_tier}). After the runs, {checked} "
        f"accounts (customer {HEAVY_ID} and a sample of the pool) were checked against their "
        "journals"
    )
    if problems:
        return f"[out of step] {text}: " + "; ".join(problems[:5])
    return f"{text}: every one balances."


def run_suite(args: argparse.Namespace, workdir: Path) -> Report:
    """Run the ceilings and the API calls; return their report."""
    started = dt.datetime.now(dt.UTC)
    machine, load = start("loyalty benchmark", args)
    wrk, pgbench = ensure_tool("wrk"), ensure_tool("pgbench")
    db = BenchDatabase.parse(args.postgres, args.database)

    console.print("empty endpoint (ceiling of the server) …")
    empty, empty_command = ceilings.measure_empty_endpoint(load, args.workers, workdir)

    console.print(f"database {db.name}: create, migrate …")
    db.recreate()
    try:
        migrate_command = db.migrate()
        (purchase, details), patron_command, data = measure_patron(db, load, args.workers, workdir)
        console.print("each endpoint's SQL through pgbench (ceilings of the database) …")
        purchase_sql = measure_sql(db, load, workdir, "transaction SQL (pgbench)", TRANSACTION_SQL)
        details_sql = measure_sql(db, load, workdir, "loyaltyDetails SQL (pgbench)", DETAILS_SQL)
        checked, problems = check_ledger(db)
        postgres_version = db.server_version()
    finally:
        if not args.keep_database:
            db.drop()

    rows = [
        Row(empty),
        Row(purchase_sql),
        Row(purchase, empty=empty, sql=purchase_sql),
        Row(details_sql),
        Row(details, empty=empty, sql=details_sql),
    ]
    versions = (
        f"PostgreSQL {postgres_version}, {tool_version([wrk, '--version'])}, "
        f"{tool_version([pgbench, '--version'])}"
    )
    commands = [
        "# the empty endpoint",
        f"{server.shown(empty_command)} &",
        empty.command,
        "# patron on the benchmark's database (dropped and created empty first)",
        f"createdb -h {db.host} -p {db.port} -U {db.user} {db.name}",
        migrate_command,
        f"PATRON_DATABASE_URL={db.sqlalchemy_url} {server.shown(patron_command)} &",
        "# the data set is written by bench/loyalty.py (seed) once patron has created the demo"
        " org; $WORK/mobiles.txt: the pool's INSTORE mobiles",
        f"AUTH={AUTH_SHELL}",
        purchase.command,
        details.command,
        "# each endpoint's SQL, on the same database after the API runs",
        purchase_sql.command,
        details_sql.command,
    ]
    commands = [c.replace(str(workdir), "$WORK") for c in commands]
    notes = [compare_rows(purchase, purchase_sql), describe_data(data, checked, problems)]
    return Report(
        "loyalty", started, machine.describe(), versions, load, rows, commands, notes, host=machine
    )


def main(argv: list[str]) -> int:
    """Run the loyalty suite; print the table, and record it in bench/README.md when asked."""
    args = parse_args(argv)
    return finish(
        lambda workdir: run_suite(args, workdir),
        record_results=args.record,
        json_to=figures.target(args, "loyalty"),
        problem=out_of_step(1, "the ledger does not balance after the runs"),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
