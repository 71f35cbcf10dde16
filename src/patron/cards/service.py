"""Rules of cards: adding and generating them, changing their status, reading their log.

A card is NOT_ISSUED exactly while it is linked to no customer; linking (``linking``) issues
it. The statuses a card may move to through ``PUT /v2/card`` are ``TRANSITIONS``: SUSPENDED can
be reactivated, EXPIRED is terminal and DELETED allows nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.cards import repository
from patron.cards.labels import (
    INVALID_LABEL,
    Label,
    default_label,
    org_labels,
    require_label,
    store_file_labels,
)
from patron.cards.models import Card, CardStatusChange
from patron.cards.schemas import AddCardIn, CardStatusIn, GenerateIn
from patron.cards.series import (
    StoredSeries,
    lock_series,
    require_series,
    store_file_series,
)
from patron.errors import Conflict, Invalid, NotFound
from patron.kit import clock
from patron.orgs.cards import CardStatus
from patron.orgs.config import OrgConfig

NUMBER_EXISTS = 3009
NO_SUCH_CARD = 3010
SAME_STATUS = 3012
INVALID_NUMBER = 3013
NOT_ISSUED_LABEL = 3018
INVALID_COUNT = 3025
TOO_MANY = 3026
NOT_ALLOWED = 3038
EXTERNAL_ID_EXISTS = 3045
MAX_COUNT = 100_000
MAX_NUMBER_LENGTH = 100
MAX_EXTERNAL_ID_LENGTH = 255
MAX_REASON_LENGTH = 500

S = CardStatus
# What ``PUT /v2/card`` may move a card to from each status. A NOT_ISSUED card is issued by
# linking it to a customer and goes back by unlinking it (``changeIdentifier``), never here.
TRANSITIONS: dict[CardStatus, frozenset[CardStatus]] = {
    S.NOT_ISSUED: frozenset(),
    S.ISSUED: frozenset({S.ACTIVE, S.SUSPENDED, S.EXPIRED, S.DELETED}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.EXPIRED, S.DELETED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.EXPIRED, S.DELETED}),
    S.EXPIRED: frozenset(),
    S.DELETED: frozenset(),
}


def prepare_writes(session: Session, org: OrgConfig) -> None:
    """Store the org file's series and labels (so they have ids) before a cards write."""
    store_file_series(session, org)
    store_file_labels(session, org)


def card_number(value: str | None) -> str:
    """Return a card number trimmed, or refuse it with 3013 (empty or too long)."""
    text = (value or "").strip()
    if not text or len(text) > MAX_NUMBER_LENGTH or not text.isprintable():
        raise Invalid(
            INVALID_NUMBER,
            f"Invalid card number: 1 to {MAX_NUMBER_LENGTH} printable characters are required",
        )
    return text


def external_id(value: str | None) -> str | None:
    """Return a card external id trimmed (None when empty), refusing an overlong one (3013)."""
    text = (value or "").strip()
    if len(text) > MAX_EXTERNAL_ID_LENGTH or not text.isprintable():
        raise Invalid(
            INVALID_NUMBER,
            f"Invalid cardExternalId: at most {MAX_EXTERNAL_ID_LENGTH} printable characters",
        )
    return text or None


def not_issued_label(session: Session, org: OrgConfig, text: str | None) -> Label:
    """Return the label a new unlinked card gets: ``text`` (3017 unknown, 3018 not a
    NOT_ISSUED label) or the NOT_ISSUED default."""
    if text is None or not text.strip():
        return default_label(session, org, S.NOT_ISSUED)
    label = require_label(session, org, text)
    if label.status is not S.NOT_ISSUED:
        raise Invalid(
            NOT_ISSUED_LABEL, f"Card status label {label.label} does not map to NOT_ISSUED"
        )
    return label


