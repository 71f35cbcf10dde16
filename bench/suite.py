"""What the HTTP suites share: their options, the start of a run, and its end (table, checks,
recording)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from bench import figures
from bench.load import Load
from bench.report import Report, record, show
from bench.system import BenchError, Machine, describe_machine

# A table wider than a pipe's default 80 columns, so the log of a run stays readable.
console = Console() if sys.stdout.isatty() else Console(width=160)


def parse_options(
    prog: str, description: str | None, database: str, argv: list[str]
) -> argparse.Namespace:
    """Read a suite's options: run lengths, load, workers, the server and its database."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per run")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds before each run")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads and pgbench jobs")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument(
        "--postgres", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server"
    )
    parser.add_argument("--database", default=database, help="database to create and drop")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--record", action="store_true", help="write the figures to README.md")
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="also write the run's figures to FILE as JSON (see README.md)",
    )
    return parser.parse_args(argv)


def start(title: str, args: argparse.Namespace) -> tuple[Machine, Load]:
    """Describe the machine and the load of a run, warning when the machine is busy already."""
    machine = describe_machine()
    load = Load(args.connections, args.threads, args.seconds, args.warmup)
    console.print(f"[bold]{title}[/bold] on {machine.describe()}")
    if machine.load_average[0] > machine.cores / 2:
        console.print(
            "[yellow]the machine is busy before the run: rates will be low and noisy; "
            "the ratios and the CPU per request hold better[/yellow]"
        )
    return machine, load


def out_of_step(first_note: int, message: str) -> Callable[[Report], str | None]:
    """Return a ``finish`` check failing with ``message`` when a report's note from
    ``first_note`` on says ``[out of step]`` (the notes before it only describe the run)."""

    def check(report: Report) -> str | None:
        notes = report.notes[first_note:]
        return message if any(note.startswith("[out of step]") for note in notes) else None

    return check


def finish(
    run_suite: Callable[[Path], Report],
    *,
    record_results: bool,
    problem: Callable[[Report], str | None] = lambda _: None,
    json_to: figures.Target | None = None,
) -> int:
    """Run a suite in a scratch folder, print its table, fail on request errors or on what
    ``problem`` finds, and record the figures in bench/README.md when asked.

    With ``json_to`` (``--json FILE``) the figures are written as JSON in every case, a failed
    run's marked ``"valid": false`` with the reason; they are never recorded in README.md.
    """
    with tempfile.TemporaryDirectory(prefix="patron-bench-") as tmp:
        try:
            report = run_suite(Path(tmp))
        except BenchError as exc:
            console.print(f"[red]benchmark failed:[/red] {exc}")
            _write_json(json_to, None, f"benchmark failed: {exc}")
            return 1
        except Exception as exc:
            _write_json(json_to, None, f"benchmark failed: {exc!r}")
            raise
    show(report, console)
    if report.errors:
        reason = f"{report.errors} requests failed: the figures are not valid"
        console.print(f"[red]{reason}[/red]")
        _write_json(json_to, report, reason)
        return 1
    found = problem(report)
    _write_json(json_to, report, found)
    if found is not None:
        console.print(f"[red]{found}[/red]")
        return 1
    if record_results:
        record(report)
        console.print("recorded in bench/README.md")
    return 0


def _write_json(to: figures.Target | None, report: Report | None, reason: str | None) -> None:
    """Write the run's figures as JSON when ``--json`` asked for them."""
    if to is None:
        return
    figures.write(to.path, figures.report_document(report, to, reason))
    console.print(f"figures written to {to.path}" + ("" if reason is None else " (not valid)"))
