"""In-process caches that keep slow checks (scrypt, org loading) off the hot path."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

V = TypeVar("V")


class TTLCache(Generic[V]):
    """A small thread-safe map whose entries expire after ``ttl`` seconds."""

    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._items: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """Return the live value under ``key``, or None."""
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if expires < time.monotonic():
            with self._lock:
                self._items.pop(key, None)
            return None
        return value

    def put(self, key: Hashable, value: V, ttl: float | None = None) -> None:
        """Store ``value`` under ``key``."""
        with self._lock:
            if len(self._items) >= self.max_entries:
                self._items.clear()
            self._items[key] = (time.monotonic() + (self.ttl if ttl is None else ttl), value)

    def get_or_load(self, key: Hashable, load: Callable[[], V | None]) -> V | None:
        """Return the cached value, loading (and caching) it when absent."""
        value = self.get(key)
        if value is None:
            value = load()
            if value is not None:
                self.put(key, value)
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()


class KeyedLocks:
    """One lock per key, so a slow check runs once per key while others wait for its result."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self._max_keys = max_keys

    @contextmanager
    def hold(self, key: Hashable) -> Iterator[None]:
        """Hold the lock of ``key``."""
        with self._guard:
            if len(self._locks) >= self._max_keys:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield
