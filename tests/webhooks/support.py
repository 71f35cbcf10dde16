"""Fixtures and helpers shared by the webhook and reliability tests."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from patron.config import Settings
from patron.db import Database, unit_of_work
from patron.events.models import Event
from patron.webhooks.dispatcher import Dispatcher
from patron.webhooks.models import Delivery, DeliveryAttempt, Webhook
from tests.conftest import Api, make_org
from tests.factories import registration
from tests.reliability.receiver import Receiver

# Delays short enough for tests: retries within tenths of a second, a 1 s request timeout.
FAST: dict[str, Any] = {
    "dispatcher_poll_seconds": 0.05,
    "dispatcher_shutdown_seconds": 1.0,
    "webhook_lease_seconds": 4.0,
    "webhook_timeout_seconds": 1.0,
    "webhook_connect_timeout_seconds": 1.0,
    "webhook_retry_base_seconds": 0.05,
    "webhook_retry_max_delay_seconds": 0.2,
    "webhook_retry_window_seconds": 60.0,
    "webhook_disable_after_seconds": 3600.0,
    "webhook_disable_after_failures": 1000,
}


def fast_settings(settings: Settings, **overrides: Any) -> Settings:
    """Return ``settings`` with test-sized delays (and ``overrides``)."""
    return settings.model_copy(update={**FAST, **overrides})


def wait_until(predicate: Callable[[], Any], timeout: float = 15.0, message: str = "") -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.03)
    raise AssertionError(message or f"condition not met within {timeout}s")


class Hooks:
    """Creates webhooks for one org through the API and deletes them after the test."""

    def __init__(self, api: Api, db: Database) -> None:
        self.api = api
        self.db = db

    def create(self, url: str, **fields: Any) -> dict[str, Any]:
        """Create a webhook for customerAdded (unless told otherwise) and return its data."""
        body = {
            "name": fields.pop("name", f"hook-{time.monotonic_ns()}"),
            "webHookUrl": url,
            "eventNames": ["customerAdded"],
            "maxAllowedConnections": 4,
            **fields,
        }
        response = self.api.post("/v3/webHooks", json=body)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def register(self, count: int = 1) -> list[str]:
        """Register ``count`` customers; return their customerAdded eventIds."""
        before = {e.event_id for e in self.events()}
        for _ in range(count):
            assert self.api.post("/v2/customers", json=registration()).status_code == 200
        return [e.event_id for e in self.events() if e.event_id not in before]

    def events(self) -> list[Event]:
        """Return the org's events."""
        with unit_of_work(self.db.read_session) as session:
            return list(
                session.scalars(
                    select(Event).where(Event.org_id == self.api.org.org_id).order_by(Event.id)
                )
            )

    def deliveries(self, webhook_id: int) -> list[Delivery]:
        """Return the webhook's deliveries."""
        with unit_of_work(self.db.read_session) as session:
            return list(
                session.scalars(
                    select(Delivery).where(Delivery.webhook_id == webhook_id).order_by(Delivery.id)
                )
            )

    def attempts(self, webhook_id: int) -> list[DeliveryAttempt]:
        """Return every attempt made for the webhook."""
        with unit_of_work(self.db.read_session) as session:
            return list(
                session.scalars(
                    select(DeliveryAttempt)
                    .join(Delivery, Delivery.id == DeliveryAttempt.delivery_id)
                    .where(Delivery.webhook_id == webhook_id)
                    .order_by(DeliveryAttempt.id)
                )
            )

    def webhook(self, webhook_id: int) -> Webhook:
        """Return the webhook row."""
        with unit_of_work(self.db.read_session) as session:
            found = session.get(Webhook, webhook_id)
            assert found is not None
            return found

    def cleanup(self) -> None:
        """Delete the org's webhooks (their deliveries go with them)."""
        with unit_of_work(self.db.write_session) as session:
            session.execute(delete(Webhook).where(Webhook.org_id == self.api.org.org_id))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A fault-injecting HTTP receiver on a random local port."""
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def local_api(app_client: TestClient, db: Database) -> Api:
    """An API client of an org that is allowed to deliver to loopback addresses."""
    return Api(app_client, make_org(db, allowPrivateWebhooks=True))


@pytest.fixture
def hooks(local_api: Api, db: Database) -> Iterator[Hooks]:
    """Webhook helpers for the loopback-allowed org; its webhooks are deleted afterwards."""
    helper = Hooks(local_api, db)
    yield helper
    helper.cleanup()


@pytest.fixture
def start_dispatcher(settings: Settings, db: Database) -> Iterator[Callable[..., Dispatcher]]:
    """Start dispatchers with test-sized delays; all are stopped after the test."""
    started: list[Dispatcher] = []

    def start(**overrides: Any) -> Dispatcher:
        dispatcher = Dispatcher(fast_settings(settings, **overrides), db)
        dispatcher.start()
        started.append(dispatcher)
        return dispatcher

    yield start
    for dispatcher in started:
        dispatcher.stop()
