"""Writing events into the outbox, inside the caller's unit of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from patron.events.catalogue import EventName
from patron.events.models import Event
from patron.kit import clock
from patron.kit.ids import new_event_id


def ref_id(org_id: int, entity_id: int | str) -> str:
    """Return the documented ``refId``: ``<orgId>_<entity id>``."""
    return f"{org_id}_{entity_id}"


def record_event(
    session: Session,
    *,
    org_id: int,
    name: EventName,
    entity_id: int | None,
    data: dict[str, Any],
    api_request_id: str,
    ref: str | None = None,
) -> Event:
    """Add an event to the outbox; it commits or rolls back with the change it reports."""
    event = Event(
        event_id=new_event_id(),
        org_id=org_id,
        event_name=name.value,
        ref_id=ref
        if ref is not None
        else ref_id(org_id, entity_id if entity_id is not None else ""),
        api_request_id=api_request_id,
        entity_id=entity_id,
        created_at=clock.now(),
        data=data,
    )
    session.add(event)
    return event


def list_events(
    session: Session, org_id: int, *, name: EventName | None = None, ref: str | None = None
) -> list[Event]:
    """Return the org's events in the order they were written."""
    query = select(Event).where(Event.org_id == org_id)
    if name is not None:
        query = query.where(Event.event_name == name.value)
    if ref is not None:
        query = query.where(Event.ref_id == ref)
    return list(session.scalars(query.order_by(Event.id)))
