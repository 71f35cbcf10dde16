"""Registering customers: identity resolution across sources, written with its event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers import hooks, repository
from patron.customers.drafts import ProfileDraft, prepare_profile
from patron.customers.events import profile_event_data
from patron.customers.fields import clean_extended_fields
from patron.customers.hooks import Joined, run_referral_hooks
from patron.customers.identifiers import PRIMARY_CANDIDATES
from patron.customers.joining import join, parse_enrolments
from patron.customers.models import Customer, Identifier, Identity, Profile
from patron.customers.profiles import add_channel, add_identifier
from patron.customers.schemas import RegisterCustomerIn
from patron.customers.sources import SourceAccount, resolve_source_account
from patron.errors import Conflict, Invalid, Notice
from patron.events.catalogue import EventName
from patron.events.outbox import record_event
from patron.kit import clock
from patron.orgs.config import OrgConfig

LOYALTY_TYPES = ("loyalty", "non_loyalty")
COMBINED_WARNING = Notice(8050, "Same Customer found in other sources,Combining")
NO_DEFAULT_LABEL = Notice(8107, "No default status label is set for the org")
ATTEMPTS = 3
NO_PROFILE = 1015
MISSING_REQUIRED = 1007
MAX_ASSOCIATED_WITH = 100

TAKEN_IN_SOURCE = {
    "mobile": (1032, "A customer already exists with the same mobile number"),
    "externalId": (1033, "A customer already exists with the same external id"),
    "email": (1016, "Unable to register. Email provided already exists for some other user"),
}


@dataclass
class Registration:
    """The outcome of a registration."""

    customer_id: int
    warnings: list[Notice] = field(default_factory=list)
    combined: bool = False
    # What a new customer was written with, so its event needs no read-back.
    written: tuple[Customer, list[Profile], list[Identifier]] | None = None
    is_loyalty: bool = False
    # What joining loyalty gave the customer (points, tier).
    joined: Joined = field(default_factory=Joined)


def _loyalty_type(body: RegisterCustomerIn) -> str:
    value = (body.requested_loyalty_type or "").strip().lower()
    if not value:
        raise Invalid(400, "Input is invalid: loyaltyInfo.loyaltyType is required")
    if value not in LOYALTY_TYPES:
        raise Invalid(
            400, f"Input is invalid: loyaltyType must be loyalty or non_loyalty, not {value!r}"
        )
    return value


def _create_date(text: str | None) -> dt.datetime:
    now = clock.now()
    if not text:
        return now
    try:
        moment = clock.parse_datetime(text)
    except ValueError:
        raise Invalid(400, f"Input is invalid: createDate {text!r} is not a date-time") from None
    if moment > now + dt.timedelta(days=1):
        raise Invalid(
            1034,
            "Unable to register. Registration date is not within the allowed past or future date limit",
        )
    return moment


def _check_required(org: OrgConfig, loyalty_type: str, drafts: list[ProfileDraft]) -> None:
    """Refuse a loyalty profile without one of its source's required identifiers (1007).

    A non-loyalty customer needs a mobile, email or external id in any of its profiles (1045).
    """
    if loyalty_type == "non_loyalty":
        types = {i.type for d in drafts for i in d.identifiers}
        if not types.intersection(PRIMARY_CANDIDATES):
            raise Invalid(
                1045,
                "No valid identifier (mobile/email/external id) passed for non-loyalty customer",
            )
        return
    for draft in drafts:
        source = draft.where.source
        required = org.required_identifiers(source)
        if not {i.type for i in draft.identifiers}.intersection(required):
            raise Invalid(
                MISSING_REQUIRED,
                "Unable to register customer. No valid primary identifier passed: "
                f"the {source} profile needs {' or '.join(required)}",
            )


def _associated_with(body: RegisterCustomerIn) -> str | None:
    text = (body.associated_with or "").strip()
    if len(text) > MAX_ASSOCIATED_WITH:
        raise Invalid(
            400,
            f"Input is invalid: associatedWith is longer than {MAX_ASSOCIATED_WITH} characters",
        )
    return text or None


def _query_source(
    org: OrgConfig, source: str | None, account_id: str | None
) -> SourceAccount | None:
    """Resolve the legacy ``?source=&accountId=`` of a registration, when it names a source."""
    if source is None or not source.strip():
        return None
    return resolve_source_account(org, source, account_id)


def register_customer(
    session: Session,
    principal: Principal,
    body: RegisterCustomerIn,
    request_id: str,
    *,
    source: str | None = None,
    account_id: str | None = None,
) -> Registration:
    """Register a customer, or add new source profiles to the customer who holds the identifiers.

    ``source`` and ``accountId`` (the legacy query form) apply to profiles that name no source.
    """
    org = principal.org
    loyalty_type = _loyalty_type(body)
    default_source = _query_source(org, source, account_id)
    enrolments = parse_enrolments(body.loyalty_program_enrollments)
    if not body.profiles:
        raise Invalid(NO_PROFILE, "No identifier provided: profiles with identifiers are required")
    warnings: list[Notice] = []
    drafts = [
        prepare_profile(org, p, warnings, default_source=default_source) for p in body.profiles
    ]
    associated_with = _associated_with(body)
    referral_code = (body.referral_code or "").strip()
    places = [d.where for d in drafts]
    if len(set(places)) != len(places):
        raise Invalid(400, "Input is invalid: two profiles name the same source account")
    _check_required(org, loyalty_type, drafts)
    extended = clean_extended_fields(org, body.extended_fields, warnings)
    created_at = _create_date(body.create_date)
    if org.default_label is None:
        warnings.append(NO_DEFAULT_LABEL)
    for attempt in range(ATTEMPTS):
        try:
            with session.begin_nested():
                outcome = _write(
                    session, principal, drafts, loyalty_type, extended, created_at, associated_with
                )
                _record_added(session, principal, outcome, request_id)
                if outcome.is_loyalty:
                    outcome.joined = join(session, principal, outcome.customer_id, enrolments)
                if referral_code and not outcome.combined:
                    referred = run_referral_hooks(
                        session, principal, outcome.customer_id, referral_code
                    )
                    outcome.joined.side_effects.extend(referred.side_effects)
                    outcome.joined.raw_side_effects.extend(referred.raw_side_effects)
                    outcome.joined.warnings.extend(referred.warnings)
        except IntegrityError:
            # A concurrent writer claimed one of our identifiers first; look again.
            if attempt == ATTEMPTS - 1:
                raise Conflict(
                    1014, "Customer is registered already (concurrent registration)"
                ) from None
            continue
        if outcome.combined:
            warnings.insert(0, COMBINED_WARNING)
        outcome.warnings = warnings + outcome.joined.warnings
        return outcome
    raise AssertionError("unreachable")


def _write(
    session: Session,
    principal: Principal,
    drafts: list[ProfileDraft],
    loyalty_type: str,
    extended: dict[str, object],
    created_at: dt.datetime,
    associated_with: str | None,
) -> Registration:
    org_id = principal.org_id
    _refuse_taken(session, org_id, drafts)
    all_pairs = {pair for d in drafts for pair in d.claims()}
    holders = repository.find_identities(session, org_id, all_pairs)
    owners = {h.customer_id for h in holders}
    if len(owners) > 1:
        raise Conflict(
            8053,
            "Each identifier is registered with a different customer in other source. Unable to merge accounts",
        )
    now = clock.now()
    if owners:
        customer = repository.lock_customer(session, org_id, owners.pop())
        assert customer is not None
        combined = True
        # A registration that committed since the first check is visible now: look again.
        _refuse_taken(session, org_id, drafts)
    else:
        customer = Customer(
            org_id=org_id,
            loyalty_type=loyalty_type,
            status_label=org_label(principal),
            extended_fields=extended,
            associated_with=associated_with,
            created_at=created_at,
            created_by=principal.till_id,
            updated_at=now,
            updated_by=principal.till_id,
        )
        session.add(customer)
        session.flush()
        combined = False
    # Cards are checked and linked before any identifier is written: the card's row lock
    # orders two customers linking one card.
    hooks.run_card_hooks(
        session, principal, customer.id, [i for d in drafts for i in d.identifiers]
    )
    held = {(h.type, h.value) for h in holders}
    profiles: list[Profile] = []
    identifiers: list[Identifier] = []
    for draft in drafts:
        if combined and repository.find_profile(
            session, customer.id, draft.where.source, draft.where.account_id
        ):
            raise Conflict(
                8066,
                f"Unable to combine,User id already used in same source ({draft.where.source})",
            )
        profile = _add_profile(session, principal, customer, draft, created_at, identifiers)
        profiles.append(profile)
    for pair in sorted(all_pairs - held):
        session.add(Identity(org_id=org_id, type=pair[0], value=pair[1], customer_id=customer.id))
    session.flush()
    written = None if combined else (customer, profiles, identifiers)
    return Registration(
        customer_id=customer.id,
        combined=combined,
        written=written,
        is_loyalty=customer.loyalty_type == "loyalty",
    )


def _refuse_taken(session: Session, org_id: int, drafts: list[ProfileDraft]) -> None:
    """Refuse identifiers already registered in the same source account."""
    for draft in drafts:
        pairs = [i.pair for i in draft.identifiers]
        where = draft.where
        taken = repository.find_in_account(session, org_id, where.source, where.account_id, pairs)
        if taken:
            first = min(taken, key=lambda t: (t.type not in TAKEN_IN_SOURCE, t.id))
            code, message = TAKEN_IN_SOURCE.get(
                first.type, (1014, "Customer is registered already")
            )
            raise Conflict(code, f"{message} in source {where.source}")


def org_label(principal: Principal) -> str | None:
    """Return the label new customers of the org get."""
    label = principal.org.default_label
    return label.label if label else None


def _add_profile(
    session: Session,
    principal: Principal,
    customer: Customer,
    draft: ProfileDraft,
    created_at: dt.datetime,
    identifiers: list[Identifier],
) -> Profile:
    now = clock.now()
    profile = Profile(
        org_id=customer.org_id,
        customer_id=customer.id,
        source=draft.where.source.value,
        account_id=draft.where.account_id,
        first_name=draft.first_name or "",
        last_name=draft.last_name or "",
        fields=draft.fields or {},
        created_at=created_at,
        created_by=principal.till_id,
        updated_at=now,
        updated_by=principal.till_id,
    )
    session.add(profile)
    session.flush()
    for ident in draft.identifiers:
        identifiers.append(add_identifier(session, profile, ident))
    for channel in draft.channels:
        add_channel(session, profile, channel)
    return profile


def _record_added(
    session: Session, principal: Principal, outcome: Registration, request_id: str
) -> None:
    if outcome.written is not None:
        customer, profiles, identifiers = outcome.written
    else:
        found = repository.get_customer(session, principal.org_id, outcome.customer_id)
        assert found is not None
        customer = found
        profiles = repository.list_profiles(session, customer.id)
        identifiers = repository.list_identifiers(session, customer.id)
    newest = max(profiles, key=lambda p: p.id)
    data = profile_event_data(principal, customer, newest, profiles, identifiers)
    record_event(
        session,
        org_id=principal.org_id,
        name=EventName.CUSTOMER_ADDED,
        entity_id=customer.id,
        data=data,
        api_request_id=request_id,
    )
