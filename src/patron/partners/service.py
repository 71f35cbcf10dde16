"""Rules of linking customers to partner programs, updating and delinking them.

A call names up to 50 customers (2008 beyond); each program item of each customer is answered
with its own ``partnerLinkStatus``, so one item's failure never undoes another's change. Each
customer is locked while its items are applied, so two calls about one customer wait for each
other. Every change writes its event in the same unit of work.

A link with a future ``membershipStartDate`` for a customer already linked to that
supplementary program queues a relink (one per membership; a second is refused with 2005 until
``MEMBERSHIP_RELINKING_CANCELLED`` cancels the first); the partner sweep applies it at its start
(``apply_relink``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.lookup import get_customer
from patron.customers.models import Customer
from patron.errors import Conflict, Invalid, NotFound, PatronError
from patron.kit import clock
from patron.kit.context import current_request_id
from patron.loyalty.redemptions.inputs import identify
from patron.orgs.config import OrgConfig
from patron.orgs.partners import MembershipPeriodType, PartnerProgramDef, PartnerProgramType
from patron.partners import repository
from patron.partners.events import record_partner_event, record_update
from patron.partners.models import PartnerMembership, PartnerRelink
from patron.partners.schemas import (
    CustomerIn,
    DelinkIn,
    DelinkProgramIn,
    LinkIn,
    LinkProgramIn,
    PartnerReferenceIn,
    UpdateIn,
    UpdateProgramIn,
)
from patron.partners.views import partner_program

CANNOT_PROCESS = 2001
EMPTY_NAME = 2002
EXPIRY_IN_PAST = 2003
LINK_FIRST = 2004
ALREADY_LINKED = 2005
PROGRAM_NOT_FOUND = 2006
TIER_NOT_FOUND = 2007
TOO_MANY_CUSTOMERS = 2008
BAD_UPDATE_TYPE = 2009
INVALID_IDENTIFIER = 8013
MAX_CUSTOMERS = 50
# Dates a call may give: far enough from the calendar's ends that a period can be added.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
SUCCESS = 200

# Update types: the samples' spelling and the one error 2009 names, both accepted.
TIER_UPDATES = frozenset({"UPGRADE", "DOWNGRADE", "UPDATE"})
RENEWALS = frozenset({"RENEWAL", "RENEW"})
RELINK_CANCELLED = "MEMBERSHIP_RELINKING_CANCELLED"
UPDATE_TYPES = TIER_UPDATES | RENEWALS | {RELINK_CANCELLED}
_IDENTIFIERS = (
    ("id", "ID"),
    ("mobile", "MOBILE"),
    ("email", "EMAIL"),
    ("external_id", "EXTERNALID"),
)


def _status(code: int, message: str, *, ok: bool = False) -> dict[str, Any]:
    return {"status": ok, "message": message, "code": code}


def _ok(message: str) -> dict[str, Any]:
    return _status(SUCCESS, message, ok=True)


def _echo(item: Any) -> dict[str, Any]:
    return dict(item.model_dump(by_alias=True, exclude_none=True)) if item is not None else {}


def require_count(items: Sequence[Any]) -> None:
    """Refuse a call naming more than 50 customers (2008)."""
    if len(items) > MAX_CUSTOMERS:
        raise Invalid(
            TOO_MANY_CUSTOMERS, f"At most {MAX_CUSTOMERS} customers can be processed in one call"
        )


def find_customer(session: Session, org: OrgConfig, named: CustomerIn | None) -> Customer:
    """Return the customer an item names, locked for the change (8013, 8015, 8069)."""
    for attribute, kind in _IDENTIFIERS:
        value = getattr(named, attribute, None) if named is not None else None
        if value is not None and str(value).strip():
            found = identify(session, org, kind, str(value))
            return get_customer(session, org.id, found.id, lock=True)
    raise Invalid(INVALID_IDENTIFIER, "Customer identifier is invalid: mobile, email or externalId")


def find_program(org: OrgConfig, name: str | None) -> PartnerProgramDef:
    """Return the partner program an item names (2002 empty, 2006 unknown)."""
    if name is None or not name.strip():
        raise Invalid(EMPTY_NAME, "partnerProgramName is required")
    program = org.partner_program(name)
    if program is None:
        raise NotFound(PROGRAM_NOT_FOUND, f"Partner program {name.strip()!r} not found")
    return program


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


def _each_customer(
    session: Session,
    org: OrgConfig,
    named: CustomerIn | None,
    items: Sequence[Any],
    apply: Callable[[Customer, Any], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Apply every program item of one customer; answer each with its ``partnerLinkStatus``."""
    answers = [_echo(item) for item in items]
    try:
        customer = find_customer(session, org, named)
    except PatronError as error:
        return [{**a, "partnerLinkStatus": _status(error.code, error.message)} for a in answers]
    for answer, item in zip(answers, items, strict=True):
        try:
            with session.begin_nested():
                answer["partnerLinkStatus"] = apply(customer, item)
        except PatronError as error:
            answer["partnerLinkStatus"] = _status(error.code, error.message)
    return answers


