"""The groups suite: associating fleets (``POST /v2/customers/bulk``: an owner and two drivers,
its user group created and joined) beside plain registration, and purchases that earn for the
owner's group (drivers under ``demo-fleet``) beside plain purchases, over HTTP against
PostgreSQL, with the ceilings of the same run (the empty endpoint, a purchase's SQL)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import select

from bench import ceilings, figures, loyalty, server
from bench.api import AUTH_SHELL, WARMUP_PHASE, Endpoint, basic_auth
from bench.database import DEMO_ORG_ID, BenchDatabase
from bench.load import Load, Result
from bench.report import Report, Row
from bench.suite import console, finish, out_of_step, parse_options, start
from bench.system import BenchError, ensure_tool, free_port, tool_version
from patron.loyalty import audit
from patron.loyalty.models import Account

MEASURED_PHASE = "2"
# transaction.lua's bill numbers carry the phase: pooled purchases use their own two digits.
POOLED_WARMUP_PHASE, POOLED_MEASURED_PHASE = "3", "4"
# associate.lua's and register.lua's mobiles carry the phase too (918…/917…/916… and 919…).
DRIVER_ROLE = "DRIVER"

DRIVERS_SQL = """
    SELECT i.value FROM identifiers i
    JOIN group_associations a ON a.customer_id = i.customer_id
    JOIN group_hierarchy_roles r ON r.id = a.role_id
    WHERE i.org_id = %s AND i.source = 'INSTORE' AND i.type = 'mobile' AND r.code = %s
    ORDER BY i.customer_id"""
POOLED_SQL = """
    SELECT (SELECT count(*) FROM loyalty_bills WHERE org_id = %(org)s AND group_id IS NOT NULL),
           (SELECT count(*) FROM events
            WHERE org_id = %(org)s AND event_name = 'pointsContributionToGroup'),
           (SELECT count(*) FROM user_groups WHERE org_id = %(org)s),
           (SELECT count(*) FROM user_group_members WHERE org_id = %(org)s),
           (SELECT count(*) FROM group_associations WHERE org_id = %(org)s)"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read the suite's options."""
    return parse_options("python -m bench groups", __doc__, "patron_bench_groups", argv)


def write_drivers(db: BenchDatabase, path: Path) -> int:
    """Write the INSTORE mobiles of every driver the associate runs registered; return how many."""
    with psycopg.connect(db.conninfo()) as conn:
        rows = conn.execute(DRIVERS_SQL, (DEMO_ORG_ID, DRIVER_ROLE)).fetchall()
    if not rows:
        raise BenchError("the associate runs registered no driver")
    path.write_text("".join(f"{r[0]}\n" for r in rows))
    return len(rows)


def probe(base_url: str, headers: dict[str, str]) -> None:
    """Associate one fleet and let one of its drivers buy; refuse to run unless the purchase
    earned for the owner's group."""
    fleet = [
        {
            "profiles": [
                {
                    "firstName": "Probe",
                    "source": "INSTORE",
                    "identifiers": [{"type": "mobile", "value": "918900000001"}],
                }
            ],
            "loyaltyInfo": {"loyaltyType": "loyalty"},
            "associationDetails": {
                "hierarchyCode": "demo-fleet",
                "roleCode": "OWNER",
                "childRoleCode": DRIVER_ROLE,
                "childCustomers": [
                    {
                        "profiles": [
                            {
                                "firstName": "Probe",
                                "source": "INSTORE",
                                "identifiers": [{"type": "mobile", "value": "917900000001"}],
                            }
                        ]
                    }
                ],
            },
        }
    ]
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        associated = client.post("/v2/customers/bulk", json=fleet)
        bought = client.post(
            "/v2/transactions",
            params={"identifierName": "mobile", "identifierValue": "917900000001"},
            json={"type": "REGULAR", "billNumber": "probe-fleet-1", "billAmount": 1000},
        )
    for answer in (associated, bought):
        if answer.status_code != 200:
            raise BenchError(
                f"{answer.request.method} {answer.request.url.path} answered "
                f"{answer.status_code}: {answer.text[:500]}"
            )
    entity_types = {e.get("entityType") for e in bought.json().get("sideEffects", [])}
    if "USERGROUP2" not in entity_types:
        raise BenchError(f"a driver's purchase did not earn for its group: {bought.text[:500]}")


def measure_patron(
    db: BenchDatabase, load: Load, workers: int, workdir: Path
) -> tuple[dict[str, Result], str, loyalty.DataSet]:
    """Serve patron, write the data set, and measure the four calls."""
    port = free_port()
    command = server.patron_command(port, workers)
    mobiles, drivers = workdir / "mobiles.txt", workdir / "drivers.txt"
    with server.running(
        "patron",
        command,
        port=port,
        ready_path="/health",
        log=workdir / "patron.log",
        env=db.patron_env(workdir / "data"),
    ) as patron:
        console.print("data set: customers and their accounts …")
        data = loyalty.seed(db)
        if data.problems:
            raise BenchError("the seeded journal is inconsistent:\n" + "\n".join(data.problems))
        loyalty.write_mobiles(db, mobiles)
        headers = {"Authorization": basic_auth(), "Content-Type": "application/json"}
        probe(patron.base_url, headers)
        results: dict[str, Result] = {}
        console.print("patron: register, associate a fleet …")
        for key, endpoint in (
            ("register", Endpoint("register", "register.lua", [WARMUP_PHASE], [MEASURED_PHASE])),
            (
                "associate",
                Endpoint(
                    "associate a fleet (owner + 2 drivers)",
                    "associate.lua",
                    [WARMUP_PHASE],
                    [MEASURED_PHASE],
                ),
            ),
        ):
            results[key] = loyalty.measured(db, patron.base_url, patron.group, load, endpoint)
        write_drivers(db, drivers)
        console.print("patron: purchases, pooled purchases …")
        for key, endpoint in (
            (
                "purchase",
                Endpoint(
                    "add transaction",
                    "transaction.lua",
                    [str(mobiles), WARMUP_PHASE],
                    [str(mobiles), MEASURED_PHASE],
                ),
            ),
            (
                "pooled",
                Endpoint(
                    "add transaction, earning for the group",
                    "transaction.lua",
                    [str(drivers), POOLED_WARMUP_PHASE],
                    [str(drivers), POOLED_MEASURED_PHASE],
                ),
            ),
        ):
            results[key] = loyalty.measured(db, patron.base_url, patron.group, load, endpoint)
        return results, patron.command, data