def log_change(
    session: Session, principal: Principal, card: Card, reason: str = ""
) -> CardStatusChange:
    """Record the status the card has now."""
    change = CardStatusChange(
        org_id=card.org_id,
        card_id=card.id,
        status=card.status,
        label=card.label,
        reason=reason,
        customer_id=card.customer_id,
        created_by=principal.till_id,
        created_at=clock.now(),
    )
    session.add(change)
    return change


def new_card(
    session: Session,
    principal: Principal,
    series: StoredSeries,
    number: str,
    label: Label,
    *,
    card_external_id: str | None = None,
    custom_fields: Mapping[str, Any] | None = None,
    extended_fields: Mapping[str, Any] | None = None,
) -> Card:
    """Store a card of a series (3009 number taken, 3045 external id taken)."""
    org_id = principal.org_id
    if repository.find_card(session, org_id, number) is not None:
        raise Conflict(NUMBER_EXISTS, f"Card number {number} already exists")
    if card_external_id and repository.external_id_taken(session, org_id, card_external_id):
        raise Conflict(EXTERNAL_ID_EXISTS, f"Card external id {card_external_id} already exists")
    now = clock.now()
    card = Card(
        org_id=org_id,
        series_id=series.id,
        number=number,
        external_id=card_external_id,
        status=label.status.value,
        label=label.label,
        custom_fields=dict(custom_fields or {}),
        extended_fields=dict(extended_fields or {}),
        created_by=principal.till_id,
        created_at=now,
        updated_at=now,
    )
    session.add(card)
    session.flush()
    log_change(session, principal, card)
    return card


def add_card(session: Session, principal: Principal, body: AddCardIn) -> int:
    """Add a card with a number of the caller's to a series; return its id."""
    org = principal.org
    prepare_writes(session, org)
    series = require_series(session, org, series_id=body.series_id, code=body.series_code)
    number = card_number(body.card_number)
    if body.status_label is None or not body.status_label.strip():
        raise Invalid(INVALID_LABEL, "Invalid card status label: statusLabel is required")
    label = not_issued_label(session, org, body.status_label)
    try:
        with session.begin_nested():
            card = new_card(
                session,
                principal,
                series,
                number,
                label,
                card_external_id=external_id(body.card_external_id),
                custom_fields=body.custom_fields,
                extended_fields=body.extended_fields,
            )
    except IntegrityError:
        raise Conflict(NUMBER_EXISTS, f"Card number {number} already exists") from None
    return card.id


def _count(value: int | None) -> int:
    if value is None or value < 1:
        raise Invalid(INVALID_COUNT, "Invalid count: a count from 1 to 100000 is required")
    if value > MAX_COUNT:
        raise Invalid(TOO_MANY, f"Invalid count: at most {MAX_COUNT} cards at a time")
    return value


def generate_cards(session: Session, principal: Principal, body: GenerateIn) -> list[str]:
    """Generate ``count`` NOT_ISSUED cards of a generated series; return their numbers.

    Numbers are the series' prefix, its counter zero-padded to the series' length, and its
    suffix; numbers already taken (added by hand) are skipped.
    """
    org = principal.org
    count = _count(body.count)
    prepare_writes(session, org)
    series = require_series(session, org, series_id=body.series_id, code=body.series_code)
    generation = series.definition.generation
    if generation is None:
        raise Invalid(3000, f"Invalid card series: {series.code} is not a generated series")
    label = not_issued_label(session, org, body.status_label)
    return generate(session, principal, series, count, label)


def generate(
    session: Session, principal: Principal, series: StoredSeries, count: int, label: Label
) -> list[str]:
    """Generate ``count`` cards of a generated series with ``label``; return their numbers."""
    generation = series.definition.generation
    assert generation is not None
    row = lock_series(session, series)
    digits = generation.length - len(generation.prefix) - len(generation.suffix)
    last = 10**digits - 1
    numbers: list[str] = []
    counter = row.next_number
    while len(numbers) < count:
        if counter + (count - len(numbers)) - 1 > last:
            raise Invalid(
                TOO_MANY, f"Card series {series.code} has fewer than {count} numbers left"
            )
        batch = [
            f"{generation.prefix}{n:0{digits}d}{generation.suffix}"
            for n in range(counter, counter + count - len(numbers))
        ]
        counter += len(batch)
        taken = repository.existing_numbers(session, principal.org_id, batch)
        numbers.extend(n for n in batch if n not in taken)
    row.next_number = counter
    row.updated_at = clock.now()
    _insert_cards(session, principal, series, numbers, label)
    return numbers


