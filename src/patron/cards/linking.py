"""Linking cards to customers through their ``cardnumber`` identifiers.

The customers domain calls ``link_cards`` (a card hook) when registration, bulk registration,
``changeIdentifier`` or a profile update adds or removes ``cardnumber`` identifiers. A card
identifier names its series by ``seriesId`` (generated series) or ``seriesCode`` (external
series); one that names none is linked when its number is a known card, and is otherwise kept
as a plain identifier, as before series existed (its ``statusLabel`` must still be a label of
the org). Linking locks the card's row, so two customers linking one card are served one
after the other and the second is refused (3027).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.cards import repository
from patron.cards.expiry import expiry_moment
from patron.cards.labels import INVALID_LABEL, Label, default_label, require_label
from patron.cards.models import Card, CardStatusChange
from patron.cards.series import INVALID_SERIES, StoredSeries, find_series, list_series
from patron.cards.service import (
    EXTERNAL_ID_EXISTS,
    NO_SUCH_CARD,
    card_number,
    external_id,
    generate,
    log_change,
    new_card,
    prepare_writes,
)
from patron.customers import repository as customers_repository
from patron.customers.drafts import IdentifierDraft
from patron.customers.hooks import Enrolment, Joined
from patron.customers.profiles import add_identifier, claim
from patron.errors import Conflict, Invalid
from patron.kit import clock
from patron.kit.blobs import BlobStore
from patron.orgs.cards import CardStatus, CardTrigger
from patron.orgs.service import load_org_config

CARD = "cardnumber"
NOT_LINKABLE = 3027
CANNOT_UNLINK = 3031
SERIES_LIMIT = 3036
REQUEST_LIMIT = 3039
LINKED = (CardStatus.ISSUED, CardStatus.ACTIVE)
S = CardStatus


def _series_of(
    session: Session, principal: Principal, attrs: dict[str, Any]
) -> StoredSeries | None:
    series_id = attrs.get("seriesId")
    code = attrs.get("seriesCode")
    if series_id is None and not code:
        return None
    found = find_series(session, principal.org, series_id=series_id, code=code)
    if found is None:
        named = series_id if series_id is not None else code
        raise Invalid(INVALID_SERIES, f"Invalid card series: {named}")
    return found


def _link_label(session: Session, principal: Principal, text: Any) -> Label:
    if text is None or not str(text).strip():
        return default_label(session, principal.org, S.ACTIVE)
    label = require_label(session, principal.org, str(text))
    if label.status not in LINKED:
        raise Invalid(
            INVALID_LABEL,
            f"Card status label {label.label} is {label.status}: a card is linked ISSUED or ACTIVE",
        )
    return label


def _card_series(session: Session, principal: Principal, card: Card) -> StoredSeries:
    found = find_series(session, principal.org, series_id=card.series_id)
    assert found is not None
    return found


def _check_limit(
    session: Session,
    principal: Principal,
    customer_id: int,
    series: StoredSeries,
    pending: Counter[int],
) -> None:
    limit = series.definition.max_active_cards_per_customer
    # Cards this request linked already are counted in ``held``.
    held = repository.count_held(session, principal.org_id, customer_id, series.id)
    if held >= limit and held - pending[series.id] >= limit:
        raise Conflict(
            SERIES_LIMIT,
            f"The customer holds {held} cards of series {series.code}, its maximum",
        )
    if held >= limit:
        raise Invalid(
            REQUEST_LIMIT,
            f"More cards of series {series.code} than its maximum of {limit} per customer",
        )
    pending[series.id] += 1


def _issue(
    session: Session,
    principal: Principal,
    customer_id: int,
    card: Card,
    series: StoredSeries,
    label: Label,
    draft: IdentifierDraft | None,
) -> None:
    attrs = (draft.attrs or {}) if draft else {}
    card.customer_id = customer_id
    card.status = label.status.value
    card.label = label.label
    card.issued_at = clock.now()
    card.expires_at = expiry_moment(series.definition, card.issued_at)
    card.updated_at = card.issued_at
    if attrs.get("extendedFields"):
        card.extended_fields = {**(card.extended_fields or {}), **attrs["extendedFields"]}
    if attrs.get("customFields"):
        card.custom_fields = {**(card.custom_fields or {}), **attrs["customFields"]}
    wanted = external_id(attrs.get("cardExternalId"))
    if wanted and card.external_id != wanted:
        if card.external_id or repository.external_id_taken(session, principal.org_id, wanted):
            raise Conflict(EXTERNAL_ID_EXISTS, f"Card external id {wanted} already exists")
        card.external_id = wanted
    session.flush()
    log_change(session, principal, card)


def _canonical(draft: IdentifierDraft, series: StoredSeries, card: Card) -> None:
    attrs = dict(draft.attrs or {})
    attrs.update(seriesId=series.id, seriesCode=series.code, statusLabel=card.label)
    draft.attrs = attrs


def _link(
    session: Session,
    principal: Principal,
    customer_id: int,
    draft: IdentifierDraft,
    pending: Counter[int],
) -> None:
    attrs = draft.attrs or {}
    number = card_number(draft.value)
    series = _series_of(session, principal, attrs)
    card = repository.find_card(session, principal.org_id, number, lock=True)
    if card is None and series is None:
        # A card no series knows: a plain identifier, its label one of the org's.
        if attrs.get("statusLabel"):
            label = require_label(session, principal.org, str(attrs["statusLabel"]))
            draft.attrs = {**attrs, "statusLabel": label.label}
        return
    label = _link_label(session, principal, attrs.get("statusLabel"))
    if card is None:
        assert series is not None
        if series.is_generated:
            raise Invalid(
                NO_SUCH_CARD, f"Card number {number} does not exist in series {series.code}"
            )
        card = new_card(
            session,
            principal,
            series,
            number,
            default_label(session, principal.org, S.NOT_ISSUED),
            card_external_id=external_id(attrs.get("cardExternalId")),
        )
    elif series is not None and card.series_id != series.id:
        raise Invalid(INVALID_SERIES, f"Card {number} is not a card of series {series.code}")
    series = series or _card_series(session, principal, card)
    if card.customer_id == customer_id:
        _canonical(draft, series, card)
        return
    if card.customer_id is not None:
        raise Conflict(NOT_LINKABLE, f"Card {number} is linked to another customer")
    if card.status != S.NOT_ISSUED:
        raise Conflict(NOT_LINKABLE, f"Card {number} is {card.status}, not NOT_ISSUED")
    _check_limit(session, principal, customer_id, series, pending)
    _issue(session, principal, customer_id, card, series, label, draft)
    _canonical(draft, series, card)


def _unlink(
    session: Session, principal: Principal, customer_id: int, draft: IdentifierDraft
) -> None:
    attrs = draft.attrs or {}
    card = repository.find_card(session, principal.org_id, draft.value, lock=True)
    if card is None:
        return
    if card.customer_id != customer_id:
        raise Invalid(CANNOT_UNLINK, f"Card {card.number} is not linked to this customer")
    text = attrs.get("statusLabel")
    label = (
        require_label(session, principal.org, str(text))
        if text
        else default_label(session, principal.org, S.NOT_ISSUED)
    )
    if label.status is not S.NOT_ISSUED:
        raise Invalid(
            CANNOT_UNLINK, f"Card status label {label.label} is not NOT_ISSUED: cannot unlink"
        )
    if card.status in (S.EXPIRED, S.DELETED):
        raise Invalid(CANNOT_UNLINK, f"Card {card.number} is {card.status}: cannot unlink")
    card.customer_id = None
    card.status = S.NOT_ISSUED.value
    card.label = label.label
    card.issued_at = None
    card.expires_at = None
    card.updated_at = clock.now()
    session.flush()
    log_change(session, principal, card)


def link_cards(
    session: Session,
    principal: Principal,
    customer_id: int,
    adds: Sequence[IdentifierDraft],
    removes: Sequence[IdentifierDraft],
) -> None:
    """Link the cards ``adds`` name to the customer and unlink those ``removes`` name."""
    adding = [d for d in adds if d.type == CARD]
    removing = [d for d in removes if d.type == CARD]
    if not adding and not removing:
        return
    prepare_writes(session, principal.org)
    for draft in removing:
        _unlink(session, principal, customer_id, draft)
    pending: Counter[int] = Counter()
    for draft in adding:
        _link(session, principal, customer_id, draft, pending)
    session.flush()


def issue_registration_cards(
    session: Session, principal: Principal, customer_id: int, _: Sequence[Enrolment]
) -> Joined:
    """Issue a generated ACTIVE card of every REGISTRATION series the customer has none of,
    and add it to the customer's first profile as a ``cardnumber`` identifier."""
    org = principal.org
    if not any(s.definition.trigger is CardTrigger.REGISTRATION for s in list_series(session, org)):
        return Joined()
    prepare_writes(session, org)
    held = {c.series_id for c in repository.customer_cards(session, org.id, customer_id)}
    profiles = customers_repository.list_profiles(session, customer_id)
    customer = customers_repository.get_customer(session, org.id, customer_id)
    for series in list_series(session, org):
        definition = series.definition
        if definition.trigger is not CardTrigger.REGISTRATION or series.id in held:
            continue
        not_issued = default_label(session, org, S.NOT_ISSUED)
        (number,) = generate(session, principal, series, 1, not_issued)
        card = repository.find_card(session, org.id, number, lock=True)
        assert card is not None
        active = default_label(session, org, S.ACTIVE)
        _issue(session, principal, customer_id, card, series, active, None)
        if profiles and customer is not None:
            attrs = {"seriesId": series.id, "seriesCode": series.code, "statusLabel": card.label}
            ident = add_identifier(
                session, profiles[0], IdentifierDraft(type=CARD, value=number, attrs=attrs)
            )
            session.flush()
            claim(session, customer, [(ident.type, ident.value)])
    session.flush()
    return Joined()


def move_cards(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    """Give the survivor of a merge the victim's cards."""
    session.execute(
        update(Card)
        .where(Card.org_id == org_id, Card.customer_id == victim_id)
        .values(customer_id=survivor_id, updated_at=clock.now())
    )


def delete_cards(session: Session, org_id: int, customer_id: int, _: BlobStore) -> None:
    """Mark a scrubbed customer's cards DELETED (never to be linked again) and drop their
    card fields, which may hold personal data."""
    cards = repository.customer_cards(session, org_id, customer_id)
    org = load_org_config(session, org_id) if cards else None
    if org is None:
        return
    label = default_label(session, org, S.DELETED)
    now = clock.now()
    for item in cards:
        item.custom_fields = {}
        item.extended_fields = {}
        item.updated_at = now
        if item.status == S.DELETED:
            continue
        item.status = S.DELETED.value
        item.label = label.label
        item.expires_at = None
        session.add(
            CardStatusChange(
                org_id=org_id,
                card_id=item.id,
                status=item.status,
                label=item.label,
                reason="customer deleted",
                customer_id=customer_id,
                created_by=None,
                created_at=now,
            )
        )
    session.flush()
