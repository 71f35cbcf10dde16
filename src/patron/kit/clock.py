"""Time helpers: aware UTC everywhere, rendered the way the API documents it."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """Return the current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def epoch_ms(moment: dt.datetime) -> int:
    """Return ``moment`` as Unix milliseconds."""
    return int(moment.timestamp() * 1000)


def iso(moment: dt.datetime | None) -> str | None:
    """Render ``YYYY-MM-DDTHH:MM:SS+HH:MM`` (seconds precision), or None."""
    if moment is None:
        return None
    return moment.isoformat(timespec="seconds")


def parse_datetime(text: str) -> dt.datetime:
    """Parse an ISO 8601 date-time or date; a value without an offset is taken as UTC."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed
