"""Time helpers: aware UTC everywhere, rendered in the org's time zone the way the API documents it."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo


def now() -> dt.datetime:
    """Return the current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def epoch_ms(moment: dt.datetime) -> int:
    """Return ``moment`` as Unix milliseconds."""
    return int(moment.timestamp() * 1000)


# Files of a host's zoneinfo folder that are no IANA zone names.
_HOST_FILES = frozenset({"localtime", "posixrules"})


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - _HOST_FILES


def is_zone_name(name: str) -> bool:
    """Tell whether ``name`` is an IANA time zone name (``Asia/Kolkata``, ``UTC``), spelled exactly."""
    if name not in _zone_names():
        return False
    try:
        _zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=256)
def _zone(name: str) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(name)


def zone(name: str) -> dt.tzinfo:
    """Return the time zone named ``name``; a name that is no IANA zone stands for UTC."""
    return _zone(name) if is_zone_name(name) else dt.UTC


def iso(moment: dt.datetime | None, tz: dt.tzinfo) -> str | None:
    """Render ``moment`` in ``tz`` as ``YYYY-MM-DDTHH:MM:SS+HH:MM`` (seconds precision), or None."""
    if moment is None:
        return None
    return moment.astimezone(tz).isoformat(timespec="seconds")


def local_date(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """Render the calendar date of ``moment`` in ``tz`` as ``YYYY-MM-DD``."""
    return moment.astimezone(tz).date().isoformat()


def local_datetime(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """Render ``moment`` in ``tz`` as ``YYYY-MM-DD HH:MM:SS`` (no offset)."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def start_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Return the first moment of ``day`` in ``tz``, in UTC."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)


def parse_datetime(text: str) -> dt.datetime:
    """Parse an ISO 8601 date-time or date; a value without an offset is taken as UTC."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed
