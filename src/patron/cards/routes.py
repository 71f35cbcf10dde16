"""HTTP endpoints of cards: series, generation, manual cards, status labels and statuses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from patron.auth.dependencies import CurrentPrincipal
from patron.cards.labels import map_labels, org_labels, render_labels
from patron.cards.schemas import AddCardIn, CardStatusIn, EntityOut, GenerateIn, NumbersOut
from patron.cards.series import create_series, render_series, select_series
from patron.cards.service import add_card, change_status, generate_cards, status_log
from patron.cards.views import render_card
from patron.web import QueryId, ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 3000 invalid series, 3013 invalid card number, 3016 invalid "
        "status, 3017 invalid status label, 3018 label does not map to NOT_ISSUED, 3025 invalid "
        "count, 3026 more than 100000 cards (or than the series has left), 3012 same status, "
        "3038 transition not allowed, 400 malformed body",
        401: "No or bad credentials",
        404: "Unknown series (3000) or card number (3010)",
        409: "Series code taken (3000), card number exists (3009), card external id exists "
        "(3045), label belongs to another status (3017)",
    }
)

router = APIRouter(tags=["cards"], responses=ERRORS, route_class=Route)


@router.post("/v2/card/series", response_model=EntityOut)
def post_series(
    body: Annotated[dict[str, Any], Body()], principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Create a card series: `name`*, `code` (else the name), `type` DIGITAL or PHYSICAL,
    `expiryDays`, `maxActiveCardsPerCustomer`, `cardGenerationConfiguration{prefix, suffix,
    length, offset}` for a series whose numbers patron generates, `trigger` REGISTRATION (a
    card for every new loyalty customer) or SERIES_ID. Answers the new `seriesId`."""
    series = create_series(session, principal, body)
    return {"entity": series.id, "warnings": []}


@router.get("/v2/card/series", response_model=EntityOut)
def get_series(
    principal: CurrentPrincipal,
    session: ReadSession,
    series_id: Annotated[QueryId, Query(alias="id")] = None,
    code: Annotated[str | None, Query(max_length=50)] = None,
) -> dict[str, Any]:
    """List the org's card series (the org file's and the API's), or the one with `id` or
    `code`. A file series no write has used yet is listed with `id` null."""
    found = select_series(session, principal.org, series_id, code)
    return {"entity": [render_series(principal.org, s) for s in found], "warnings": []}


@router.post("/v2/card/generate", response_model=NumbersOut)
def generate(
    body: GenerateIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Generate `count` (1 to 100000) NOT_ISSUED cards of a generated series (`seriesId` or
    `seriesCode`) with `statusLabel`, a label of NOT_ISSUED (else its default)."""
    return {"entity": generate_cards(session, principal, body), "warnings": []}


@router.post("/v2/card", response_model=EntityOut)
def post_card(
    body: AddCardIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Add a card whose number the brand chose (`seriesId`*, `cardNumber`*, `statusLabel`*
    of NOT_ISSUED, `cardExternalId`, `customFields`, `extendedFields`). Answers its id."""
    return {"entity": add_card(session, principal, body), "warnings": []}


@router.put("/v2/card", response_model=EntityOut)
def put_card(
    body: CardStatusIn, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Change a card's status to the one `statusLabel` maps to, with `statusInfo.reason`.
    ISSUED and ACTIVE cards can be suspended, expired or deleted; a SUSPENDED card can be
    reactivated; EXPIRED and DELETED cards change no more; NOT_ISSUED cards change by
    linking. Answers the card as fetched customers show it."""
    card = change_status(session, principal, body)
    return {"entity": render_card(session, principal.org, card), "warnings": []}


@router.get("/v2/card/statusLog", response_model=EntityOut)
def get_status_log(
    principal: CurrentPrincipal,
    session: ReadSession,
    number: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """List every status the card `number` took, oldest first, with who set it and why."""
    return {"entity": status_log(session, principal.org, number), "warnings": []}


@router.post("/v2/genericStatus/card/labelMapping", response_model=EntityOut)
def post_label_mapping(
    body: Annotated[dict[str, Any], Body()], principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Add status labels: `{"mapping": {"ACTIVE": [{"label": "Gold", "default": true}]}}`.
    A label belongs to one status; a default replaces the status's default. Answers every
    label by status."""
    return {"entity": render_labels(map_labels(session, principal.org, body)), "warnings": []}


@router.get("/v2/genericStatus/card/labels", response_model=EntityOut)
def get_labels(principal: CurrentPrincipal, session: ReadSession) -> dict[str, Any]:
    """List the org's card status labels by status (`id`, `label`, `status`, `default`)."""
    return {"entity": render_labels(org_labels(session, principal.org)), "warnings": []}
