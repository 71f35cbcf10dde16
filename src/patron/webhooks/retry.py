"""What an answer means (success, retry, final, gone) and when to try again."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from dataclasses import dataclass

from patron.config import Settings
from patron.webhooks.models import Outcome

FINAL_STATUS = 400
GONE_STATUS = 410


def classify(status_code: int | None) -> Outcome:
    """Classify an attempt: 2xx succeeds, 400 is final, 410 is gone, the rest is retried."""
    if status_code is None:
        return Outcome.RETRY
    if 200 <= status_code < 300:
        return Outcome.SUCCESS
    if status_code == FINAL_STATUS:
        return Outcome.FAILED
    if status_code == GONE_STATUS:
        return Outcome.GONE
    return Outcome.RETRY


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Parse a ``Retry-After`` header (seconds or an HTTP date) into seconds from ``now``."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return max(0.0, (moment - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, capped per delay, for a window of time."""

    base_seconds: float
    max_delay_seconds: float
    window_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        """Build the policy the settings describe."""
        return cls(
            settings.webhook_retry_base_seconds,
            settings.webhook_retry_max_delay_seconds,
            settings.webhook_retry_window_seconds,
        )

    def nominal_delay(self, attempts: int) -> float:
        """Return the delay after the ``attempts``-th failed attempt, before jitter."""
        exponent = min(attempts - 1, 60)
        return float(min(self.base_seconds * 2**exponent, self.max_delay_seconds))

    def delay(
        self, attempts: int, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Return the wait after ``attempts`` failures: half the nominal delay plus jitter.

        A ``Retry-After`` from the receiver is honoured (up to the maximum delay).
        """
        nominal = self.nominal_delay(attempts)
        jittered = nominal / 2 + (rng or random).uniform(0, nominal / 2)
        if retry_after is not None:
            jittered = max(jittered, min(retry_after, self.max_delay_seconds))
        return jittered

    def is_exhausted(self, started_at: dt.datetime, next_at: dt.datetime) -> bool:
        """Tell whether an attempt at ``next_at`` would fall outside the retry window."""
        return (next_at - started_at).total_seconds() > self.window_seconds

    def retry_attempts(self) -> int:
        """Return how many retries the nominal schedule makes within the window."""
        elapsed, retries = 0.0, 0
        while retries < 10_000:
            elapsed += self.nominal_delay(retries + 1)
            if elapsed > self.window_seconds:
                break
            retries += 1
        return retries
