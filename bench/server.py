"""Servers under test, run as subprocesses: patron itself and the empty ASGI app."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.system import BenchError

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


@dataclass(frozen=True)
class Server:
    """A running server: where it answers and the process group that serves it."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    command: str

    @property
    def group(self) -> int:
        """Return the process group of the server and its workers."""
        return self.process.pid


def patron_command(port: int, workers: int) -> list[str]:
    """Return the command that serves patron on ``port``."""
    return [
        str(BIN / "patron"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def empty_app_command(port: int, workers: int) -> list[str]:
    """Return the command that serves the empty app with uvicorn as patron serves itself."""
    return [
        str(BIN / "uvicorn"),
        "bench.empty_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--no-proxy-headers",
        "--log-level",
        "warning",
    ]


def _wait_ready(server: Server, path: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise BenchError(f"{server.name} exited at start:\n{_tail(log)}")
            try:
                if client.get(server.base_url + path).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise BenchError(f"{server.name} did not answer {path} in {START_TIMEOUT:.0f}s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def running(
    name: str,
    command: list[str],
    *,
    port: int,
    ready_path: str,
    log: Path,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Start ``command``, wait until ``ready_path`` answers 200, and stop it on the way out."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, shlex.join(command))
    try:
        _wait_ready(server, ready_path, log)
        yield server
    finally:
        _stop(process)


def shown(command: str) -> str:
    """Return a command line with paths relative to the repository, as one pastes it there."""
    return command.replace(str(ROOT) + "/", "")
