"""Customer search at scale: ``python -m bench search`` (1,000,000 customers by default).

Generates the data set straight into PostgreSQL (the same rows registrations write), serves
patron on it, and measures ``GET /v2/customers/search`` against its ceiling in the same run: the
very SQL patron sends for a search, run directly by psycopg on the same database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from bench import figures
from bench.cpu import CpuMeter
from bench.database import DEMO_ORG_ID, BenchDatabase
from bench.server import patron_command, running
from bench.system import BenchError, Machine, describe_machine, free_port
from patron.customers import search
from patron.kit.pagination import Page
from patron.migrate import upgrade
from patron.orgs.demo import DEMO_ORG

DIALECT = make_url("postgresql+psycopg://").get_dialect()()
DEMO_REGION = str(DEMO_ORG["defaultRegion"])

README = Path(__file__).with_name("README.md")
FIRST_NAMES = [
    "Aarav",
    "Abigail",
    "Adam",
    "Aditi",
    "Ahmed",
    "Aiko",
    "Alba",
    "Alejandro",
    "Alice",
    "Amara",
    "Amir",
    "Ana",
    "Andrei",
    "Anika",
    "Arjun",
    "Ava",
    "Ben",
    "Bianca",
    "Carlos",
    "Chen",
    "Chloe",
    "Dana",
    "Daniel",
    "Deepa",
    "Diego",
    "Elena",
    "Eli",
    "Emma",
    "Farah",
    "Felix",
    "Fatima",
    "Gabriel",
    "Grace",
    "Hana",
    "Hassan",
    "Ines",
    "Isaac",
    "Ivan",
    "Jade",
    "James",
    "Jin",
    "Julia",
    "Kai",
    "Kavya",
    "Leila",
    "Leo",
    "Lina",
    "Lucas",
    "Maya",
    "Mei",
    "Mia",
    "Mohammed",
    "Nadia",
    "Noah",
    "Nora",
    "Omar",
    "Priya",
    "Rafael",
    "Rahul",
    "Rosa",
    "Sara",
    "Sofia",
    "Tom",
    "Tomas",
    "Uma",
    "Victor",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Abe",
    "Ali",
    "Alvarez",
    "Bauer",
    "Chen",
    "Costa",
    "Das",
    "Diaz",
    "Fischer",
    "Garcia",
    "Gupta",
    "Haddad",
    "Ito",
    "Ivanova",
    "Jensen",
    "Kaur",
    "Khan",
    "Kim",
    "Kowalski",
    "Lee",
    "Li",
    "Lopez",
    "Martin",
    "Mehta",
    "Moreau",
    "Muller",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Park",
    "Patel",
    "Perez",
    "Rossi",
    "Sato",
    "Sawyer",
    "Schmidt",
    "Shah",
    "Silva",
    "Singh",
    "Smith",
    "Suzuki",
    "Tanaka",
    "Wang",
    "Weber",
    "Wong",
    "Yadav",
    "Yilmaz",
    "Zhang",
]
CHUNK = 100_000
ROW_SQL = {
    "customers": """
        INSERT INTO customers (id, org_id, loyalty_type, status_label, extended_fields,
                               created_at, created_by, updated_at, updated_by)
        SELECT g, %(org)s, 'loyalty', 'Active', '{}'::jsonb, now(), 1, now(), 1
        FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g""",
    "profiles": """
        INSERT INTO profiles (id, org_id, customer_id, source, account_id, first_name, last_name,
                              fields, created_at, created_by, updated_at, updated_by)
        SELECT g, %(org)s, g, 'INSTORE', '',
               (%(firsts)s::text[])[1 + g %% %(nf)s], (%(lasts)s::text[])[1 + (g / %(nf)s) %% %(nl)s],
               '{}'::jsonb, now(), 1, now(), 1
        FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g""",
    "identifiers": """
        INSERT INTO identifiers (id, org_id, customer_id, profile_id, source, account_id, type,
                                 value, created_at)
        SELECT 2 * g - 1 + k, %(org)s, g, g, 'INSTORE', '',
               CASE k WHEN 0 THEN 'mobile' ELSE 'email' END,
               CASE k WHEN 0 THEN '9197' || lpad(g::text, 8, '0')
                      ELSE 'member' || g || '@example.com' END,
               now()
        FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g CROSS JOIN (VALUES (0), (1)) AS kinds(k)""",
    "identities": """
        INSERT INTO identities (org_id, type, value, customer_id)
        SELECT org_id, type, value, customer_id FROM identifiers
        WHERE org_id = %(org)s AND customer_id BETWEEN %(lo)s::bigint AND %(hi)s::bigint""",
}
# The query mix: common and rare name prefixes, mobile prefixes of every width, emails.
QUERIES: dict[str, Callable[[int, int], str]] = {
    "first name (3 letters)": lambda i, n: FIRST_NAMES[i % len(FIRST_NAMES)][:3].lower(),
    "last name (full)": lambda i, n: LAST_NAMES[i % len(LAST_NAMES)],
    "mobile (10 digits)": lambda i, n: f"9197{(i * 7919) % n + 1:08d}"[:10],
    "mobile (12 digits)": lambda i, n: f"9197{(i * 7919) % n + 1:08d}",
    "email prefix": lambda i, n: f"member{(i * 104729) % n + 1}"[:10],
}


def generate(db: BenchDatabase, customers: int) -> float:
    """Write ``customers`` customers (profile, mobile, email) into the demo org; return seconds."""
    started = time.monotonic()
    params: dict[str, Any] = {
        "org": DEMO_ORG_ID,
        "firsts": FIRST_NAMES,
        "lasts": LAST_NAMES,
        "nf": len(FIRST_NAMES),
        "nl": len(LAST_NAMES),
    }
    with psycopg.connect(db.conninfo()) as conn:
        for lo in range(1, customers + 1, CHUNK):
            hi = min(lo + CHUNK - 1, customers)
            for statement in ROW_SQL.values():
                conn.execute(statement, {**params, "lo": lo, "hi": hi})
            conn.commit()
        for table in ("customers", "profiles", "identifiers"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE customers, profiles, identifiers, identities")
    return time.monotonic() - started


def count_customers(db: BenchDatabase) -> int:
    """Return how many customers the demo org has (0 when the database is missing)."""
    try:
        with psycopg.connect(db.conninfo()) as conn:
            row = conn.execute(
                "SELECT count(*) FROM customers WHERE org_id = %s", (DEMO_ORG_ID,)
            ).fetchone()
    except psycopg.Error:
        return 0
    return int(row[0]) if row else 0


def run_search_sql(conn: psycopg.Connection[Any], prefix: str, limit: int) -> float:
    """Run the statements patron sends for one search page, as patron sends them; return the
    seconds spent in them (compiling them in Python is not counted)."""
    statements, params = search.search_params(
        DEMO_ORG_ID, prefix.strip().lower(), DEMO_REGION, Page(limit=limit), "postgresql"
    )
    page = _compiled(statements.page, params)
    start = time.perf_counter()
    _total, ids = conn.execute(*page).fetchone() or (0, None)
    elapsed = time.perf_counter() - start
    if ids:
        details = _compiled(statements.details, {**params, "ids": ids})
        start = time.perf_counter()
        conn.execute(*details).fetchall()
        elapsed += time.perf_counter() - start
    return elapsed


def _compiled(statement: Any, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return ``statement`` as psycopg receives it from patron: its text and its parameters."""
    compiled = statement.compile(dialect=DIALECT)
    expanded = compiled.construct_expanded_state(params)
    return expanded.statement, expanded.parameters


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    """Return the median, 95th and 99th percentiles of ``samples`` (seconds) in milliseconds."""
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return p50 * 1000, p95 * 1000, p99 * 1000


