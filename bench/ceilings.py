"""The ceilings of the same run: an empty endpoint of the same server, and the raw SQL of a
registration through pgbench at the same concurrency."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bench import server
from bench.cpu import CpuMeter
from bench.database import BenchDatabase
from bench.load import Load, Result, run_pgbench, run_wrk
from bench.system import free_port

REGISTRATION_SQL = "register.sql"


def measure_empty_endpoint(load: Load, workers: int, workdir: Path) -> tuple[Result, str]:
    """Serve ``bench.empty_app`` with uvicorn and measure ``GET /empty``; return the result and
    the command that served it."""
    port = free_port()
    command = server.empty_app_command(port, workers)
    with server.running(
        "empty app", command, port=port, ready_path="/empty", log=workdir / "empty_app.log"
    ) as app:
        url = app.base_url + "/empty"
        run_wrk("empty endpoint (warm-up)", url, "empty.lua", load, seconds=load.warmup_seconds)
        with CpuMeter(app.group, None) as meter:
            result = run_wrk("empty endpoint", url, "empty.lua", load, seconds=load.seconds)
        return result.with_cpu(meter.usage), app.command


def measure_registration_sql(db: BenchDatabase, load: Load, workdir: Path) -> Result:
    """Run a registration's SQL transaction with pgbench at the same concurrency."""
    run_pgbench(
        "registration SQL (warm-up)",
        REGISTRATION_SQL,
        db.dsn,
        load,
        seconds=load.warmup_seconds,
        log_dir=workdir,
    )
    opened, rows = db.sessions_opened(), db.row_counts()
    with CpuMeter(None, db.name) as meter:
        result = run_pgbench(
            "registration SQL (pgbench)",
            REGISTRATION_SQL,
            db.dsn,
            load,
            seconds=load.seconds,
            log_dir=workdir,
        )
    result = replace(result, connections_opened=db.sessions_opened() - opened)
    return result.with_cpu(meter.usage).with_rows(rows, db.row_counts())
