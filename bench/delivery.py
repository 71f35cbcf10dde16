"""Event delivery: ``python -m bench delivery`` (or ``python -m bench.delivery``).

Creates its own PostgreSQL database, configures one webhook pointing at a minimal local HTTP
receiver (another process, answering 200 at once), runs 1 then 2 ``patron worker`` processes
and measures, for each: the drain rate of a burst of events committed at once (events/s
delivered), commit-to-2xx latency of events committed one per transaction at a steady rate,
and the CPU the workers and PostgreSQL spend per event. Its ceilings in the same run are the
receiver itself driven at the same concurrency with the same payload and headers by wrk
(**÷ wrk**, the receiver's own ceiling) and by a plain httpx client (**÷ httpx**).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import orjson
from rich.console import Console
from rich.table import Table

from bench import figures
from bench.cpu import CpuMeter
from bench.database import DEMO_ORG_ID, BenchDatabase
from bench.load import Load, Result, run_wrk
from bench.server import BIN
from bench.system import BenchError, Machine, describe_machine, ensure_tool, free_port
from patron.config import Settings
from patron.db import Database, open_database, unit_of_work
from patron.events.catalogue import EventName
from patron.events.models import Event
from patron.events.outbox import record_event
from patron.events.payloads import PayloadFormat, build_payload
from patron.kit import clock
from patron.kit.ids import new_event_id
from patron.orgs.demo import ensure_demo_org
from patron.webhooks.claims import USER_AGENT
from patron.webhooks.models import Webhook
from patron.webhooks.signing import new_secret, signing_headers

README = Path(__file__).with_name("README.md")
# The path the webhook posts to: only these requests are logged (not the ceilings' ones).
DELIVERED = b"/events"
BEGIN, END = "<!-- bench:delivery:begin -->", "<!-- bench:delivery:end -->"


# -- the receiver (a process of its own) -------------------------------------------------------


async def _receive(port: int, log_path: str) -> None:
    out = open(log_path, "w", buffering=1 << 16)  # noqa: SIM115 - flushed by the loop below

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length, event_id = 0, "-"
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    key = name.strip().lower()
                    if key == b"content-length":
                        length = int(value)
                    elif key == b"webhook-id":
                        event_id = value.strip().decode()
                if length:
                    await reader.readexactly(length)
                if head.startswith(DELIVERED, head.index(b" ") + 1):
                    out.write(f"{event_id} {time.monotonic():.6f}\n")
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        while True:
            await asyncio.sleep(0.05)
            out.flush()


def serve_receiver(port: int, log_path: str) -> None:
    """Run the receiver until killed (the target of its process)."""
    asyncio.run(_receive(port, log_path))


def receipts(log_path: Path) -> list[tuple[str, float]]:
    """Return every complete ``(eventId, monotonic time)`` line the receiver wrote."""
    out = []
    for line in log_path.read_text().splitlines():
        event_id, _, at = line.partition(" ")
        with suppress(ValueError):
            out.append((event_id, float(at)))
    return out


# -- producing events ----------------------------------------------------------------------------


def _event_data(n: int) -> dict[str, Any]:
    mobile = f"9198{n:08d}"
    return {
        "loyaltyType": "loyalty",
        "source": "INSTORE",
        "firstName": "Tom",
        "lastName": "Sawyer",
        "enteredAt": clock.epoch_ms(clock.now()),
        "enteredBy": {
            "id": 1,
            "till": {"code": "bench.till", "name": "bench.till"},
            "store": {"code": "bench.store", "name": "Bench store", "externalId": "B1"},
        },
        "customerIdentifiers": {"customerId": n, "instore": {"mobile": mobile}},
    }


def commit_events(db: Database, first: int, count: int) -> tuple[list[str], float]:
    """Commit ``count`` events in one transaction; return their ids and the commit time."""
    with unit_of_work(db.write_session) as session:
        events = [
            record_event(
                session,
                org_id=DEMO_ORG_ID,
                name=EventName.CUSTOMER_ADDED,
                entity_id=first + i,
                data=_event_data(first + i),
                api_request_id=uuid.uuid4().hex,
            )
            for i in range(count)
        ]
        ids = [e.event_id for e in events]
    return ids, time.monotonic()


def steady(db: Database, first: int, rate: float, seconds: float) -> dict[str, float]:
    """Commit one event per transaction at ``rate``/s; return each event's commit time."""
    committed: dict[str, float] = {}
    start = time.monotonic()
    for i in range(int(rate * seconds)):
        pause = start + i / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        ids, at = commit_events(db, first + i, 1)
        committed[ids[0]] = at
    return committed


