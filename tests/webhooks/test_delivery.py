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
from tests.factories import profile, registration, unique_mobile
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


def test_static_content_type_and_authorization_are_delivered(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8", "Authorization": "Basic dTpw"}
    hook = hooks.create(receiver.url("/typed"), webHookHeaders=headers)
    start_dispatcher()
    [event_id] = hooks.register()
    [request] = receiver.wait_for(lambda seen: len(seen) == 1)
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.headers["authorization"] == "Basic dTpw"
    assert StandardWebhook(hook["secret"]).verify(request.body, request.headers)["eventId"] == (
        event_id
    )


def test_static_framing_headers_do_not_break_the_request(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    framing = {"Content-Length": "3", "Transfer-Encoding": "chunked"}
    hook = hooks.create(receiver.url("/framed"), webHookHeaders=framing)
    start_dispatcher()
    [event_id] = hooks.register()
    [request] = receiver.wait_for(lambda seen: len(seen) == 1)
    assert request.headers["content-length"] == str(len(request.body))
    assert "transfer-encoding" not in request.headers
    assert StandardWebhook(hook["secret"]).verify(request.body, request.headers)["eventId"] == (
        event_id
    )
    wait_until(lambda: [d.status for d in hooks.deliveries(hook["webHookId"])] == ["SUCCEEDED"])


def test_identifiers_to_enrich_restrict_the_delivered_customer_identifiers(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hooks.create(receiver.url("/email-only"), customerIdentifiersToBeEnriched=["EMAIL"])
    hooks.create(receiver.url("/everything"), customerIdentifiersToBeEnriched=[])
    identifiers = [
        {"type": "mobile", "value": unique_mobile()},
        {"type": "email", "value": "rosma@example.com"},
        {"type": "externalId", "value": "EXT-42"},
    ]
    response = hooks.api.post("/v2/customers", json=registration(profile(identifiers=identifiers)))
    customer_id = response.json()["createdId"]
    start_dispatcher()
    receiver.wait_for(lambda seen: len(seen) == 2)
    [restricted] = receiver.requests("/email-only")
    [complete] = receiver.requests("/everything")
    assert restricted.payload["attributes"]["data"]["customerIdentifiers"] == {
        "customerId": customer_id,
        "instore": {"email": "rosma@example.com"},
    }
    everything = complete.payload["attributes"]["data"]["customerIdentifiers"]["instore"]
    assert set(everything) == {"mobile", "email", "externalId"}