def _delink(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    membership: PartnerMembership,
    request_id: str,
) -> None:
    program = partner_program(org, membership.partner_program_id)
    repository.delete_membership(session, membership)
    if program is not None:
        record_partner_event(session, org, customer, program, "delinked", request_id)


def _make_room(
    session: Session, org: OrgConfig, customer: Customer, program: PartnerProgramDef
) -> None:
    """Apply one-customer-one-scheme: delink the other programs, or refuse (2005)."""
    settings = org.partner_program_settings
    if not settings.one_customer_one_scheme:
        return
    others = [
        m
        for m in repository.list_memberships(session, org.id, customer.id)
        if m.partner_program_id != program.partner_program_id
    ]
    if others and not settings.auto_delink_when_linking_another:
        raise Conflict(ALREADY_LINKED, "The customer is already linked to another partner program")
    for other in others:
        _delink(session, org, customer, other, current_request_id())


def _membership_number(reference: PartnerReferenceIn | None) -> str | None:
    number = reference.partner_membership_id if reference is not None else None
    return number.strip() or None if number is not None else None


def _queue_relink(
    session: Session,
    principal: Principal,
    membership: PartnerMembership,
    program: PartnerProgramDef,
    reference: PartnerReferenceIn | None,
    start_day: dt.date,
) -> dict[str, Any]:
    """Queue the relink of a supplementary membership from ``start_day`` (2005 one is queued
    already, 2001 it would start after the day following the current expiry)."""
    org = principal.org
    if repository.find_relink(session, membership.id) is not None:
        raise Conflict(
            ALREADY_LINKED,
            f"A relink to {program.name} is already queued: cancel it first ({RELINK_CANCELLED})",
        )
    if membership.expires_at is not None:
        last_day = membership.expires_at.astimezone(org.zone).date()
        if start_day > last_day + dt.timedelta(days=1):
            raise Invalid(
                CANNOT_PROCESS,
                f"membershipStartDate {start_day.isoformat()} is after the current membership "
                f"of {program.name} ends ({last_day.isoformat()}): link again once it has ended",
            )
    add_period(program, start_day)  # a period the calendar cannot hold: 2001 now, not later
    number = tier_number(
        program, reference.partner_tier_name if reference else None, required=False
    )
    tier_expires = tier_expiry(
        reference.partner_tier_expiry_date if reference else None, org, "partnerTierExpiryDate"
    )
    relink = PartnerRelink(
        org_id=org.id,
        membership_id=membership.id,
        starts_at=clock.start_of_day(start_day, org.zone),
        membership_number=_membership_number(reference),
        tier_number=number,
        tier_expires_at=tier_expires,
        queued_by=principal.till_id,
        queued_at=clock.now(),
    )
    try:
        with session.begin_nested():
            repository.add_relink(session, relink)
    except IntegrityError:
        raise Conflict(ALREADY_LINKED, f"A relink to {program.name} is already queued") from None
    return _ok(f"Relink to the partner program queued from {start_day.isoformat()}")


