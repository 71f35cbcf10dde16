"""The dates and tiers of partner memberships: days a call gives, the end of a supplementary
membership's period, its reminder moment, and tier names and expiries (2001, 2003, 2007)."""

from __future__ import annotations

import calendar
import datetime as dt

from patron.errors import Invalid, NotFound
from patron.kit import clock
from patron.orgs.config import OrgConfig
from patron.orgs.partners import MembershipPeriodType, PartnerProgramDef

CANNOT_PROCESS = 2001
EXPIRY_IN_PAST = 2003
TIER_NOT_FOUND = 2007
# Dates a call may give: far enough from the calendar's ends that a period can be added.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


def parse_day(text: str | None, zone: dt.tzinfo, name: str) -> dt.date | None:
    """Return a ``YYYY-MM-DD`` (or ISO date-time) value as a day of the org's zone (2001)."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    try:
        if len(value) == len("YYYY-MM-DD"):
            day = dt.date.fromisoformat(value)
        else:
            day = clock.parse_datetime(value).astimezone(zone).date()
    except (ValueError, OverflowError):
        raise Invalid(CANNOT_PROCESS, f"{name} {value!r} is not a date") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(CANNOT_PROCESS, f"{name} {value!r} is out of range")
    return day


def end_of_day(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """Return the last second of ``day`` in ``zone``, in UTC."""
    return clock.start_of_day(day + dt.timedelta(days=1), zone) - dt.timedelta(seconds=1)


def tier_expiry(text: str | None, org: OrgConfig, name: str) -> dt.datetime | None:
    """Return a tier expiry date as the end of that day (2003 in the past)."""
    day = parse_day(text, org.zone, name)
    if day is None:
        return None
    if day < clock.now().astimezone(org.zone).date():
        raise Invalid(EXPIRY_IN_PAST, f"{name} {day.isoformat()} is in the past")
    return end_of_day(day, org.zone)


def add_period(program: PartnerProgramDef, start: dt.date) -> dt.date:
    """Return the last day of a supplementary membership starting on ``start``."""
    value = program.membership_period_value or 0
    if program.membership_period_type is MembershipPeriodType.DAYS:
        try:
            return start + dt.timedelta(days=value)
        except OverflowError:
            raise Invalid(
                CANNOT_PROCESS, f"The membership of {program.name} would end after {dt.MAXYEAR}"
            ) from None
    months = start.month - 1 + value
    year, month = start.year + months // 12, months % 12 + 1
    if year > dt.MAXYEAR:
        raise Invalid(
            CANNOT_PROCESS, f"The membership of {program.name} would end after {dt.MAXYEAR}"
        )
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


def remind_moment(
    org: OrgConfig, program: PartnerProgramDef, expires: dt.datetime | None
) -> dt.datetime | None:
    """Return when a membership expiring at ``expires`` is reminded: the start of the day
    ``reminderDaysBeforeExpiry`` days before its expiry date (None: no reminder)."""
    days = program.reminder_days_before_expiry
    if expires is None or days is None:
        return None
    day = expires.astimezone(org.zone).date() - dt.timedelta(days=days)
    return clock.start_of_day(day, org.zone)


def tier_number(program: PartnerProgramDef, name: str | None, *, required: bool) -> int | None:
    """Return the number of the tier ``name`` of a tier-based program (2007)."""
    if not program.tier_based:
        return None
    if name is None or not name.strip():
        if not required:
            return None
        raise Invalid(TIER_NOT_FOUND, f"Partner program {program.name} needs a partnerTierName")
    tier = program.tier(name)
    if tier is None:
        raise NotFound(TIER_NOT_FOUND, f"Tier {name.strip()!r} not found in {program.name}")
    return tier.tier_number
