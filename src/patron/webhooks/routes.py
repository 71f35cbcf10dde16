"""HTTP endpoints of the webhooks domain (``/v3/webHooks``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from patron.auth.dependencies import CurrentPrincipal
from patron.auth.principal import Principal
from patron.config import Settings
from patron.errors import Invalid
from patron.web import PathId, QueryId, ReadSession, Route, WriteSession, error_responses
from patron.webhooks import eventlog, service
from patron.webhooks.retry import RetryPolicy
from patron.webhooks.schemas import ReplayEventIn, ReplayWindowIn, WebhookIn
from patron.webhooks.views import render_webhook

ERRORS = error_responses(
    {
        400: "Invalid input (400, 51003, 51007, 300004, 51101–51115)",
        401: "No or bad credentials",
        404: "Unknown webhook (51104) or event (51110)",
        409: "Name taken (51103) or webhook inactive (51113)",
    }
)

router = APIRouter(prefix="/v3/webHooks", tags=["webhooks"], responses=ERRORS, route_class=Route)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(_settings)]
WebhookIdQuery = Annotated[QueryId, Query(alias="webHookId")]


def _data(data: object) -> dict[str, Any]:
    return {"data": data, "errors": None, "warnings": None}


def _one(
    webhook: Any, principal: Principal, settings: Settings, secret: str | None = None
) -> dict[str, Any]:
    policy = RetryPolicy.from_settings(settings)
    return _data(render_webhook(webhook, policy, principal.org.zone, secret=secret))


def _required(webhook_id: int | None) -> int:
    if webhook_id is None:
        raise Invalid(400, "Input is invalid: webHookId is required")
    return webhook_id


@router.post("")
def create(
    body: WebhookIn, principal: CurrentPrincipal, session: WriteSession, settings: AppSettings
) -> dict[str, Any]:
    """Create a webhook. The answer carries its signing `secret`: it is never shown again."""
    created = service.create_webhook(session, principal, body, settings)
    return _one(created.webhook, principal, settings, created.secret)


@router.get("")
def list_all(
    principal: CurrentPrincipal, session: ReadSession, settings: AppSettings
) -> dict[str, Any]:
    """List the org's webhooks (static header values are masked)."""
    policy = RetryPolicy.from_settings(settings)
    zone = principal.org.zone
    return _data(
        [render_webhook(w, policy, zone) for w in service.list_webhooks(session, principal)]
    )


@router.put("")
def update_by_body(
    body: WebhookIn, principal: CurrentPrincipal, session: WriteSession, settings: AppSettings
) -> dict[str, Any]:
    """Update the webhook named by `webHookId` in the body; omitted fields keep their value."""
    webhook_id = _required(body.webhook_id)
    return _one(
        service.update_webhook(session, principal, webhook_id, body, settings), principal, settings
    )


@router.delete("")
def delete_by_query(
    principal: CurrentPrincipal, session: WriteSession, webhook_id: WebhookIdQuery = None
) -> dict[str, Any]:
    """Delete the webhook named by the `webHookId` query parameter, with its delivery log."""
    webhook_id = _required(webhook_id)
    service.delete_webhook(session, principal, webhook_id)
    return _data({"webHookId": webhook_id, "deleted": True})


@router.get("/eventLog")
def search_event_log(
    principal: CurrentPrincipal,
    session: ReadSession,
    request_id: Annotated[str | None, Query(alias="requestId")] = None,
    ref_id: Annotated[str | None, Query(alias="refId")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Show the events of one API request (`requestId`) or one `refId`, newest first."""
    return _data(
        eventlog.search_event_log(
            session, principal, request_id=request_id, ref_id=ref_id, limit=limit
        )
    )


@router.get("/eventLog/{event_id}")
def event_log(event_id: str, principal: CurrentPrincipal, session: ReadSession) -> dict[str, Any]:
    """Show an event and every delivery and attempt made for it."""
    return _data(eventlog.event_log(session, principal, event_id))


@router.post("/eventLog/{event_id}/replay")
def replay_event(
    event_id: str,
    principal: CurrentPrincipal,
    session: WriteSession,
    body: Annotated[ReplayEventIn | None, Body()] = None,
) -> dict[str, Any]:
    """Send an event again with the same `eventId`: to `webHookId`, or to every webhook that had it."""
    webhook_id = body.webhook_id if body is not None else None
    count = eventlog.replay_event(session, principal, event_id, webhook_id)
    return _data({"eventId": event_id, "replayed": count})


@router.get("/{webhook_id:int}")
def read(
    webhook_id: PathId, principal: CurrentPrincipal, session: ReadSession, settings: AppSettings
) -> dict[str, Any]:
    """Read one webhook (static header values are masked)."""
    return _one(service.get_webhook(session, principal, webhook_id), principal, settings)


@router.put("/{webhook_id:int}")
def update(
    webhook_id: PathId,
    body: WebhookIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    settings: AppSettings,
) -> dict[str, Any]:
    """Update a webhook; omitted fields keep their value, a masked header value keeps the stored one."""
    return _one(
        service.update_webhook(session, principal, webhook_id, body, settings), principal, settings
    )


@router.delete("/{webhook_id:int}")
def delete(
    webhook_id: PathId, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Delete a webhook with its delivery log."""
    service.delete_webhook(session, principal, webhook_id)
    return _data({"webHookId": webhook_id, "deleted": True})


@router.post("/{webhook_id:int}/rotateSecret")
def rotate_secret(
    webhook_id: PathId, principal: CurrentPrincipal, session: WriteSession, settings: AppSettings
) -> dict[str, Any]:
    """Issue a new signing secret; the old one keeps signing too until `previousSecretExpiresOn`."""
    rotated = service.rotate_secret(session, principal, webhook_id, settings)
    return _one(rotated.webhook, principal, settings, rotated.secret)


@router.post("/{webhook_id:int}/replay")
def replay_window(
    webhook_id: PathId,
    body: ReplayWindowIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    settings: AppSettings,
) -> dict[str, Any]:
    """Send again every subscribed event created in `[from, to)` (epoch ms or ISO 8601)."""
    count = eventlog.replay_window(session, principal, webhook_id, body.start, body.end, settings)
    return _data({"webHookId": webhook_id, "replayed": count})


@router.post("/{webhook_id:int}/replayMissed")
def replay_missed(
    webhook_id: PathId, principal: CurrentPrincipal, session: WriteSession
) -> dict[str, Any]:
    """Send everything the webhook missed while it was inactive or disabled."""
    count = eventlog.replay_missed(session, principal, webhook_id)
    return _data({"webHookId": webhook_id, "replayed": count})
