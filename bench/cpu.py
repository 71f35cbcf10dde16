"""CPU time a run costs: the server under test (its process group) and the PostgreSQL backends
serving the benchmark's database, read from /proc while the run lasts."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
INTERVAL = 0.2


@dataclass(frozen=True)
class CpuUsage:
    """CPU seconds used by the server and by PostgreSQL (None when not measured)."""

    server: float | None
    postgres: float | None


def _read(pid_dir: Path) -> tuple[str, int, float] | None:
    """Return a process's command name, process group and CPU seconds so far."""
    try:
        text = (pid_dir / "stat").read_text()
    except OSError:
        return None
    comm = text[text.index("(") + 1 : text.rindex(")")]
    # After the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    # utime stime …
    fields = text[text.rindex(")") + 2 :].split()
    return comm, int(fields[2]), (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def _is_backend_of(pid_dir: Path, database: str) -> bool:
    """Tell whether a postgres process serves ``database`` (its title names user and database)."""
    try:
        title = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return f" {database} " in title


class CpuMeter:
    """Sum the CPU the server and the database's backends use between enter and exit.

    /proc is sampled every INTERVAL seconds so that backends which end during the run (pgbench
    closes its connections) still count, up to their last sample.
    """

    def __init__(self, server_group: int | None, database: str | None) -> None:
        self.server_group = server_group
        self.database = database
        self._first: dict[tuple[str, int], float] = {}
        self._last: dict[tuple[str, int], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self.usage = CpuUsage(None, None)

    def _sample(self, *, baseline: bool) -> None:
        for pid_dir in Path("/proc").iterdir():
            if not pid_dir.name.isdigit():
                continue
            stat = _read(pid_dir)
            if stat is None:
                continue
            comm, group, seconds = stat
            if self.server_group is not None and group == self.server_group:
                key = ("server", int(pid_dir.name))
            elif (
                self.database is not None
                and comm == "postgres"
                and _is_backend_of(pid_dir, self.database)
            ):
                key = ("postgres", int(pid_dir.name))
            else:
                continue
            # A process born during the run counts from zero.
            self._first.setdefault(key, seconds if baseline else 0.0)
            self._last[key] = seconds

    def _poll(self) -> None:
        while not self._stop.wait(INTERVAL):
            self._sample(baseline=False)

    def __enter__(self) -> CpuMeter:
        self._sample(baseline=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._sample(baseline=False)
        used = {"server": 0.0, "postgres": 0.0}
        for key, last in self._last.items():
            used[key[0]] += last - self._first[key]
        self.usage = CpuUsage(
            used["server"] if self.server_group is not None else None,
            used["postgres"] if self.database is not None else None,
        )
