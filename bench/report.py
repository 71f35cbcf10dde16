"""Results as a Rich table on the terminal and as a Markdown block in bench/README.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.load import Load, Result
from bench.system import Machine

README = Path(__file__).resolve().parent / "README.md"
# CPU columns are milliseconds per request; the ratio columns are explained in README.md.
COLUMNS = (
    "run",
    "req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "server CPU ms",
    "PG CPU ms",
    "PG conns",
    "÷ empty",
    "÷ pgbench",
    "CPU ÷ empty",
    "CPU ÷ pgbench",
)


@dataclass(frozen=True)
class Row:
    """One measured run and its ratios to the ceilings it is compared with."""

    result: Result
    empty: Result | None = None
    sql: Result | None = None

    @property
    def vs_empty(self) -> float | None:
        """Return the rate as a share of the empty endpoint's."""
        return self.result.rate / self.empty.rate if self.empty else None

    @property
    def vs_sql(self) -> float | None:
        """Return the rate as a share of the registration SQL's."""
        return self.result.rate / self.sql.rate if self.sql else None

    @property
    def cpu_vs_empty(self) -> float | None:
        """Return the empty endpoint's CPU per request as a share of this run's."""
        return _cost_ratio(self.empty, self.result)

    @property
    def cpu_vs_sql(self) -> float | None:
        """Return the registration SQL's CPU per transaction as a share of this run's."""
        return _cost_ratio(self.sql, self.result)

    def cells(self) -> list[str]:
        """Return the row's cells, formatted."""
        r = self.result
        return [
            r.name,
            f"{r.rate:,.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            str(r.errors),
            _ms(r.cpu_server_ms),
            _ms(r.cpu_postgres_ms),
            "—" if r.connections_opened is None else str(r.connections_opened),
            _ratio(self.vs_empty),
            _ratio(self.vs_sql),
            _ratio(self.cpu_vs_empty),
            _ratio(self.cpu_vs_sql),
        ]


def cpu_per_request(result: Result) -> float:
    """Return the CPU milliseconds a request cost the server and PostgreSQL together."""
    return (result.cpu_server_ms or 0.0) + (result.cpu_postgres_ms or 0.0)


def _cost_ratio(ceiling: Result | None, result: Result) -> float | None:
    if ceiling is None or not cpu_per_request(result):
        return None
    return cpu_per_request(ceiling) / cpu_per_request(result)


@dataclass(frozen=True)
class Report:
    """A whole suite's figures and what they were measured on."""

    suite: str
    started: dt.datetime
    machine: str
    versions: str
    load: Load
    rows: list[Row]
    commands: list[str]
    notes: list[str] = field(default_factory=list)
    # The machine's facts, for the figures as JSON (``machine`` is their line of text).
    host: Machine | None = None

    @property
    def errors(self) -> int:
        """Return the failed requests of every measured run."""
        return sum(row.result.errors for row in self.rows)

    def table(self) -> Table:
        """Return the figures as a Rich table."""
        table = Table(title=f"patron {self.suite} benchmark — {self._when()}", title_justify="left")
        for i, name in enumerate(COLUMNS):
            table.add_column(name, justify="left" if i == 0 else "right")
        for row in self.rows:
            table.add_row(*row.cells())
        table.caption = f"{self._load()}\n{self.machine}\n{self.versions}"
        return table

    def markdown(self) -> str:
        """Return the figures, machine and reproduction commands as Markdown."""
        lines = [
            f"Measured {self._when()} on {self.machine}.",
            f"{self.versions}. {self._load()}.",
            "",
            "| " + " | ".join(COLUMNS) + " |",
            "| --- |" + " ---: |" * (len(COLUMNS) - 1),
        ]
        lines += ["| " + " | ".join(row.cells()) + " |" for row in self.rows]
        if self.notes:
            lines += ["", *self.notes]
        lines += [
            "",
            "Commands of this run (`$AUTH` is the demo till's Basic header):",
            "",
            "```sh",
        ]
        lines += self.commands
        lines += ["```"]
        return "\n".join(lines)

    def _when(self) -> str:
        return self.started.strftime("%Y-%m-%d %H:%M UTC")

    def _load(self) -> str:
        return (
            f"{self.load.connections} concurrent connections, {self.load.threads} load threads, "
            f"{self.load.seconds} s measured after {self.load.warmup_seconds} s of warm-up per run"
        )


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def show(report: Report, console: Console | None = None) -> None:
    """Print the report's table and notes."""
    console = console or Console()
    console.print(report.table())
    for note in report.notes:
        console.print(
            note, style="yellow" if note.startswith("[out of step]") else None, markup=False
        )


def record(report: Report, readme: Path = README) -> None:
    """Replace the suite's block in bench/README.md (between its begin and end markers)."""
    begin, end = f"<!-- bench:{report.suite}:begin -->", f"<!-- bench:{report.suite}:end -->"
    text = readme.read_text()
    if begin not in text or end not in text:
        raise ValueError(f"{readme} has no {begin} … {end} block")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{begin}\n{report.markdown()}\n{end}{tail}")
