"""Updating customer details (names, fields, channels, loyalty type); identifiers only grow.

Every profile of the body changes the customer's profile in the source account it names (the
query's when it names no source); a named account the customer has no profile in is skipped
with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers import hooks, repository
from patron.customers.drafts import prepare_channel, prepare_identifier
from patron.customers.events import (
    CHANNEL_FIELD,
    CUSTOM_FIELD,
    EXTENDED_FIELD,
    IDENTIFIER_FIELD,
    STANDARD_FIELD,
    FieldChange,
    record_customer_updated,
)
from patron.customers.fields import clean_custom_fields, clean_extended_fields
from patron.customers.history import IdentifierChanges, record_identifier_changes
from patron.customers.hooks import Joined
from patron.customers.joining import join, parse_enrolments
from patron.customers.lookup import get_customer
from patron.customers.models import Customer, Profile
from patron.customers.profiles import add_channel, add_identifier, claim, claims_of
from patron.customers.schemas import ProfileIn, UpdateCustomerIn
from patron.customers.sources import SourceAccount, resolve_source_account
from patron.errors import Invalid, NotFound, Notice, PatronError
from patron.kit import clock

NOT_IN_SOURCE = 8065
LOYALTY_DOWNGRADE = 1046
SAME_ACCOUNT_TWICE = 400
# Warnings for a body profile naming a source account the customer has no profile in: the
# document's own codes for WECHAT and WEB_ENGAGE, 8065 (as a warning) for the other sources.
PROFILE_MISSING = {"WECHAT": 91016, "WEB_ENGAGE": 91017}
# Invalid identifier values in an update are dropped with these warnings.
UPDATE_INVALID = {
    "mobile": (8056, "Invalid mobile number"),
    "email": (8055, "Invalid email id"),
    "externalId": (8064, "External id validation failed"),
}


@dataclass
class Update:
    """The outcome of an update."""

    customer_id: int
    warnings: list[Notice] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    # Set when the update made a non-loyalty customer a loyalty one.
    converted: bool = False
    joined: Joined = field(default_factory=Joined)


def _target(principal: Principal, item: ProfileIn, where: SourceAccount) -> SourceAccount:
    """Return the source account a body profile names; one naming no source is the query's."""
    source = (item.source or "").strip() or where.source.value
    account = (item.account_id or "").strip()
    if not account and source.upper() == where.source:
        account = where.account_id
    target = resolve_source_account(principal.org, source, account)
    assert target is not None  # ALL is refused by resolve_source_account here
    return target


def _body_profiles(
    principal: Principal, body: UpdateCustomerIn, where: SourceAccount
) -> list[tuple[SourceAccount, ProfileIn]]:
    """Pair every body profile with its source account, refusing one named twice."""
    out: list[tuple[SourceAccount, ProfileIn]] = []
    for item in body.profiles or []:
        target = _target(principal, item, where)
        if any(target == seen for seen, _ in out):
            raise Invalid(
                SAME_ACCOUNT_TWICE,
                f"Input is invalid: two profiles name the same source account ({target.source}"
                + (f" {target.account_id})" if target.account_id else ")"),
            )
        out.append((target, item))
    return out


def _missing_profile(target: SourceAccount) -> Notice:
    account = f" (account {target.account_id})" if target.account_id else ""
    return Notice(
        PROFILE_MISSING.get(target.source.value, NOT_IN_SOURCE),
        f"{target.source.value} profile is not available for the customer{account}; "
        "its changes were not applied",
    )


def _names(profile: Profile, item: ProfileIn, changes: list[FieldChange]) -> None:
    for label, attr, value in (
        ("firstName", "first_name", item.first_name),
        ("lastName", "last_name", item.last_name),
    ):
        if value is None:
            continue
        value = value.strip()
        if getattr(profile, attr) != value:
            changes.append(
                FieldChange.of_profile(
                    profile, label, getattr(profile, attr), value, STANDARD_FIELD
                )
            )
            setattr(profile, attr, value)


def _custom_fields(principal: Principal, profile: Profile, item: ProfileIn, out: Update) -> None:
    if item.fields is None:
        return
    merged = dict(profile.fields or {})
    for name, value in clean_custom_fields(principal.org, item.fields, out.warnings).items():
        if merged.get(name) != value:
            out.changes.append(
                FieldChange.of_profile(profile, name, merged.get(name), value, CUSTOM_FIELD)
            )
            merged[name] = value
    profile.fields = merged


def _channels(
    session: Session, principal: Principal, profile: Profile, item: ProfileIn, out: Update
) -> None:
    existing = [
        c
        for c in repository.list_channels(session, profile.customer_id)
        if c.profile_id == profile.id
    ]
    for raw in item.comm_channels or []:
        draft = prepare_channel(principal.org, raw, out.warnings)
        if draft is None:
            continue
        current = next(
            (c for c in existing if c.type == draft.type and c.value == draft.value), None
        )
        if draft.primary:
            for other in existing:
                if other.type == draft.type and other is not current and other.is_primary:
                    other.is_primary = False
        if current is None:
            existing.append(add_channel(session, profile, draft))
            out.changes.append(
                FieldChange.of_profile(
                    profile, f"commChannel.{draft.type}", None, draft.value, CHANNEL_FIELD
                )
            )
            continue
        before = (current.is_primary, current.is_verified, current.meta, current.attributes)
        current.is_primary = draft.primary
        current.is_verified = draft.verified
        current.meta = {**(current.meta or {}), **draft.meta}
        current.attributes = {**(current.attributes or {}), **draft.attributes}
        if before != (current.is_primary, current.is_verified, current.meta, current.attributes):
            out.changes.append(
                FieldChange.of_profile(
                    profile, f"commChannel.{draft.type}", draft.value, draft.value, CHANNEL_FIELD
                )
            )


