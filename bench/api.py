"""The API suite: register, fetch and look up customers over HTTP against PostgreSQL, with the
ceilings of the same run (an empty endpoint, and the registration's SQL through pgbench)."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console

from bench import ceilings, server
from bench.cpu import CpuMeter
from bench.database import BenchDatabase
from bench.load import Load, Result, run_wrk
from bench.report import Report, Row, record, show
from bench.system import BenchError, describe_machine, ensure_tool, free_port, tool_version
from patron.orgs.demo import DEMO_TILL_CODE, DEMO_TILL_PASSWORD

# A table wider than a pipe's default 80 columns, so the log of a run stays readable.
console = Console() if sys.stdout.isatty() else Console(width=160)
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
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per run")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds before each run")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads and pgbench jobs")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument(
        "--postgres", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server"
    )
    parser.add_argument("--database", default="patron_bench", help="database to create and drop")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--record", action="store_true", help="write the figures to README.md")
    return parser.parse_args(argv)


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
    machine = describe_machine()
    load = Load(args.connections, args.threads, args.seconds, args.warmup)
    wrk, pgbench = ensure_tool("wrk"), ensure_tool("pgbench")
    db = BenchDatabase.parse(args.postgres, args.database)
    console.print(f"[bold]API benchmark[/bold] on {machine.describe()}")
    if machine.load_average[0] > machine.cores / 2:
        console.print(
            "[yellow]the machine is busy before the run: rates will be low and noisy; "
            "the ratios and the CPU per request hold better[/yellow]"
        )

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
    return Report("api", started, machine.describe(), versions, load, rows, commands, notes)


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
    with tempfile.TemporaryDirectory(prefix="patron-bench-") as tmp:
        try:
            report = run_suite(args, Path(tmp))
        except BenchError as exc:
            console.print(f"[red]benchmark failed:[/red] {exc}")
            return 1
    show(report, console)
    if report.errors:
        console.print(f"[red]{report.errors} requests failed: the figures are not valid[/red]")
        return 1
    if args.record:
        record(report)
        console.print("recorded in bench/README.md")
    return 0