# -- runs ----------------------------------------------------------------------------------------


@dataclass
class Run:
    """The figures of one worker count."""

    workers: int
    burst: int
    burst_rate: float
    steady_rate: float
    p50_ms: float
    p99_ms: float
    duplicates: int
    worker_cpu_ms: float | None
    db_cpu_ms: float | None


def wait_received(log: Path, wanted: set[str], timeout: float) -> dict[str, float]:
    """Wait until every wanted event arrived; return the first arrival of each."""
    deadline = time.monotonic() + timeout
    while True:
        first: dict[str, float] = {}
        for event_id, at in receipts(log):
            if event_id in wanted and event_id not in first:
                first[event_id] = at
        if len(first) == len(wanted):
            return first
        if time.monotonic() > deadline:
            raise BenchError(f"only {len(first)} of {len(wanted)} events arrived in {timeout:.0f}s")
        time.sleep(0.05)


@contextmanager
def workers(count: int, env: dict[str, str], logs: Path) -> Iterator[int]:
    """Run ``count`` ``patron worker`` processes in one process group; yield the group."""
    processes: list[subprocess.Popen[bytes]] = []
    for n in range(count):
        with (logs / f"worker-{n}.log").open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [str(BIN / "patron"), "worker"],
                    env={**os.environ, **env},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    process_group=processes[0].pid if processes else 0,
                )
            )
    try:
        yield processes[0].pid
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def measure(
    db: Database, log: Path, count: int, env: dict[str, str], logs: Path, args: argparse.Namespace
) -> Run:
    """Measure one worker count: a burst, then a steady stream."""
    base = count * 10_000_000
    with workers(count, env, logs) as group:
        warm, _ = commit_events(db, base, 20)
        wait_received(log, set(warm), 60)
        with CpuMeter(group, args.database) as meter:
            burst, committed_at = commit_events(db, base + 100, args.burst)
            arrived = wait_received(log, set(burst), 600)
        burst_rate = args.burst / (max(arrived.values()) - committed_at)
        usage = meter.usage
        committed = steady(db, base + 1_000_000, args.rate, args.seconds)
        arrivals = wait_received(log, set(committed), 120)
    latencies = sorted((arrivals[e] - committed[e]) * 1000 for e in committed)
    seen: dict[str, int] = {}
    for event_id, _ in receipts(log):
        seen[event_id] = seen.get(event_id, 0) + 1
    mine = set(warm) | set(burst) | set(committed)
    return Run(
        workers=count,
        burst=args.burst,
        burst_rate=burst_rate,
        steady_rate=args.rate,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        duplicates=sum(n - 1 for e, n in seen.items() if e in mine and n > 1),
        worker_cpu_ms=None if usage.server is None else usage.server * 1000 / args.burst,
        db_cpu_ms=None if usage.postgres is None else usage.postgres * 1000 / args.burst,
    )