def _identifiers(
    session: Session,
    principal: Principal,
    customer: Customer,
    profile: Profile,
    item: ProfileIn,
    out: Update,
) -> None:
    """Add identifier types the profile lacks; existing identifiers never change here."""
    org = principal.org
    held = [
        i for i in repository.list_identifiers(session, customer.id) if i.profile_id == profile.id
    ]
    filed = IdentifierChanges()
    for raw in item.identifiers or []:
        try:
            draft = prepare_identifier(org, raw, UPDATE_INVALID)
        except Invalid as exc:
            out.warnings.append(exc.notice)
            continue
        if any(i.type == draft.type and i.value == draft.value for i in held):
            continue
        if draft.type != "cardnumber" and any(i.type == draft.type for i in held):
            if draft.type == org.primary_identifier:
                out.warnings.append(
                    Notice(91005, f"{draft.type} is primary identifier and cannot be updated")
                )
            else:
                out.warnings.append(
                    Notice(91006, f"{draft.type} update is not allowed; use changeIdentifier")
                )
            continue
        holders = {
            h.customer_id
            for h in repository.find_identities(session, customer.org_id, draft.claims())
        }
        if holders - {customer.id}:
            out.warnings.append(
                Notice(
                    91007, f"Failed to register. {draft.type} already exists for some other user"
                )
            )
            continue
        try:
            with session.begin_nested():
                hooks.run_card_hooks(session, principal, customer.id, [draft])
                ident = add_identifier(session, profile, draft)
                session.flush()
                claim(session, customer, claims_of(ident))
                session.flush()
        except PatronError as exc:
            out.warnings.append(exc.notice)
            continue
        except IntegrityError:
            out.warnings.append(
                Notice(
                    91007, f"Failed to register. {draft.type} already exists for some other user"
                )
            )
            continue
        held.append(ident)
        filed.added(draft.type, draft.value)
        out.changes.append(
            FieldChange.of_profile(profile, draft.type, None, draft.value, IDENTIFIER_FIELD)
        )
    # The additions to one profile are one change request.
    record_identifier_changes(
        session,
        principal,
        customer.id,
        filed,
        source=profile.source,
        account_id=profile.account_id,
    )


def _loyalty(customer: Customer, body: UpdateCustomerIn, out: Update) -> None:
    wanted = (body.requested_loyalty_type or "").strip().lower()
    if not wanted or wanted == customer.loyalty_type:
        return
    if wanted not in ("loyalty", "non_loyalty"):
        raise Invalid(
            400, f"Input is invalid: loyaltyType must be loyalty or non_loyalty, not {wanted!r}"
        )
    if wanted == "non_loyalty":
        raise Invalid(
            LOYALTY_DOWNGRADE, "Conversion of loyalty customer to non-loyalty is not allowed"
        )
    out.changes.append(FieldChange("loyaltyType", customer.loyalty_type, wanted, STANDARD_FIELD))
    customer.loyalty_type = wanted
    out.converted = True


def _extended(
    principal: Principal, customer: Customer, values: dict[str, Any] | None, out: Update
) -> None:
    if values is None:
        return
    merged = dict(customer.extended_fields or {})
    for name, value in clean_extended_fields(principal.org, values, out.warnings).items():
        if merged.get(name) != value:
            out.changes.append(FieldChange(name, merged.get(name), value, EXTENDED_FIELD))
            merged[name] = value
    customer.extended_fields = merged


def update_customer(
    session: Session,
    principal: Principal,
    customer_id: int,
    where: SourceAccount,
    body: UpdateCustomerIn,
    request_id: str,
) -> Update:
    """Apply an update to the customer and its profiles; write one customerUpdated if anything changed.

    ``where`` is the query's source account: the customer must have a profile there, and body
    profiles naming no source change that one. Every ``updatedFields`` entry of a profile's
    field names the profile's source and account.
    """
    targets = _body_profiles(principal, body, where)
    customer = get_customer(session, principal.org_id, customer_id, lock=True)
    profile = repository.find_profile(session, customer.id, where.source, where.account_id)
    if profile is None:
        raise NotFound(NOT_IN_SOURCE, f"No customer found in the given source ({where.source})")
    out = Update(customer_id=customer.id)
    enrolments = parse_enrolments(body.loyalty_program_enrollments)
    _loyalty(customer, body, out)
    changed: list[Profile] = []
    for target, item in targets:
        found = (
            profile
            if target == where
            else repository.find_profile(session, customer.id, target.source, target.account_id)
        )
        if found is None:
            out.warnings.append(_missing_profile(target))
            continue
        before = len(out.changes)
        _names(found, item, out.changes)
        _custom_fields(principal, found, item, out)
        _channels(session, principal, found, item, out)
        _identifiers(session, principal, customer, found, item, out)
        if len(out.changes) > before:
            changed.append(found)
    _extended(principal, customer, body.extended_fields, out)
    if out.changes:
        now = clock.now()
        customer.updated_at = now
        customer.updated_by = principal.till_id
        # The query's profile is touched by any change, as before; other profiles when theirs.
        for touched in [profile, *(p for p in changed if p is not profile)]:
            touched.updated_at = now
            touched.updated_by = principal.till_id
        record_customer_updated(
            session,
            principal,
            customer,
            profile,
            out.changes,
            activity="CUSTOMER_UPDATE",
            request_id=request_id,
        )
    session.flush()
    if customer.loyalty_type == "loyalty" and (out.converted or enrolments):
        out.joined = join(session, principal, customer.id, enrolments)
        out.warnings.extend(out.joined.warnings)
    return out
