"""The machine under the benchmark: tools it needs, free ports, and the facts a result quotes."""

from __future__ import annotations

import os
import platform
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

# The Debian packages that provide each external tool the benchmark runs.
PACKAGES = {"wrk": "wrk", "pgbench": "postgresql-client"}


class BenchError(RuntimeError):
    """A benchmark could not run (a tool, the database or a server is missing or failed)."""


def ensure_tool(name: str) -> str:
    """Return the path of ``name``, installing its Debian package first when it is absent."""
    found = shutil.which(name)
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise BenchError(f"{name} is not installed and apt-get is not available to install it")
    prefix: list[str] = []
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if sudo is None:
            raise BenchError(f"{name} is not installed; install {PACKAGES[name]} as root")
        prefix = [sudo, "-n"]
    package = PACKAGES[name]
    print(f"installing {package} (provides {name}) …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*prefix, apt, "install", "-y", "-q", package]
    if subprocess.run(install, env=env, check=False, capture_output=True).returncode != 0:
        # A fresh machine may have no package lists yet.
        subprocess.run([*prefix, apt, "update", "-q"], env=env, check=False, capture_output=True)
        done = subprocess.run(install, env=env, check=False, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"could not install {package}:\n{done.stderr}")
    found = shutil.which(name)
    if not found:
        raise BenchError(f"installing {package} did not provide {name}")
    return found


def free_port() -> int:
    """Return a TCP port on the loopback interface that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tool_version(command: list[str]) -> str:
    """Return the first line a tool prints about its version."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)
    text = (done.stdout or done.stderr).strip()
    if not text:
        return "unknown"
    # wrk follows its version with its event loop and a copyright notice on the same line.
    return re.split(r" \[| Copyright", text.splitlines()[0])[0]


@dataclass(frozen=True)
class Machine:
    """What a result depends on: cores, memory, CPU, and how busy the machine was."""

    cores: int
    memory_gib: float
    cpu: str
    kernel: str
    python: str
    load_average: tuple[float, float, float]

    def describe(self) -> str:
        """Return one line naming the machine."""
        load = ", ".join(f"{v:.2f}" for v in self.load_average)
        return (
            f"{self.cores} cores (nproc), {self.memory_gib:.1f} GiB memory, {self.cpu}; "
            f"Linux {self.kernel}, Python {self.python}; load average before the run {load}"
        )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def describe_machine() -> Machine:
    """Return the facts of this machine."""
    return Machine(
        cores=len(os.sched_getaffinity(0)),
        memory_gib=_memory_gib(),
        cpu=_cpu_model(),
        kernel=platform.release(),
        python=platform.python_version(),
        load_average=os.getloadavg(),
    )
