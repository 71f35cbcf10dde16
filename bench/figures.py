"""A run's figures as JSON (``--json FILE``), one shape for every suite.

The document is described in bench/README.md ("Figures as JSON"). A figure a suite does not
measure is ``null``, never estimated. A document is written for every run asked for, also when
the run failed: ``valid`` is then ``false`` and ``reason`` says why (the figures, when there are
any, must not be compared with anything).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load import Result
from bench.report import Report, Row
from bench.system import Machine

# The version of the document's shape; raised when a key changes meaning or disappears.
FORMAT = 1
# The options every document names (null where a suite has no such option).
OPTIONS = ("seconds", "warmup", "connections", "threads", "workers")


@dataclass(frozen=True)
class Target:
    """Where a suite's figures go, and the options the suite ran with."""

    path: Path
    suite: str
    options: dict[str, Any]


def target(args: argparse.Namespace, suite: str) -> Target | None:
    """Return the JSON target of an HTTP suite's options (those of ``bench.suite``), or None
    when ``--json`` was not given."""
    if args.json is None:
        return None
    return Target(args.json, suite, {name: getattr(args, name) for name in OPTIONS})


def machine_figures(machine: Machine | None) -> dict[str, Any] | None:
    """Return the facts of the machine a run was measured on."""
    if machine is None:
        return None
    return {
        "cores": machine.cores,
        "memory_gib": round(machine.memory_gib, 1),
        "cpu_model": machine.cpu,
        "kernel": machine.kernel,
        "python": machine.python,
        "load_average_before": [round(v, 2) for v in machine.load_average],
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def ceiling(
    name: str, *, rate: float | None, ratio: float | None, cpu_ratio: float | None = None
) -> dict[str, Any]:
    """Return one ceiling a run is compared with: its name and rate, the run's rate as a share
    of it (``ratio``) and the ceiling's CPU per request as a share of the run's."""
    return {
        "name": name,
        "rate": _round(rate, 2),
        "ratio": _round(ratio, 4),
        "cpu_ratio": _round(cpu_ratio, 4),
    }


def run(
    name: str,
    *,
    rate: float | None,
    p50_ms: float | None,
    p99_ms: float | None,
    errors: int | None,
    requests: int | None = None,
    server_cpu_ms: float | None = None,
    db_cpu_ms: float | None = None,
    db_connections: int | None = None,
    ceilings: dict[str, dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Return one measured run; ``extra`` holds what only this suite measures."""
    return {
        "name": name,
        "requests": requests,
        "rate": _round(rate, 2),
        "p50_ms": _round(p50_ms, 3),
        "p99_ms": _round(p99_ms, 3),
        "errors": errors,
        "server_cpu_ms": _round(server_cpu_ms, 3),
        "db_cpu_ms": _round(db_cpu_ms, 3),
        "db_connections": db_connections,
        **extra,
        "ceilings": ceilings or {},
    }


def result_run(result: Result, ceilings: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return the figures of a wrk or pgbench run."""
    return run(
        result.name,
        requests=result.requests,
        rate=result.rate,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        errors=result.errors,
        server_cpu_ms=result.cpu_server_ms,
        db_cpu_ms=result.cpu_postgres_ms,
        db_connections=result.connections_opened,
        ceilings=ceilings,
    )


def row_run(row: Row) -> dict[str, Any]:
    """Return a report's row: the run and the ceilings it is compared with (only those)."""
    ceilings: dict[str, dict[str, Any]] = {}
    if row.empty is not None:
        ceilings["empty"] = ceiling(
            row.empty.name, rate=row.empty.rate, ratio=row.vs_empty, cpu_ratio=row.cpu_vs_empty
        )
    if row.sql is not None:
        ceilings["sql"] = ceiling(
            row.sql.name, rate=row.sql.rate, ratio=row.vs_sql, cpu_ratio=row.cpu_vs_sql
        )
    return result_run(row.result, ceilings)


def document(
    *,
    suite: str,
    measured_at: dt.datetime | None,
    machine: Machine | None,
    options: dict[str, Any],
    runs: list[dict[str, Any]],
    notes: list[str] | None = None,
    reason: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Return a whole document; a ``reason`` makes it invalid."""
    when = (measured_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return {
        "format": FORMAT,
        "suite": suite,
        "valid": reason is None,
        "reason": reason,
        "measured_at": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "machine": machine_figures(machine),
        "options": {**dict.fromkeys(OPTIONS), **options},
        **extra,
        "runs": runs,
        "notes": list(notes or []),
    }


def report_document(report: Report | None, to: Target, reason: str | None = None) -> dict[str, Any]:
    """Return the document of an HTTP suite's report (None when the run failed before any)."""
    if report is None:
        return document(
            suite=to.suite,
            measured_at=None,
            machine=None,
            options=to.options,
            runs=[],
            reason=reason,
        )
    return document(
        suite=report.suite,
        measured_at=report.started,
        machine=report.host,
        options=to.options,
        versions=report.versions,
        runs=[row_run(row) for row in report.rows],
        notes=report.notes,
        commands=report.commands,
        reason=reason,
    )


def write(path: Path, figures: dict[str, Any]) -> None:
    """Write a document to ``path`` (its folder created when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