def _insert_cards(
    session: Session, principal: Principal, series: StoredSeries, numbers: list[str], label: Label
) -> None:
    now = clock.now()
    common: dict[str, Any] = {
        "org_id": principal.org_id,
        "series_id": series.id,
        "status": label.status.value,
        "label": label.label,
        "custom_fields": {},
        "extended_fields": {},
        "created_by": principal.till_id,
        "created_at": now,
        "updated_at": now,
    }
    session.flush()
    ids = session.scalars(
        insert(Card).returning(Card.id, sort_by_parameter_order=True),
        [{**common, "number": n} for n in numbers],
    ).all()
    session.execute(
        insert(CardStatusChange),
        [
            {
                "org_id": principal.org_id,
                "card_id": card_id,
                "status": label.status.value,
                "label": label.label,
                "reason": "",
                "customer_id": None,
                "created_by": principal.till_id,
                "created_at": now,
            }
            for card_id in ids
        ],
    )


def require_card(session: Session, org_id: int, number: str, *, lock: bool = False) -> Card:
    """Return the card ``number``, or refuse with 3010."""
    card = repository.find_card(session, org_id, number, lock=lock)
    if card is None:
        raise NotFound(NO_SUCH_CARD, f"Card number {number} does not exist")
    return card


def check_transition(current: CardStatus, wanted: CardStatus) -> None:
    """Refuse a status change ``PUT /v2/card`` does not allow (3012 same, 3038 not allowed)."""
    if current is wanted:
        raise Invalid(SAME_STATUS, f"The card is already {current}")
    if wanted not in TRANSITIONS[current]:
        raise Invalid(NOT_ALLOWED, f"A {current} card cannot become {wanted}")


def change_status(session: Session, principal: Principal, body: CardStatusIn) -> Card:
    """Move a card to the status of ``statusLabel``, logging it with ``statusInfo.reason``."""
    org = principal.org
    number = card_number(body.card_number)
    if body.status_label is None or not body.status_label.strip():
        raise Invalid(3016, "Invalid card status: statusLabel is required")
    reason = ((body.status_info.reason if body.status_info else None) or "").strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise Invalid(
            400, f"Input is invalid: reason is longer than {MAX_REASON_LENGTH} characters"
        )
    prepare_writes(session, org)
    label = require_label(session, org, body.status_label)
    card = require_card(session, org.id, number, lock=True)
    check_transition(CardStatus(card.status), label.status)
    card.status = label.status.value
    card.label = label.label
    if label.status in (S.EXPIRED, S.DELETED):
        # The card's wait to expire ends with it; the sweep has nothing left to do.
        card.expires_at = None
    card.updated_at = clock.now()
    session.flush()
    log_change(session, principal, card, reason)
    session.flush()
    return card


def status_log(session: Session, org: OrgConfig, number: str | None) -> list[dict[str, Any]]:
    """Return every status a card took, oldest first."""
    card = require_card(session, org.id, card_number(number))
    zone = org.zone
    labels = {lab.label.lower(): lab.id for lab in org_labels(session, org)}
    return [
        {
            "id": change.id,
            "cardId": card.id,
            "cardNumber": card.number,
            "status": change.status,
            "label": change.label,
            "labelId": labels.get(change.label.lower()),
            "reason": change.reason,
            "customerId": change.customer_id,
            "createdBy": change.created_by,
            "createdOn": clock.iso(change.created_at, zone),
        }
        for change in repository.status_log(session, card.id)
    ]