def apply_relink(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    program: PartnerProgramDef,
    membership: PartnerMembership,
    relink: PartnerRelink,
    request_id: str,
) -> None:
    """Renew a membership as the new period its claimed relink starts, with
    partnerProgramLinked (the relink's number and tier, when given, replace the current)."""
    now = clock.now()
    start_day = relink.starts_at.astimezone(org.zone).date()
    expires = end_of_day(add_period(program, start_day), org.zone)
    membership.starts_at = relink.starts_at
    membership.expires_at = expires
    membership.remind_at = remind_moment(org, program, expires)
    membership.reminded_at = None
    if relink.membership_number is not None:
        membership.membership_number = relink.membership_number
    if relink.tier_number is not None:
        membership.tier_number = relink.tier_number
    if relink.tier_expires_at is not None:
        membership.tier_expires_at = relink.tier_expires_at
    membership.linked_by = relink.queued_by
    membership.linked_at = now
    membership.updated_at = now
    session.flush()
    record_partner_event(
        session, org, customer, program, "linked", request_id, membership=membership
    )


def link_one(
    session: Session, principal: Principal, customer: Customer, item: LinkProgramIn
) -> dict[str, Any]:
    """Link a customer to one partner program, or queue the relink of a linked supplementary
    membership from a future ``membershipStartDate``."""
    org = principal.org
    program = find_program(org, item.partner_program_name)
    reference = item.customer_partner_reference
    now = clock.now()
    start_text = item.membership_start_date or (
        reference.membership_start_date if reference else None
    )
    today = now.astimezone(org.zone).date()
    linked = repository.find_membership(session, customer.id, program.partner_program_id)
    if linked is not None:
        start = parse_day(start_text, org.zone, "membershipStartDate")
        supplementary = program.type is PartnerProgramType.SUPPLEMENTARY
        if supplementary and start is not None and start > today:
            return _queue_relink(session, principal, linked, program, reference, start)
        raise Conflict(ALREADY_LINKED, f"The customer is already linked to {program.name}")
    number = tier_number(program, reference.partner_tier_name if reference else None, required=True)
    tier_expires = tier_expiry(
        reference.partner_tier_expiry_date if reference else None, org, "partnerTierExpiryDate"
    )
    start_day = parse_day(start_text, org.zone, "membershipStartDate") or today
    expires = (
        end_of_day(add_period(program, start_day), org.zone)
        if program.type is PartnerProgramType.SUPPLEMENTARY
        else None
    )
    _make_room(session, org, customer, program)
    membership = repository.add_membership(
        session,
        PartnerMembership(
            org_id=org.id,
            customer_id=customer.id,
            partner_program_id=program.partner_program_id,
            membership_number=_membership_number(reference),
            tier_number=number,
            tier_expires_at=tier_expires,
            starts_at=clock.start_of_day(start_day, org.zone) if start_day > today else now,
            expires_at=expires,
            remind_at=remind_moment(org, program, expires),
            linked_by=principal.till_id,
            linked_at=now,
            updated_at=now,
        ),
    )
    record_partner_event(
        session, org, customer, program, "linked", current_request_id(), membership=membership
    )
    return _ok("Customer linked to the partner program")


def _linked(session: Session, customer: Customer, program: PartnerProgramDef) -> PartnerMembership:
    membership = repository.find_membership(session, customer.id, program.partner_program_id)
    if membership is None:
        raise NotFound(LINK_FIRST, f"The customer is not linked to {program.name}: link it first")
    return membership


def update_type(value: str | None) -> str:
    """Return an ``updateType`` in capitals (2009 missing or unknown)."""
    wanted = (value or "").strip().upper()
    if wanted not in UPDATE_TYPES:
        raise Invalid(
            BAD_UPDATE_TYPE,
            f"updateType must be UPGRADE, DOWNGRADE, RENEWAL (UPDATE, RENEW) or {RELINK_CANCELLED}",
        )
    return wanted