def check_groups(db: BenchDatabase) -> tuple[str, bool]:
    """Check every group account against its journal and that each pooled bill wrote its
    pointsContributionToGroup; say what was found and whether it all holds."""
    factory, engine = loyalty.session_factory(db)
    problems: list[str] = []
    try:
        with factory() as session:
            query = select(Account).where(
                Account.org_id == DEMO_ORG_ID, Account.group_id.is_not(None)
            )
            checked = list(session.scalars(query))
            for account in checked:
                problems.extend(audit.check_account(session, account))
    finally:
        engine.dispose()
    with psycopg.connect(db.conninfo()) as conn:
        row = conn.execute(POOLED_SQL, {"org": DEMO_ORG_ID}).fetchone()
    assert row is not None
    bills, events, groups, members, associations = (int(str(v)) for v in row)
    if bills != events:
        problems.append(f"{bills} bills earned for a group but {events} contributions were written")
    text = (
        f"After the runs: {associations:,} customers associated in demo-fleet, {groups:,} user "
        f"groups with {members:,} members; {bills:,} bills earned for a group, each with its "
        f"pointsContributionToGroup event ({events:,}); {len(checked):,} group accounts checked "
        "against their journals"
    )
    if problems:
        return f"[out of step] {text}: " + "; ".join(problems[:5]), False
    return f"{text}: every one balances.", True


def run_suite(args: argparse.Namespace, workdir: Path) -> Report:
    """Run the ceilings and the API calls; return their report."""
    started = dt.datetime.now(dt.UTC)
    machine, load = start("groups benchmark", args)
    wrk, pgbench = ensure_tool("wrk"), ensure_tool("pgbench")
    db = BenchDatabase.parse(args.postgres, args.database)
    console.print("empty endpoint (ceiling of the server) …")
    empty, empty_command = ceilings.measure_empty_endpoint(load, args.workers, workdir)
    console.print(f"database {db.name}: create, migrate …")
    db.recreate()
    try:
        migrate_command = db.migrate()
        results, patron_command, data = measure_patron(db, load, args.workers, workdir)
        console.print("a purchase's SQL through pgbench (ceiling of the database) …")
        purchase_sql = loyalty.measure_sql(
            db, load, workdir, "transaction SQL (pgbench)", loyalty.TRANSACTION_SQL
        )
        checked, problems = loyalty.check_ledger(db)
        groups_note, _ = check_groups(db)
        postgres_version = db.server_version()
    finally:
        if not args.keep_database:
            db.drop()
    register, associate = results["register"], results["associate"]
    purchase, pooled = results["purchase"], results["pooled"]
    rows = [
        Row(empty),
        Row(register, empty=empty),
        Row(associate, empty=empty),
        Row(purchase_sql),
        Row(purchase, empty=empty, sql=purchase_sql),
        Row(pooled, empty=empty, sql=purchase_sql),
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
        "# the data set is written by bench/loyalty.py (seed); $WORK/mobiles.txt: its INSTORE"
        " mobiles; $WORK/drivers.txt: the drivers the associate runs registered",
        f"AUTH={AUTH_SHELL}",
        register.command,
        associate.command,
        purchase.command,
        pooled.command,
        "# a purchase's SQL, on the same database after the API runs",
        purchase_sql.command,
    ]
    commands = [c.replace(str(workdir), "$WORK") for c in commands]
    per_customer = associate.rate * 3
    notes = [
        f"An association registers three customers: {per_customer:,.0f} customers/s associated "
        f"against {register.rate:,.0f}/s registered one by one "
        f"({per_customer / register.rate:.0%} of the plain rate, with the group created and "
        "joined on top)."
        if register.rate
        else "register answered nothing",
        f"A purchase that earns for the group runs at {pooled.rate / purchase.rate:.0%} of a plain "
        "purchase (it also writes the group's account, entry and lot and the "
        "pointsContributionToGroup event)."
        if purchase.rate
        else "add transaction answered nothing",
        loyalty.describe_data(data, checked, problems),
        groups_note,
    ]
    return Report(
        "groups", started, machine.describe(), versions, load, rows, commands, notes, host=machine
    )


def main(argv: list[str]) -> int:
    """Run the groups suite; print the table, and record it in bench/README.md when asked."""
    args = parse_args(argv)
    return finish(
        lambda workdir: run_suite(args, workdir),
        record_results=args.record,
        json_to=figures.target(args, "groups"),
        problem=out_of_step(2, "the ledger or the events do not balance after the runs"),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
