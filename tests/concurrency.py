"""Running calls at the same moment from threads, for race tests (PostgreSQL only)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest


def require_postgres(backend: str) -> None:
    """Skip a race test on SQLite, which serialises writers."""
    if backend != "postgresql":
        pytest.skip("real write concurrency needs PostgreSQL")


def concurrently(*calls: Callable[[], Any]) -> list[Any]:
    """Start every call at once (behind a barrier) and return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a call never finished"
    return results
