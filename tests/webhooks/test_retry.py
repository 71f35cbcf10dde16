"""Classifying answers, backoff with jitter over days, and Retry-After."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from patron.config import Settings
from patron.webhooks.models import Outcome
from patron.webhooks.retry import RetryPolicy, classify, parse_retry_after

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.SUCCESS),
        (204, Outcome.SUCCESS),
        (400, Outcome.FAILED),
        (410, Outcome.GONE),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (301, Outcome.RETRY),
        (302, Outcome.RETRY),
        (404, Outcome.RETRY),
        (None, Outcome.RETRY),
    ],
)
def test_classify(status: int | None, outcome: Outcome) -> None:
    assert classify(status) == outcome


def test_default_schedule_keeps_retrying_for_at_least_three_days() -> None:
    policy = RetryPolicy.from_settings(Settings())
    assert policy.window_seconds >= 3 * 86400
    rng = random.Random(7)
    elapsed, attempts = 0.0, 1
    started = NOW
    while not policy.is_exhausted(started, NOW + dt.timedelta(seconds=elapsed)):
        elapsed += policy.delay(attempts, rng=rng)
        attempts += 1
    assert elapsed >= 3 * 86400
    assert policy.retry_attempts() >= 20


def test_delays_grow_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base_seconds=1, max_delay_seconds=60, window_seconds=3600)
    rng = random.Random(1)
    for attempts, nominal in [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (30, 60)]:
        delays = [policy.delay(attempts, rng=rng) for _ in range(50)]
        assert all(nominal / 2 <= d <= nominal for d in delays)
        assert len(set(delays)) > 1  # jittered


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(base_seconds=1, max_delay_seconds=60, window_seconds=3600)
    assert policy.delay(1, retry_after=30) == 30
    assert policy.delay(1, retry_after=5000) == 60


def test_parse_retry_after() -> None:
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after("Sun, 22 Nov 2026 12:01:00 GMT", NOW) == 60
    assert parse_retry_after("Sun, 22 Nov 2026 11:00:00 GMT", NOW) == 0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None
