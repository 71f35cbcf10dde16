"""Delivery end to end: signed requests to a real local receiver, formats, pausing, the embedded dispatcher."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from patron.app import create_app
from patron.config import Settings
from patron.db import Database
from patron.webhooks.dispatcher import Dispatcher
from tests.reliability.receiver import Receiver
from tests.webhooks.support import FAST, Hooks, wait_until


def test_event_is_delivered_signed_with_static_headers(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hook = hooks.create(receiver.url("/crm"), webHookHeaders={"Authorization": "Bearer t0k"})
    start_dispatcher()
    [event_id] = hooks.register()
    [request] = receiver.wait_for(lambda seen: len(seen) == 1)
    assert request.method == "POST"
    assert request.headers["authorization"] == "Bearer t0k"
    assert request.headers["content-type"] == "application/json"
    assert request.event_id == event_id
    verified = StandardWebhook(hook["secret"]).verify(request.body, request.headers)
    assert verified["eventId"] == event_id
    assert verified["eventType"] == f"{hooks.api.org.org_id}_customerAdded"
    assert verified["consumerGroupId"] == hook["consumerGroupId"]
    assert verified["attributes"]["eventName"] == "customerAdded"


def test_a_tampered_body_fails_verification(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hook = hooks.create(receiver.url("/crm"))
    start_dispatcher()
    hooks.register()
    [request] = receiver.wait_for(lambda seen: len(seen) == 1)
    tampered = request.body.replace(b"customerAdded", b"customerRemoved")
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(hook["secret"]).verify(tampered, request.headers)


def test_raw_format_and_put_method(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hooks.create(receiver.url("/raw"), payloadFormat="RAW", methodType="PUT")
    start_dispatcher()
    [event_id] = hooks.register()
    [request] = receiver.wait_for(lambda seen: len(seen) == 1)
    assert request.method == "PUT"
    payload = request.payload
    assert payload["eventName"] == "customerAdded"
    assert payload["eventId"] == event_id
    assert "eventLogId" in payload
    assert payload["orgId"] == hooks.api.org.org_id


def test_only_subscribed_events_of_the_org_are_delivered(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hooks.create(receiver.url("/subscribed"))
    hooks.create(receiver.url("/other"), eventNames=["customerUpdated"])
    start_dispatcher()
    event_ids = hooks.register(3)
    receiver.wait_for(lambda seen: len(seen) >= 3)
    assert sorted(r.event_id for r in receiver.requests("/subscribed")) == sorted(event_ids)
    assert receiver.requests("/other") == []


def test_rotation_signs_with_old_and_new_secret_during_the_overlap(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hook = hooks.create(receiver.url("/rotating"))
    rotated = hooks.api.post(f"/v3/webHooks/{hook['webHookId']}/rotateSecret").json()["data"]
    start_dispatcher()
    hooks.register()
    [request] = receiver.wait_for(lambda seen: len(seen) == 1)
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (hook["secret"], rotated["secret"]):
        StandardWebhook(secret).verify(request.body, request.headers)


def test_events_while_inactive_are_paused_then_replayed(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hook = hooks.create(receiver.url("/paused"), active=False)
    webhook_id = hook["webHookId"]
    start_dispatcher()
    event_ids = hooks.register(2)
    wait_until(lambda: len(hooks.deliveries(webhook_id)) == 2)
    assert {d.status for d in hooks.deliveries(webhook_id)} == {"PAUSED"}
    refused = hooks.api.post(f"/v3/webHooks/{webhook_id}/replayMissed")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == 51113
    hooks.api.put(f"/v3/webHooks/{webhook_id}", json={"active": True})
    replayed = hooks.api.post(f"/v3/webHooks/{webhook_id}/replayMissed").json()["data"]
    assert replayed["replayed"] == 2
    receiver.wait_for(lambda seen: len(seen) == 2)
    assert sorted(r.event_id for r in receiver.requests()) == sorted(event_ids)


def test_the_app_lifespan_runs_a_dispatcher_when_configured(
    settings: Settings, db: Database, hooks: Hooks, receiver: Receiver
) -> None:
    hooks.create(receiver.url("/embedded"))
    embedded = settings.model_copy(update={**FAST, "dispatcher": True})
    with TestClient(create_app(embedded, db)):
        [event_id] = hooks.register()
        [request] = receiver.wait_for(lambda seen: len(seen) == 1)
    assert request.event_id == event_id