def sample_request() -> tuple[bytes, dict[str, str]]:
    """Return the body and headers the dispatcher sends for one bench event (signed)."""
    now = clock.now()
    event = Event(
        id=1,
        event_id=new_event_id(),
        org_id=DEMO_ORG_ID,
        event_name=EventName.CUSTOMER_ADDED.value,
        ref_id=f"{DEMO_ORG_ID}_1",
        api_request_id=uuid.uuid4().hex,
        entity_id=1,
        created_at=now,
        data=_event_data(1),
    )
    payload = build_payload(
        event, PayloadFormat.ENRICHED, str(uuid.uuid4()), sent_at_ms=clock.epoch_ms(now)
    )
    body = orjson.dumps(payload)
    signed = signing_headers([new_secret()], event.event_id, int(now.timestamp()), body)
    return body, {"content-type": "application/json", "user-agent": USER_AGENT, **signed}


async def _raw(url: str, requests: int, concurrency: int) -> tuple[float, float]:
    body, headers = sample_request()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    async with httpx.AsyncClient(limits=limits) as client:

        async def one(i: int) -> None:
            t0 = time.perf_counter()
            await client.post(url, content=body, headers={**headers, "webhook-id": f"raw-{i}"})
            latencies.append(time.perf_counter() - t0)

        queue = iter(range(requests))

        async def lane() -> None:
            for i in queue:
                await one(i)

        start = time.perf_counter()
        await asyncio.gather(*(lane() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return requests / elapsed, statistics.median(latencies) * 1000


@dataclass(frozen=True)
class Ceilings:
    """The receiver driven without patron, at the same concurrency, with the same request."""

    wrk: Result
    httpx_rate: float
    httpx_p50_ms: float


def measure_wrk(url: str, workdir: Path, connections: int, seconds: int) -> Result:
    """Drive the receiver with wrk posting the dispatcher's body and headers: its own ceiling."""
    body, headers = sample_request()
    body_file = workdir / "wrk-body.json"
    body_file.write_bytes(body)
    load = Load(connections=connections, threads=1, seconds=seconds, warmup_seconds=2)
    arguments = [str(body_file)]
    run_wrk("receiver (wrk, warm-up)", url, "delivery.lua", load, seconds=2, headers=headers,
            args=arguments)  # fmt: skip
    return run_wrk("receiver (wrk)", url, "delivery.lua", load, seconds=seconds, headers=headers,
                   args=arguments)  # fmt: skip


def _per_event(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def markdown(runs: list[Run], ceilings: Ceilings, machine: str, args: argparse.Namespace) -> str:
    """Render the results block of bench/README.md."""
    wrk = ceilings.wrk
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC}; one webhook, `maxAllowedConnections` "
        f"{args.connections}; burst of {args.burst:,} events committed at once; steady stream of "
        f"{args.rate:g} events/s for {args.seconds:g} s, one event per transaction; default settings.",
        f"Machine: {machine}.",
        f"Ceilings, the receiver at concurrency {args.connections} with the dispatcher's body and "
        f"headers: wrk {wrk.rate:,.0f} req/s (p50 {wrk.p50_ms:.2f} ms; `wrk --threads=1 "
        f"--connections={args.connections} --script=bench/lua/delivery.lua` with those headers), "
        f"httpx {ceilings.httpx_rate:,.0f} req/s (p50 {ceilings.httpx_p50_ms:.1f} ms).",
        "",
        "| workers | burst drain events/s | ÷ wrk | ÷ httpx | commit→2xx p50 ms | p99 ms "
        "| duplicates | worker CPU ms/event | PostgreSQL CPU ms/event |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        lines.append(
            f"| {r.workers} | {r.burst_rate:,.0f} | {r.burst_rate / wrk.rate:.1%} | "
            f"{r.burst_rate / ceilings.httpx_rate:.0%} | {r.p50_ms:.0f} | {r.p99_ms:.0f} | "
            f"{r.duplicates} | {_per_event(r.worker_cpu_ms)} | {_per_event(r.db_cpu_ms)} |"
        )
    return "\n".join(lines)


def record(block: str) -> None:
    """Replace the delivery block of bench/README.md."""
    text = README.read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{BEGIN}\n{block}\n{END}{tail}")


def main(argv: list[str]) -> int:
    """Run the delivery suite."""
    parser = argparse.ArgumentParser(prog="python -m bench delivery", description=__doc__)
    parser.add_argument("--burst", type=int, default=3000, help="events committed at once")
    parser.add_argument("--rate", type=float, default=500.0, help="steady events per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="steady stream duration")
    parser.add_argument("--connections", type=int, default=16, help="maxAllowedConnections")
    parser.add_argument(
        "--wrk-seconds", type=int, default=5, help="duration of the wrk ceiling run"
    )
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="patron_bench_delivery")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--record", action="store_true", help="rewrite the block in README.md")
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
    machine = host.describe()
    try:
        runs, ceilings = run_suite(args)
    except BenchError as exc:
        console.print(f"[red]benchmark failed:[/red] {exc}")
        if args.json is not None:
            failed = json_document(args, started, host, [], None, f"benchmark failed: {exc}")
            figures.write(args.json, failed)
        return 1
    except Exception as exc:
        if args.json is not None:
            failed = json_document(args, started, host, [], None, f"benchmark failed: {exc!r}")
            figures.write(args.json, failed)
        raise
    table = Table(title="webhook delivery")
    columns = ("workers", "burst events/s", "÷ wrk", "÷ httpx", "p50 ms", "p99 ms",
               "duplicates", "worker CPU ms/event", "PostgreSQL CPU ms/event")  # fmt: skip
    for column in columns:
        table.add_column(column)
    for r in runs:
        table.add_row(
            str(r.workers),
            f"{r.burst_rate:,.0f}",
            f"{r.burst_rate / ceilings.wrk.rate:.1%}",
            f"{r.burst_rate / ceilings.httpx_rate:.0%}",
            f"{r.p50_ms:.0f}",
            f"{r.p99_ms:.0f}",
            str(r.duplicates),
            _per_event(r.worker_cpu_ms),
            _per_event(r.db_cpu_ms),
        )
    console.print(table)
    console.print(
        f"receiver: wrk {ceilings.wrk.rate:,.0f} req/s (p50 {ceilings.wrk.p50_ms:.2f} ms), "
        f"httpx {ceilings.httpx_rate:,.0f} req/s (p50 {ceilings.httpx_p50_ms:.1f} ms)"
    )
    if args.json is not None:
        figures.write(args.json, json_document(args, started, host, runs, ceilings))
        console.print(f"figures written to {args.json}")
    if args.record:
        record(markdown(runs, ceilings, machine, args))
    return 0


def run_suite(args: argparse.Namespace) -> tuple[list[Run], Ceilings]:
    """Measure the receiver's ceilings, then 1 and 2 workers; return their figures."""
    ensure_tool("wrk")
    bench_db = BenchDatabase.parse(args.postgres, args.database)
    bench_db.recreate()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="patron-bench-delivery-") as tmp:
        logs = Path(tmp)
        log = logs / "received.log"
        log.touch()
        receiver = multiprocessing.get_context("spawn").Process(
            target=serve_receiver, args=(port, str(log)), daemon=True
        )
        receiver.start()
        db: Database | None = None
        try:
            bench_db.migrate()
            env = {
                **bench_db.patron_env(logs),
                "PATRON_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
                "PATRON_LOG_LEVEL": "WARNING",
            }
            db = open_database(Settings(database_url=bench_db.sqlalchemy_url, data_dir=logs))
            setup(db, f"http://127.0.0.1:{port}/events", args.connections)
            base = f"http://127.0.0.1:{port}"
            wrk = measure_wrk(f"{base}/wrk", logs, args.connections, args.wrk_seconds)
            raw = asyncio.run(_raw(f"{base}/raw", args.burst, args.connections))
            ceilings = Ceilings(wrk=wrk, httpx_rate=raw[0], httpx_p50_ms=raw[1])
            runs = [measure(db, log, n, env, logs, args) for n in (1, 2)]
        finally:
            if db is not None:
                db.dispose()
            receiver.kill()
            if not args.keep_database:
                bench_db.drop()
    return runs, ceilings