def _wait_until_idle(server_group: int, seconds: float = 30.0) -> None:
    """Wait (up to ``seconds``) until the server spends under 20 ms of CPU in half a second:
    workers still starting must not count against the first kind of query."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with CpuMeter(server_group, None) as meter:
            time.sleep(0.5)
        if (meter.usage.server or 0.0) < 0.02:
            return


def measure(
    base_url: str, server_group: int, db: BenchDatabase, customers: int, per_kind: int
) -> list[dict[str, Any]]:
    """Time each kind of query over HTTP (with the CPU the server and its database backends
    spend on it), then as raw SQL; return one row per kind."""
    auth = ("demo.till", "62cc2d8b4bf2d8728120d052163a77df")  # md5("demo123")
    rows = []
    _wait_until_idle(server_group)
    with (
        httpx.Client(base_url=base_url, auth=auth, timeout=30) as client,
        psycopg.connect(db.conninfo()) as conn,
    ):
        for kind, make in QUERIES.items():
            prefixes = [make(i, customers) for i in range(per_kind + 5)]
            http_times: list[float] = []
            totals: list[int] = []
            for prefix in prefixes[:5]:  # the first few warm the caches
                client.get("/v2/customers/search", params={"q": prefix}).raise_for_status()
                run_search_sql(conn, prefix, 10)
            with CpuMeter(server_group, db.name) as meter:
                for prefix in prefixes[5:]:
                    start = time.perf_counter()
                    response = client.get("/v2/customers/search", params={"q": prefix, "limit": 10})
                    http_times.append(time.perf_counter() - start)
                    response.raise_for_status()
                    totals.append(int(response.json()["pagination"]["total"]))
            sql_times = [run_search_sql(conn, prefix, 10) for prefix in prefixes[5:]]
            http_p50, http_p95, http_p99 = _percentiles(http_times)
            sql_p50, sql_p95, sql_p99 = _percentiles(sql_times)
            rows.append(
                {
                    "kind": kind,
                    "matches": int(statistics.median(totals)),
                    "p50": http_p50,
                    "p95": http_p95,
                    "p99": http_p99,
                    "sql_p50": sql_p50,
                    "sql_p95": sql_p95,
                    "sql_p99": sql_p99,
                    "queries": len(http_times),
                    "ratio": sql_p50 / http_p50 if http_p50 else 0.0,
                    "server_cpu_ms": 1000 * (meter.usage.server or 0.0) / len(http_times),
                    "db_cpu_ms": 1000 * (meter.usage.postgres or 0.0) / len(http_times),
                }
            )
    return rows


def explain(db: BenchDatabase) -> str:
    """Return the plan of a name search, showing which indexes serve it."""
    statements, params = search.search_params(
        DEMO_ORG_ID, "tom", DEMO_REGION, Page(limit=10), "postgresql"
    )
    statement, args = _compiled(statements.page, params)
    with psycopg.connect(db.conninfo()) as conn:
        plan = conn.execute("EXPLAIN " + statement, args).fetchall()
    return "\n".join(str(r[0]) for r in plan)


def markdown(
    rows: list[dict[str, Any]], customers: int, machine: str, generated: str, per_kind: int
) -> str:
    """Render the results block of bench/README.md."""
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC}; {customers:,} customers (one INSTORE profile, a mobile and an email each: "
        f"{customers:,} profiles, {2 * customers:,} identifiers); {generated}; {per_kind} queries per kind, one at a time, "
        "`limit=10`.",
        f"Machine: {machine}.",
        "",
        "| query | matching customers (median) | HTTP p50 ms | HTTP p95 ms | SQL p50 ms | SQL p95 ms | SQL ÷ HTTP (p50) | server CPU ms | database CPU ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['kind']} | {r['matches']:,} | {r['p50']:.2f} | {r['p95']:.2f} | {r['sql_p50']:.2f} | {r['sql_p95']:.2f} | {r['ratio']:.0%} | {r['server_cpu_ms']:.1f} | {r['db_cpu_ms']:.1f} |"
        )
    return "\n".join(lines)


def record(block: str) -> None:
    """Replace the search block of bench/README.md."""
    begin, end = "<!-- bench:search:begin -->", "<!-- bench:search:end -->"
    text = README.read_text()
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{begin}\n{block}\n{end}{tail}")


def main(argv: list[str]) -> int:
    """Run the search suite."""
    parser = argparse.ArgumentParser(prog="python -m bench search", description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100, help="queries per kind")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="patron_bench_search")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep (and migrate) a database that already has the data set",
    )
    parser.add_argument(
        "--record", action="store_true", help="rewrite the results block in bench/README.md"
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="also write the run's figures to FILE as JSON (see README.md)",
    )
    args = parser.parse_args(argv)
    console = Console()
    started = dt.datetime.now(dt.UTC)
    host = describe_machine()
    try:
        rows, generated, plan = run_suite(args, console)
    except BenchError as exc:
        console.print(f"[red]benchmark failed:[/red] {exc}")
        if args.json is not None:
            failed = json_document(args, started, host, [], "", reason=f"benchmark failed: {exc}")
            figures.write(args.json, failed)
        return 1
    except Exception as exc:
        if args.json is not None:
            failed = json_document(args, started, host, [], "", reason=f"benchmark failed: {exc!r}")
            figures.write(args.json, failed)
        raise
    table = Table(title=f"customer search, {args.customers:,} customers")
    for column in (
        "query",
        "matches",
        "HTTP p50 ms",
        "HTTP p95 ms",
        "SQL p50 ms",
        "SQL p95 ms",
        "SQL ÷ HTTP",
        "server CPU ms",
        "db CPU ms",
    ):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["kind"],
            f"{r['matches']:,}",
            f"{r['p50']:.2f}",
            f"{r['p95']:.2f}",
            f"{r['sql_p50']:.2f}",
            f"{r['sql_p95']:.2f}",
            f"{r['ratio']:.0%}",
            f"{r['server_cpu_ms']:.1f}",
            f"{r['db_cpu_ms']:.1f}",
        )
    console.print(table)
    console.print(plan)
    if args.json is not None:
        figures.write(args.json, json_document(args, started, host, rows, generated))
        console.print(f"figures written to {args.json}")
    if args.record:
        record(markdown(rows, args.customers, host.describe(), generated, args.queries))
    return 0


def run_suite(args: argparse.Namespace, console: Console) -> tuple[list[dict[str, Any]], str, str]:
    """Write (or reuse) the data set, serve patron and time the queries; return one row per
    kind of query, how the data set was made, and the plan of a name search."""
    db = BenchDatabase.parse(args.postgres, args.database)
    fresh = not (args.reuse and count_customers(db) == args.customers)
    if fresh:
        db.recreate()
        db.migrate()
    else:
        # A kept data set gets the migrations written since (in process: at scale they can take
        # longer than `patron db upgrade` is given), and its visibility map back.
        upgrade(db.sqlalchemy_url)
        with psycopg.connect(db.conninfo(), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE customers, profiles, identifiers, identities")
    port = free_port()
    data_dir = Path("data") / "bench-search"
    data_dir.mkdir(parents=True, exist_ok=True)
    with running(
        "patron",
        patron_command(port, 2),
        port=port,
        ready_path="/health",
        log=data_dir / "patron.log",
        env=db.patron_env(data_dir),
    ) as server:
        generated = "data set reused"
        if fresh:
            console.print(f"generating {args.customers:,} customers…")
            seconds = generate(db, args.customers)
            generated = f"generated in {seconds:.0f} s"
        rows = measure(server.base_url, server.group, db, args.customers, args.queries)
    return rows, generated, explain(db)


def json_document(
    args: argparse.Namespace,
    started: dt.datetime,
    host: Machine,
    rows: list[dict[str, Any]],
    generated: str,
    reason: str | None = None,
) -> dict[str, Any]:
    """Return the figures as JSON: one run per kind of query, one query at a time (no rate),
    its ceiling the same SQL through psycopg (``ratio``: SQL p50 ÷ HTTP p50)."""
    runs = [
        figures.run(
            r["kind"],
            requests=r["queries"],
            rate=None,
            p50_ms=r["p50"],
            p95_ms=round(r["p95"], 3),
            p99_ms=r["p99"],
            # Every answer is checked: a non-2xx stops the suite.
            errors=0,
            server_cpu_ms=r["server_cpu_ms"],
            db_cpu_ms=r["db_cpu_ms"],
            matches=r["matches"],
            sql_share=round(r["ratio"], 4),
            ceilings={
                "sql": {
                    **figures.ceiling(
                        f"{r['kind']}: the search's SQL through psycopg",
                        rate=None,
                        ratio=r["ratio"],
                    ),
                    "p50_ms": round(r["sql_p50"], 3),
                    "p95_ms": round(r["sql_p95"], 3),
                    "p99_ms": round(r["sql_p99"], 3),
                }
            },
        )
        for r in rows
    ]
    options = {
        "connections": 1,
        "workers": 2,
        "customers": args.customers,
        "queries": args.queries,
        "reuse": args.reuse,
    }
    notes = [
        f"{args.customers:,} customers; {generated}; {args.queries} queries per kind after 5 "
        "of warm-up, one at a time, limit=10; server and database CPU per request over the "
        "timed requests."
    ]
    return figures.document(
        suite="search",
        measured_at=started,
        machine=host,
        options=options,
        runs=runs,
        notes=notes if rows else [],
        reason=reason,
    )
