"""Adding and removing identifiers (and cards); an identifier held in another source merges."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers import hooks, repository
from patron.customers.drafts import IdentifierDraft, prepare_identifier
from patron.customers.events import IDENTIFIER_FIELD, FieldChange, record_customer_updated
from patron.customers.history import IdentifierChanges, record_identifier_changes
from patron.customers.lookup import follow_merges
from patron.customers.merge import merge_customers
from patron.customers.models import Customer, Profile
from patron.customers.profiles import add_identifier, claim, claims_of, remove_identifier
from patron.customers.schemas import IdentifierChangeIn
from patron.customers.sources import SourceAccount
from patron.errors import Conflict, Invalid, NotFound, Notice
from patron.kit import clock
from patron.orgs.catalog import Source

INVALID_CUSTOMER = 8009
TAKEN_IN_SOURCE = 8007
ALREADY_IN_SOURCE = 8008
TWO_OWNERS = 8053
ALREADY_MERGED = 8067
NOT_IN_SOURCE = 8065
PRIMARY_REMOVED = 91005
ATTEMPTS = 3
CHANGE_INVALID = {
    "mobile": (8056, "Invalid mobile number"),
    "email": (8055, "Invalid email id"),
    "externalId": (8064, "External id validation failed"),
}


@dataclass
class IdentifierChange:
    """The outcome of a changeIdentifier request."""

    customer_id: int
    warnings: list[Notice] = field(default_factory=list)


def _drafts(
    principal: Principal, body: IdentifierChangeIn
) -> tuple[list[IdentifierDraft], list[IdentifierDraft]]:
    if not body.add and not body.remove:
        raise Invalid(400, "Input is invalid: pass identifiers to add or remove")
    adds = [prepare_identifier(principal.org, item, CHANGE_INVALID) for item in body.add or []]
    removes = [
        prepare_identifier(principal.org, item, CHANGE_INVALID) for item in body.remove or []
    ]
    return adds, removes


def _target(session: Session, org_id: int, customer_id: int) -> Customer:
    customer = repository.get_customer(session, org_id, customer_id)
    if customer is None:
        raise NotFound(INVALID_CUSTOMER, "Unable to identify the customer. Customer id is invalid")
    if customer.merged_into_id is not None:
        survivor = follow_merges(session, org_id, customer)
        raise Conflict(
            ALREADY_MERGED,
            f"Same customer found in other source. The account is already merged with user id {survivor.id}",
        )
    return customer


def _survivor(
    session: Session,
    principal: Principal,
    customer: Customer,
    where: SourceAccount,
    adds: list[IdentifierDraft],
) -> Customer | None:
    """Check the additions and return the other customer they merge this one into, if any."""
    pairs = [a.pair for a in adds]
    for ident in repository.find_in_account(
        session, principal.org_id, where.source, where.account_id, pairs
    ):
        if ident.customer_id == customer.id:
            raise Conflict(
                ALREADY_IN_SOURCE,
                f"The new identifier already exists in the same source: {ident.type} {ident.value}",
            )
        raise Conflict(
            TAKEN_IN_SOURCE,
            f"Unable to update. The identifier is already registered in the same source: {ident.type} {ident.value}",
        )
    claims = [p for a in adds for p in a.claims()]
    owners = {
        h.customer_id for h in repository.find_identities(session, principal.org_id, claims)
    } - {customer.id}
    survivors = {
        follow_merges(
            session,
            principal.org_id,
            repository.get_customer(session, principal.org_id, o) or customer,
        ).id
        for o in owners
    }
    survivors.discard(customer.id)
    if len(survivors) > 1:
        raise Conflict(
            TWO_OWNERS,
            "Each identifier is registered with a different customer in other source. Unable to merge accounts",
        )
    if not survivors:
        return None
    return repository.get_customer(session, principal.org_id, survivors.pop())


def _profile(
    session: Session, principal: Principal, customer: Customer, where: SourceAccount
) -> Profile:
    profile = repository.find_profile(session, customer.id, where.source, where.account_id)
    if profile is not None:
        return profile
    now = clock.now()
    profile = Profile(
        org_id=customer.org_id,
        customer_id=customer.id,
        source=where.source.value,
        account_id=where.account_id,
        first_name="",
        last_name="",
        fields={},
        created_at=now,
        created_by=principal.till_id,
        updated_at=now,
        updated_by=principal.till_id,
    )
    session.add(profile)
    session.flush()
    return profile


def change_identifiers(
    session: Session,
    principal: Principal,
    customer_id: int,
    where: SourceAccount,
    body: IdentifierChangeIn,
    request_id: str,
) -> IdentifierChange:
    """Add and remove identifiers of one source profile; merge when an addition is held elsewhere."""
    adds, removes = _drafts(principal, body)
    for attempt in range(ATTEMPTS):
        try:
            with session.begin_nested():
                return _apply(session, principal, customer_id, where, adds, removes, request_id)
        except _Retry:
            continue
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise Conflict(
                    TAKEN_IN_SOURCE, "Unable to update. The identifier was registered concurrently"
                ) from None
    raise Conflict(ALREADY_MERGED, "The customers changed concurrently; retry the request")


class _Retry(Exception):
    """The customers involved changed between reading and locking them."""


def _apply(
    session: Session,
    principal: Principal,
    customer_id: int,
    where: SourceAccount,
    adds: list[IdentifierDraft],
    removes: list[IdentifierDraft],
    request_id: str,
) -> IdentifierChange:
    customer = _target(session, principal.org_id, customer_id)
    survivor = _survivor(session, principal, customer, where, adds)
    locked = repository.lock_customers(
        session, principal.org_id, {customer.id} | ({survivor.id} if survivor else set())
    )
    customer = locked[customer.id]
    if customer.merged_into_id is not None or (
        survivor is not None and locked[survivor.id].merged_into_id is not None
    ):
        raise _Retry
    if _survivor(session, principal, customer, where, adds) != survivor:
        raise _Retry
    profile = _profile(session, principal, customer, where)
    changes: list[FieldChange] = []
    # One call is one change request, whatever it adds and removes.
    filed = IdentifierChanges()
    held = [
        i for i in repository.list_identifiers(session, customer.id) if i.profile_id == profile.id
    ]
    for draft in removes:
        ident = next((i for i in held if (i.type, i.value) == draft.pair), None)
        if ident is None:
            raise NotFound(
                NOT_IN_SOURCE,
                f"No customer found in the given source with the given identifier: {draft.type} {draft.value}",
            )
        remove_identifier(session, ident)
        held.remove(ident)
        changes.append(
            FieldChange.of_profile(profile, draft.type, draft.value, None, IDENTIFIER_FIELD)
        )
        filed.removed(draft.type, draft.value)
    hooks.run_card_hooks(session, principal, customer.id, [], removes)
    hooks.run_card_hooks(session, principal, (survivor or customer).id, adds)
    for draft in adds:
        ident = add_identifier(session, profile, draft)
        session.flush()
        if survivor is None:
            claim(session, customer, claims_of(ident))
        changes.append(
            FieldChange.of_profile(profile, draft.type, None, draft.value, IDENTIFIER_FIELD)
        )
        filed.added(draft.type, draft.value)
    _keep_required(
        principal,
        customer,
        profile,
        [i.type for i in held] + [a.type for a in adds],
        removes,
        survivor,
    )
    record_identifier_changes(
        session,
        principal,
        customer.id,
        filed,
        source=profile.source,
        account_id=profile.account_id,
    )
    warnings: list[Notice] = []
    final = customer
    activity = "IDENTIFIER_CHANGE"
    if survivor is not None:
        final = locked[survivor.id]
        merge_customers(session, principal, customer, final)
        claim(session, final, [p for a in adds for p in a.claims()])
        warnings.append(
            Notice(
                8051,
                f"Same identifier found in other source. Merging into the account with user id {final.id}",
            )
        )
        activity = "MERGE"
    final_profile = repository.find_profile(session, final.id, where.source, where.account_id)
    final.updated_at = clock.now()
    final.updated_by = principal.till_id
    record_customer_updated(
        session, principal, final, final_profile, changes, activity=activity, request_id=request_id
    )
    session.flush()
    return IdentifierChange(customer_id=final.id, warnings=warnings)


def _keep_required(
    principal: Principal,
    customer: Customer,
    profile: Profile,
    kept: list[str],
    removes: list[IdentifierDraft],
    survivor: Customer | None,
) -> None:
    """Refuse a removal that leaves a loyalty profile without any identifier its source needs.

    ``kept`` are the identifier types the profile holds after the change. The rule is the one
    registration applies: one of the source's ``requiredIdentifiers`` (see the org file).
    """
    if not removes or customer.loyalty_type != "loyalty" or survivor is not None:
        return
    required = principal.org.required_identifiers(Source(profile.source))
    if not set(kept).intersection(required):
        raise Invalid(
            PRIMARY_REMOVED,
            f"{' or '.join(required)} is a required identifier of the {profile.source} profile "
            "and cannot be removed without a replacement",
        )
