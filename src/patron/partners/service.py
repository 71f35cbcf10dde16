"""Rules of linking customers to partner programs, updating and delinking them.

A call names up to 50 customers (2008 beyond); each program item of each customer is answered
with its own ``partnerLinkStatus``, so one item's failure never undoes another's change. Each
customer is locked while its items are applied, so two calls about one customer wait for each
other. Every change writes its event in the same unit of work.

A link with a future ``membershipStartDate`` for a customer already linked to that
supplementary program queues a relink (one per membership; a second is refused with 2005 until
``MEMBERSHIP_RELINKING_CANCELLED`` cancels the first); the partner sweep applies it at its start
(``patron.partners.relinks``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.lookup import get_customer
from patron.customers.models import Customer
from patron.errors import Conflict, Invalid, NotFound, PatronError
from patron.kit import clock
from patron.kit.context import current_request_id
from patron.loyalty.redemptions.inputs import identify
from patron.orgs.config import OrgConfig
from patron.orgs.partners import PartnerProgramDef, PartnerProgramType
from patron.partners import repository
from patron.partners.events import record_partner_event, record_update
from patron.partners.models import PartnerMembership
from patron.partners.periods import (
    add_period,
    end_of_day,
    parse_day,
    remind_moment,
    tier_expiry,
    tier_number,
)
from patron.partners.relinks import (
    ALREADY_LINKED,
    RELINK_CANCELLED,
    cancel_relink,
    membership_number,
    queue_relink,
)
from patron.partners.schemas import (
    CustomerIn,
    DelinkIn,
    DelinkProgramIn,
    LinkIn,
    LinkProgramIn,
    UpdateIn,
    UpdateProgramIn,
)
from patron.partners.views import partner_program

EMPTY_NAME = 2002
LINK_FIRST = 2004
PROGRAM_NOT_FOUND = 2006
TOO_MANY_CUSTOMERS = 2008
BAD_UPDATE_TYPE = 2009
INVALID_IDENTIFIER = 8013
MAX_CUSTOMERS = 50
SUCCESS = 200

# Update types: the samples' spelling and the one error 2009 names, both accepted.
TIER_UPDATES = frozenset({"UPGRADE", "DOWNGRADE", "UPDATE"})
RENEWALS = frozenset({"RENEWAL", "RENEW"})
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
            return _ok(queue_relink(session, principal, linked, program, reference, start))
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
            membership_number=membership_number(reference),
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


def update_one(
    session: Session, principal: Principal, customer: Customer, item: UpdateProgramIn
) -> dict[str, Any]:
    """Apply one program update of a customer."""
    org = principal.org
    program = find_program(org, item.partner_program_name)
    kind = update_type(item.update_type)
    membership = _linked(session, customer, program)
    if kind == RELINK_CANCELLED:
        cancel_relink(session, org, customer, program, membership)
        return _ok("Pending relink cancelled")
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
