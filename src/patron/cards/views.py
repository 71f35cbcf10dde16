"""Rendering cards the way a fetched customer's ``cardDetails`` shows them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from patron.cards import repository
from patron.cards.labels import org_labels
from patron.cards.models import Card, CardSeries, CardStatusChange
from patron.kit import clock
from patron.orgs.cards import CardSeriesDef
from patron.orgs.config import OrgConfig

# Statuses in which a card may be used in a transaction.
USABLE = ("ISSUED", "ACTIVE")


def _definition(org: OrgConfig, row: CardSeries) -> CardSeriesDef:
    in_file = next((d for d in org.card_series if d.code.lower() == row.code.lower()), None)
    if row.origin == "FILE" and in_file is not None:
        return in_file
    return CardSeriesDef.model_validate(row.definition)


def _render(
    org: OrgConfig,
    card: Card,
    series: CardSeries,
    change: CardStatusChange | None,
    label_ids: dict[str, int | None],
) -> dict[str, Any]:
    zone = org.zone
    definition = _definition(org, series)
    changed_at = change.created_at if change else card.updated_at
    return {
        "cardId": card.id,
        "issuedDate": clock.iso(card.issued_at, zone),
        "createdDate": clock.local_date(card.created_at, zone),
        "expiryDays": definition.expiry_days,
        "seriesName": definition.name,
        "customerId": card.customer_id,
        "maxActiveCards": definition.max_active_cards_per_customer,
        "cardExternalId": card.external_id or "",
        "extendedFields": card.extended_fields or {},
        "customFields": card.custom_fields or {},
        "type": definition.type.value,
        "cardNumber": card.number,
        "seriesId": series.id,
        "seriesCode": definition.code,
        "orgId": org.id,
        "entityId": card.created_by,
        "statusInfo": {
            "reason": change.reason if change else "",
            "createdBy": change.created_by if change else card.created_by,
            "actions": [],
            "autoUpdateTime": clock.local_date(changed_at, zone),
            "createdOn": clock.iso(changed_at, zone),
            "entityId": card.id,
            "id": change.id if change else None,
            "isActive": card.status in USABLE,
            "labelId": label_ids.get(card.label.lower()),
            "label": card.label,
            "status": card.status,
        },
        "id": card.id,
        "transactionNotAllowed": card.status not in USABLE,
    }


def render_cards(session: Session, org: OrgConfig, cards: Sequence[Card]) -> list[dict[str, Any]]:
    """Render cards with their series, newest status and label ids (a few queries in all)."""
    if not cards:
        return []
    series = repository.series_by_ids(session, org.id, {c.series_id for c in cards})
    changes = repository.latest_changes(session, [c.id for c in cards])
    label_ids = {lab.label.lower(): lab.id for lab in org_labels(session, org)}
    return [
        _render(org, card, series[card.series_id], changes.get(card.id), label_ids)
        for card in cards
    ]


def render_card(session: Session, org: OrgConfig, card: Card) -> dict[str, Any]:
    """Render one card."""
    return render_cards(session, org, [card])[0]


def customer_card_details(
    session: Session, org: OrgConfig, customer_id: int
) -> dict[str, dict[str, Any]]:
    """Return the ``cardDetails`` items of the customer's cards, by card number."""
    cards = repository.customer_cards(session, org.id, customer_id)
    return {item["cardNumber"]: item for item in render_cards(session, org, cards)}
