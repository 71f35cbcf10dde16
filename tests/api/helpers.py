"""Assertions and calls shared by API tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from patron.db import Database, unit_of_work
from patron.events.models import Event
from tests.conftest import Api


def codes(response: Any) -> list[int]:
    """Return the error codes of an envelope."""
    return [e["code"] for e in response.json()["errors"]]


def warning_codes(response: Any) -> list[int]:
    """Return the warning codes of an answer."""
    return [w["code"] for w in response.json()["warnings"]]


def register(api: Api, body: dict[str, Any]) -> int:
    """Register a customer and return its id."""
    response = api.post("/v2/customers", json=body)
    assert response.status_code == 200, response.text
    return int(response.json()["createdId"])


def events(db: Database, org_id: int, name: str | None = None) -> list[Event]:
    """Return the org's outbox events in order."""
    with unit_of_work(db.read_session) as session:
        query = select(Event).where(Event.org_id == org_id)
        if name:
            query = query.where(Event.event_name == name)
        return list(session.scalars(query.order_by(Event.id)))
