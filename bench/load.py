"""Load generators: wrk (with the Lua scripts in bench/lua) over HTTP, pgbench over SQL."""

from __future__ import annotations

import json
import re
import shlex
import statistics
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from bench.cpu import CpuUsage
from bench.system import BenchError, ensure_tool

LUA = Path(__file__).resolve().parent / "lua"
SQL = Path(__file__).resolve().parent / "sql"
MARKER = "BENCH_RESULT "
EXTRA_SECONDS = 30


@dataclass(frozen=True)
class Load:
    """How hard to push: concurrent connections, generator threads and seconds."""

    connections: int
    threads: int
    seconds: int
    warmup_seconds: int


@dataclass(frozen=True)
class Result:
    """Throughput and latency of one measured run."""

    name: str
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    command: str
    cpu_server_ms: float | None = None
    cpu_postgres_ms: float | None = None
    connections_opened: int | None = None
    rows_written: dict[str, float] | None = None

    def with_rows(self, before: dict[str, int], after: dict[str, int]) -> Result:
        """Return the result with the rows each request added, by table."""
        grown = {t: after[t] - before.get(t, 0) for t in after if after[t] != before.get(t, 0)}
        per = 1 / self.requests if self.requests else 0.0
        return replace(self, rows_written={t: n * per for t, n in sorted(grown.items())})

    def with_cpu(self, usage: CpuUsage) -> Result:
        """Return the result with the CPU each request cost the server and PostgreSQL."""
        per = 1000 / self.requests if self.requests else 0.0
        return replace(
            self,
            cpu_server_ms=None if usage.server is None else usage.server * per,
            cpu_postgres_ms=None if usage.postgres is None else usage.postgres * per,
        )


def run_wrk(
    name: str,
    url: str,
    script: str,
    load: Load,
    *,
    seconds: int,
    headers: dict[str, str] | None = None,
    args: list[str] | None = None,
) -> Result:
    """Run wrk against ``url`` with ``bench/lua/<script>`` for ``seconds`` and read its report."""
    wrk = ensure_tool("wrk")
    command = [
        wrk,
        f"--threads={load.threads}",
        f"--connections={load.connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={LUA / script}",
    ]
    for key, value in (headers or {}).items():
        command.append(f"--header={key}: {value}")
    command.append(url)
    if args:
        command += ["--", *args]
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=seconds + EXTRA_SECONDS
    )
    report = next(
        (line[len(MARKER) :] for line in done.stdout.splitlines() if line.startswith(MARKER)), None
    )
    if done.returncode != 0 or report is None:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    figures = json.loads(report)
    errors = sum(int(v) for v in figures["errors"].values())
    return Result(
        name=name,
        requests=int(figures["requests"]),
        rate=int(figures["requests"]) / (int(figures["duration_us"]) / 1e6),
        p50_ms=float(figures["p50_us"]) / 1000,
        p99_ms=float(figures["p99_us"]) / 1000,
        errors=errors,
        command=_shown(command),
    )


def _shown(command: list[str]) -> str:
    """Return the command as one pastes it in the repository, with the credentials as $AUTH."""
    parts = []
    for token in ["wrk", *command[1:]]:
        if token.lower().startswith("--header=authorization:"):
            parts.append('"--header=Authorization: $AUTH"')
        else:
            parts.append(shlex.quote(token))
    return " ".join(parts).replace(str(LUA.parent.parent) + "/", "")


_TPS = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)", re.MULTILINE)
_FAILED = re.compile(r"^number of failed transactions: (\d+)", re.MULTILINE)


def run_pgbench(
    name: str, script: str, dsn: dict[str, str], load: Load, *, seconds: int, log_dir: Path
) -> Result:
    """Run ``bench/sql/<script>`` with pgbench, prepared, and read latencies from its log."""
    pgbench = ensure_tool("pgbench")
    prefix = log_dir / "pgbench"
    for old in log_dir.glob("pgbench.*"):
        old.unlink()
    command = [
        pgbench,
        "--no-vacuum",
        "--protocol=prepared",
        f"--client={load.connections}",
        f"--jobs={load.threads}",
        f"--time={seconds}",
        f"--file={SQL / script}",
        "--log",
        f"--log-prefix={prefix}",
        f"--host={dsn['host']}",
        f"--port={dsn['port']}",
        f"--username={dsn['user']}",
        dsn["dbname"],
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=seconds + EXTRA_SECONDS
    )
    tps = _TPS.search(done.stdout)
    if done.returncode != 0 or tps is None:
        raise BenchError(f"pgbench failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    latencies = _logged_latencies(log_dir)
    failed = _FAILED.search(done.stdout)
    shown = shlex.join(["pgbench", *command[1:]]).replace(str(SQL.parent.parent) + "/", "")
    return Result(
        name=name,
        requests=len(latencies),
        rate=float(tps.group(1)),
        p50_ms=_percentile(latencies, 50),
        p99_ms=_percentile(latencies, 99),
        errors=int(failed.group(1)) if failed else 0,
        command=shown,
    )


def _logged_latencies(log_dir: Path) -> list[float]:
    """Return every transaction's latency in milliseconds from pgbench's per-thread logs."""
    latencies: list[float] = []
    for path in log_dir.glob("pgbench.*"):
        for line in path.read_text().splitlines():
            # client_id transaction_no time_us script_no epoch epoch_us
            fields = line.split()
            if len(fields) >= 3 and fields[2].isdigit():
                latencies.append(int(fields[2]) / 1000)
    if not latencies:
        raise BenchError("pgbench logged no transaction")
    return latencies


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]
