"""Limits on failed logins, so guessing credentials cannot keep the workers busy with scrypt.

Failures are counted in a moving window (the ``limits`` library, in process memory) per till
code, per API client key and per client address. Each server process keeps its own counts:
with several workers, a till or an address may fail up to that many times the threshold.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from patron.config import Settings
from patron.errors import RateLimited

TOO_MANY_FAILURES = "Too many failed logins: retry after {seconds} seconds"
TOO_MANY_REQUESTS = 429


class LoginLimiter:
    """Count failed logins and refuse further attempts while a threshold is reached."""

    def __init__(
        self, *, per_till: int, per_client: int, per_address: int, window_seconds: int
    ) -> None:
        self._window = MovingWindowRateLimiter(MemoryStorage())
        self._till = RateLimitItemPerSecond(per_till, window_seconds, namespace="till")
        self._client = RateLimitItemPerSecond(per_client, window_seconds, namespace="client")
        self._address = RateLimitItemPerSecond(per_address, window_seconds, namespace="address")

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimiter:
        """Build the limiter with the configured thresholds."""
        return cls(
            per_till=settings.login_failures_per_till,
            per_client=settings.login_failures_per_client,
            per_address=settings.login_failures_per_address,
            window_seconds=settings.login_failure_window_seconds,
        )

    def _limits(
        self, address: str, till: str | None, client: str | None
    ) -> list[tuple[RateLimitItem, str]]:
        limits: list[tuple[RateLimitItem, str]] = [(self._address, address)]
        if till is not None:
            limits.append((self._till, till))
        if client is not None:
            limits.append((self._client, client))
        return limits

    def check(self, *, address: str, till: str | None = None, client: str | None = None) -> None:
        """Raise RateLimited when the address, till code or client key has failed too often."""
        waits = [
            self._seconds_until_free(item, key)
            for item, key in self._limits(address, till, client)
            if not self._window.test(item, key)
        ]
        if waits:
            seconds = max(waits)
            raise RateLimited(
                TOO_MANY_REQUESTS, TOO_MANY_FAILURES.format(seconds=seconds), retry_after=seconds
            )

    def record_failure(
        self, *, address: str, till: str | None = None, client: str | None = None
    ) -> None:
        """Count one failed login of the address (and of the till code or client key)."""
        for item, key in self._limits(address, till, client):
            self._window.hit(item, key)

    def _seconds_until_free(self, item: RateLimitItem, key: str) -> int:
        reset = self._window.get_window_stats(item, key).reset_time
        return min(max(1, math.ceil(reset - time.time())), item.get_expiry())