RAW_NAME = "raw HTTP (httpx against the receiver)"
WRK_NAME = "receiver (wrk, same body and headers)"


def json_document(
    args: argparse.Namespace,
    started: dt.datetime,
    host: Machine,
    runs: list[Run],
    ceilings: Ceilings | None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Return the figures as JSON: the ceilings, then one run per worker count (``rate`` is the
    burst's drain in events/s, ``p50_ms``/``p99_ms`` the steady stream's commit→2xx,
    ``server_cpu_ms``/``db_cpu_ms`` the workers' and PostgreSQL's CPU per event of the burst)."""
    documented: list[dict[str, Any]] = []
    if ceilings is not None:
        documented.append(figures.result_run(replace(ceilings.wrk, name=WRK_NAME)))
        documented.append(
            figures.run(
                RAW_NAME,
                requests=args.burst,
                rate=ceilings.httpx_rate,
                p50_ms=ceilings.httpx_p50_ms,
                p99_ms=None,
                errors=None,
            )
        )
    for r in runs:
        compared = {}
        if ceilings is not None:
            compared["wrk"] = figures.ceiling(
                WRK_NAME, rate=ceilings.wrk.rate, ratio=r.burst_rate / ceilings.wrk.rate
            )
            compared["http"] = figures.ceiling(
                RAW_NAME, rate=ceilings.httpx_rate, ratio=r.burst_rate / ceilings.httpx_rate
            )
        documented.append(
            figures.run(
                f"{r.workers} worker{'s' if r.workers > 1 else ''}",
                rate=r.burst_rate,
                p50_ms=r.p50_ms,
                p99_ms=r.p99_ms,
                errors=None,
                server_cpu_ms=r.worker_cpu_ms,
                db_cpu_ms=r.db_cpu_ms,
                workers=r.workers,
                burst=r.burst,
                steady_rate=r.steady_rate,
                duplicates=r.duplicates,
                ceilings=compared,
            )
        )
    options = {
        "seconds": args.seconds,
        "connections": args.connections,
        "workers": [1, 2],
        "burst": args.burst,
        "rate": args.rate,
        "wrk_seconds": args.wrk_seconds,
    }
    return figures.document(
        suite="delivery",
        measured_at=started,
        machine=host,
        options=options,
        runs=documented,
        notes=[
            f"rate: events/s delivered of a burst of {args.burst:,} committed at once, from the "
            "commit to the last 2xx; p50_ms, p99_ms: commit→2xx of a steady stream of "
            f"{args.rate:g} events/s for {args.seconds:g} s, one event per transaction.",
            "server_cpu_ms, db_cpu_ms: CPU of the worker processes and of PostgreSQL's backends "
            "of the bench database per event of the burst.",
            "duplicates: events the receiver got more than once (expected 0).",
        ],
        reason=reason,
    )


def setup(db: Database, url: str, connections: int) -> None:
    """Create the demo org and one webhook for customerAdded pointing at ``url``."""
    with unit_of_work(db.write_session) as session:
        ensure_demo_org(session)
    now = clock.now()
    with unit_of_work(db.write_session) as session:
        session.add(
            Webhook(
                org_id=DEMO_ORG_ID,
                name="bench",
                url=url,
                kind="HTTP",
                method="POST",
                headers={},
                event_names=["customerAdded"],
                max_connections=connections,
                is_active=True,
                identifiers_to_enrich=[],
                payload_format="ENRICHED",
                consumer_group_id=str(uuid.uuid4()),
                secret=new_secret(),
                consecutive_failures=0,
                created_at=now,
                created_by="bench",
                updated_at=now,
                updated_by="bench",
            )
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
