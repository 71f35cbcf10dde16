"""The API suite: register, fetch and look up customers over HTTP against PostgreSQL, with the
ceilings of the same run (an empty endpoint, and the registration's SQL through pgbench)."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from bench import ceilings, figures, server
from bench.cpu import CpuMeter
from bench.database import BenchDatabase
from bench.load import Load, Result, run_wrk
from bench.report import Report, Row
from bench.suite import console, finish, out_of_step, parse_options, start
from bench.system import ensure_tool, free_port, tool_version
from patron.orgs.demo import DEMO_TILL_CODE, DEMO_TILL_PASSWORD

# The register script's mobiles carry a phase digit so that runs on one database never collide.
WARMUP_PHASE, MEASURED_PHASE = "1", "2"
# The same header in shell, for the recorded commands.
AUTH_SHELL = (
    "\"Basic $(printf 'demo.till:%s' \"$(printf demo123 | md5sum | cut -d' ' -f1)\" | base64 -w0)\""
)


def basic_auth() -> str:
    """Return the demo till's Basic header (till code and the MD5 hex of its password)."""
    digest = hashlib.md5(DEMO_TILL_PASSWORD.encode(), usedforsecurity=False).hexdigest()
    return "Basic " + base64.b64encode(f"{DEMO_TILL_CODE}:{digest}".encode()).decode()


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read the suite's options."""
    return parse_options("python -m bench api", __doc__, "patron_bench", argv)


@dataclass(frozen=True)
class Endpoint:
    """One API call to measure: its wrk script and the script's arguments."""

    name: str
    script: str
    warmup_args: list[str]
    args: list[str]


def measure_patron(
    db: BenchDatabase, load: Load, workers: int, workdir: Path
) -> tuple[list[Result], str]:
    """Serve patron and measure register, fetch by id and lookup; return results and command."""
    port = free_port()
    command = server.patron_command(port, workers)
    headers = {"Authorization": basic_auth(), "Content-Type": "application/json"}
    ids, mobiles = workdir / "ids.txt", workdir / "mobiles.txt"
    register = Endpoint("register", "register.lua", [WARMUP_PHASE], [MEASURED_PHASE])
    reads = [
        Endpoint("fetch by id", "fetch.lua", [str(ids)], [str(ids)]),
        Endpoint("lookup by mobile", "lookup.lua", [str(mobiles)], [str(mobiles)]),
    ]
    results: list[Result] = []
    with server.running(
        "patron",
        command,
        port=port,
        ready_path="/health",
        log=workdir / "patron.log",
        env=db.patron_env(workdir / "data"),
    ) as patron:
        for endpoint in [register, *reads]:
            if endpoint is reads[0]:
                db.write_samples(ids, mobiles)
            run_wrk(
                f"{endpoint.name} (warm-up)",
                patron.base_url,
                endpoint.script,
                load,
                seconds=load.warmup_seconds,
                headers=headers,
                args=endpoint.warmup_args,
            )
            opened, rows = db.sessions_opened(), db.row_counts()
            with CpuMeter(patron.group, db.name) as meter:
                result = run_wrk(
                    endpoint.name,
                    patron.base_url,
                    endpoint.script,
                    load,
                    seconds=load.seconds,
                    headers=headers,
                    args=endpoint.args,
                )
            result = replace(result, connections_opened=db.sessions_opened() - opened)
            results.append(result.with_cpu(meter.usage).with_rows(rows, db.row_counts()))
        return results, patron.command


def run_suite(args: argparse.Namespace, workdir: Path) -> Report:
    """Run the ceilings and the API calls; return their report."""
    started = dt.datetime.now(dt.UTC)
    machine, load = start("API benchmark", args)
    wrk, pgbench = ensure_tool("wrk"), ensure_tool("pgbench")
    db = BenchDatabase.parse(args.postgres, args.database)

    console.print("empty endpoint (ceiling of the server) …")
    empty, empty_command = ceilings.measure_empty_endpoint(load, args.workers, workdir)

    console.print(f"database {db.name}: create, migrate …")
    db.recreate()
    try:
        migrate_command = db.migrate()
        console.print("patron: register, fetch by id, lookup …")
        api, patron_command = measure_patron(db, load, args.workers, workdir)
        console.print("registration SQL through pgbench (ceiling of the database) …")
        sql = ceilings.measure_registration_sql(db, load, workdir)
        postgres_version = db.server_version()
    finally:
        if not args.keep_database:
            db.drop()

    register = api[0]
    rows = [
        Row(empty),
        Row(sql),
        Row(register, empty=empty, sql=sql),
        *(Row(r, empty=empty) for r in api[1:]),
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
        f"AUTH={AUTH_SHELL}",
        api[0].command,
        "# $WORK/ids.txt, $WORK/mobiles.txt: ids and INSTORE mobiles of the customers registered",
        *(r.command for r in api[1:]),
        "# the registration's SQL, on the same database after the API runs",
        sql.command,
    ]
    commands = [c.replace(str(workdir), "$WORK") for c in commands]
    notes = [compare_rows(register, sql)]
    return Report(
        "api", started, machine.describe(), versions, load, rows, commands, notes, host=machine
    )


def _whole_rows(result: Result) -> dict[str, int]:
    # Counted per customer created rather than per request: requests still in flight when a
    # run stops add rows that the request count does not include.
    rows = result.rows_written or {}
    per_customer = rows.get("customers") or 1.0
    whole = {t: round(n / per_customer) for t, n in rows.items()}
    return {t: n for t, n in whole.items() if n}


def compare_rows(register: Result, sql: Result) -> str:
    """Say whether register.sql writes the rows a registration writes, table by table."""
    api, ceiling = _whole_rows(register), _whole_rows(sql)
    shown = ", ".join(f"{t} {n}" for t, n in api.items())
    if api == ceiling:
        return f"Rows written per customer registered: {shown}; register.sql writes the same."
    return (
        f"[out of step] Rows written per customer registered: {shown}; register.sql writes "
        + ", ".join(f"{t} {n}" for t, n in ceiling.items())
        + ": update bench/sql/register.sql to what registration.py now does."
    )


def main(argv: list[str]) -> int:
    """Run the API suite; print the table, and record it in bench/README.md when asked."""
    args = parse_args(argv)
    return finish(
        lambda workdir: run_suite(args, workdir),
        record_results=args.record,
        json_to=figures.target(args, "api"),
        problem=out_of_step(0, "register.sql no longer writes what a registration writes"),
    )
