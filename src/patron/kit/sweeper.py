"""A background thread that runs one job when woken and every ``interval`` seconds."""

from __future__ import annotations

import threading

import structlog

log = structlog.get_logger("patron.sweeper")


class Sweeper:
    """Run :meth:`sweep` in a thread of its own: when woken, and every ``interval`` (> 0).

    A failed sweep is logged and the next one retries (the database may be away for a while).
    """

    name = "sweeper"

    def __init__(self, interval: float) -> None:
        self._interval = interval if interval > 0 else None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"patron-{self.name}", daemon=True)

    def sweep(self) -> None:
        """Do one round of the work."""
        raise NotImplementedError

    def start(self) -> None:
        """Start sweeping."""
        self._thread.start()

    def wake(self) -> None:
        """Sweep now (safe from any thread)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop sweeping and wait for the current sweep to end."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            self._wake.wait(self._interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.sweep()
            except Exception:  # the next sweep retries
                log.exception("sweep_failed", sweeper=self.name)
