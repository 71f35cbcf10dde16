"""Coupons test fixtures: a clock that tests can move forward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from patron.kit import clock


@pytest.fixture
def move_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.timedelta], None]:
    """Return a function that moves ``patron.kit.clock.now`` forward by a delta from now."""
    real_now = clock.now

    def move(delta: dt.timedelta) -> None:
        monkeypatch.setattr(clock, "now", lambda: real_now() + delta)

    return move