def renewed_expiry(
    org: OrgConfig, program: PartnerProgramDef, membership: PartnerMembership
) -> dt.datetime | None:
    """Return a supplementary membership's expiry one period on from its current expiry (or
    from today if that has passed)."""
    if program.type is not PartnerProgramType.SUPPLEMENTARY:
        return membership.expires_at
    today = clock.now().astimezone(org.zone).date()
    current = membership.expires_at.astimezone(org.zone).date() if membership.expires_at else today
    return end_of_day(add_period(program, max(current, today)), org.zone)


def _cancel_relink(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    program: PartnerProgramDef,
    membership: PartnerMembership,
) -> dict[str, Any]:
    """Cancel the relink queued for a membership (2001 none is), with partnerProgramUpdated."""
    relink = repository.find_relink(session, membership.id)
    if relink is None or not repository.delete_relink(session, relink.id):
        raise Invalid(CANNOT_PROCESS, "The customer has no pending relink to cancel")
    record_update(session, org, customer, program, membership, RELINK_CANCELLED)
    return _ok("Pending relink cancelled")


def update_one(
    session: Session, principal: Principal, customer: Customer, item: UpdateProgramIn
) -> dict[str, Any]:
    """Apply one program update of a customer."""
    org = principal.org
    program = find_program(org, item.partner_program_name)
    kind = update_type(item.update_type)
    membership = _linked(session, customer, program)
    if kind == RELINK_CANCELLED:
        return _cancel_relink(session, org, customer, program, membership)
    details = item.update_details
    number = tier_number(
        program, details.updated_tier_name if details else None, required=kind in TIER_UPDATES
    )
    tier_expires = tier_expiry(
        details.updated_tier_expiry_date if details else None, org, "updatedTierExpiryDate"
    )
    if number is not None:
        membership.tier_number = number
    if tier_expires is not None:
        membership.tier_expires_at = tier_expires
    if kind in RENEWALS:
        expires = renewed_expiry(org, program, membership)
        if expires != membership.expires_at:
            membership.expires_at = expires
            membership.remind_at = remind_moment(org, program, expires)
            membership.reminded_at = None
    record_update(session, org, customer, program, membership, kind)
    return _ok("Partner program membership updated")


def delink_one(
    session: Session, principal: Principal, customer: Customer, item: DelinkProgramIn
) -> dict[str, Any]:
    """Delink a customer from one partner program."""
    org = principal.org
    program = find_program(org, item.partner_program_name)
    membership = _linked(session, customer, program)
    _delink(session, org, customer, membership, current_request_id())
    return _ok("Customer delinked from the partner program")


def link_customers(session: Session, principal: Principal, body: LinkIn) -> dict[str, Any]:
    """Link each customer to its partner programs; answer item by item."""
    require_count(body.link_customers)
    out = []
    for entry in body.link_customers:
        programs = _each_customer(
            session,
            principal.org,
            entry.customer,
            entry.link_to_partner_programs,
            lambda customer, item: link_one(session, principal, customer, item),
        )
        out.append({"customer": _echo(entry.customer), "linkToPartnerPrograms": programs})
    return {"linkCustomers": out, "warnings": []}


def update_customers(session: Session, principal: Principal, body: UpdateIn) -> dict[str, Any]:
    """Apply each customer's partner program updates; answer item by item."""
    require_count(body.customers_partner_updates)
    out = []
    for entry in body.customers_partner_updates:
        programs = _each_customer(
            session,
            principal.org,
            entry.customer,
            entry.partner_program_updates,
            lambda customer, item: update_one(session, principal, customer, item),
        )
        out.append({"customer": _echo(entry.customer), "partnerProgramUpdates": programs})
    return {"customersPartnerUpdates": out, "warnings": []}


def delink_customers(session: Session, principal: Principal, body: DelinkIn) -> dict[str, Any]:
    """Delink each customer from its partner programs; answer item by item."""
    require_count(body.de_link_customers)
    out = []
    for entry in body.de_link_customers:
        programs = _each_customer(
            session,
            principal.org,
            entry.customer,
            entry.de_link_from_partner_programs,
            lambda customer, item: delink_one(session, principal, customer, item),
        )
        out.append({"customer": _echo(entry.customer), "deLinkFromPartnerPrograms": programs})
    return {"deLinkCustomers": out, "warnings": []}
