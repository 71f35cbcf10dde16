"""Event logs (by eventId, request id, refId) and replays that keep the eventId."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from patron.webhooks.dispatcher import Dispatcher
from tests.factories import registration
from tests.reliability.receiver import Receiver, Reply
from tests.webhooks.support import Hooks, wait_until


def delivered(hooks: Hooks, webhook_id: int, count: int) -> None:
    wait_until(
        lambda: sum(d.status == "SUCCEEDED" for d in hooks.deliveries(webhook_id)) == count,
        message=f"{count} deliveries did not succeed",
    )


def test_event_log_shows_each_delivery_and_attempt(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/log", Reply(503))
    hook = hooks.create(receiver.url("/log"))
    start_dispatcher()
    [event_id] = hooks.register()
    delivered(hooks, hook["webHookId"], 1)
    response = hooks.api.get(f"/v3/webHooks/eventLog/{event_id}")
    assert response.status_code == 200
    log = response.json()["data"]
    assert log["eventId"] == event_id
    assert log["eventName"] == "customerAdded"
    [delivery] = log["deliveries"]
    assert delivery["webHookId"] == hook["webHookId"]
    assert delivery["consumerGroupId"] == hook["consumerGroupId"]
    assert delivery["status"] == "SUCCEEDED"
    assert delivery["httpStatus"] == 200
    assert delivery["ingestedAt"] <= delivery["startedAt"] <= delivery["endedAt"]
    first, second = delivery["attempts"]
    assert (first["httpStatus"], first["outcome"], first["error"]) == (503, "RETRY", "HTTP 503")
    assert (second["httpStatus"], second["outcome"]) == (200, "SUCCESS")
    assert all(isinstance(a["timeTakenMs"], int) and a["attemptedAt"] for a in delivery["attempts"])


def test_event_log_by_request_id_and_ref_id(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hook = hooks.create(receiver.url("/log"))
    start_dispatcher()
    response = hooks.api.post(
        "/v2/customers", json=registration(), headers={"X-CAP-REQUEST-ID": "req-log-1"}
    )
    customer_id = response.json()["createdId"]
    delivered(hooks, hook["webHookId"], 1)
    by_request = hooks.api.get("/v3/webHooks/eventLog?requestId=req-log-1").json()["data"]
    ref_id = f"{hooks.api.org.org_id}_{customer_id}"
    by_ref = hooks.api.get(f"/v3/webHooks/eventLog?refId={ref_id}").json()["data"]
    assert len(by_request) == 1
    assert by_request == by_ref
    assert by_request[0]["requestId"] == "req-log-1"
    assert by_request[0]["refId"] == ref_id
    assert by_request[0]["deliveries"][0]["status"] == "SUCCEEDED"


def test_event_log_errors(hooks: Hooks, api: Any) -> None:
    [event_id] = hooks.register()
    missing = hooks.api.get("/v3/webHooks/eventLog/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == 51110
    # Another org cannot see the event.
    assert api.get(f"/v3/webHooks/eventLog/{event_id}").status_code == 404
    both = hooks.api.get("/v3/webHooks/eventLog?requestId=a&refId=b")
    assert both.status_code == 400
    assert both.json()["errors"][0]["code"] == 51112
    assert hooks.api.get("/v3/webHooks/eventLog").status_code == 400


def test_replaying_an_event_resends_it_with_the_same_event_id(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hook = hooks.create(receiver.url("/again"))
    start_dispatcher()
    [event_id] = hooks.register()
    delivered(hooks, hook["webHookId"], 1)
    response = hooks.api.post(f"/v3/webHooks/eventLog/{event_id}/replay")
    assert response.json()["data"]["replayed"] == 1
    first, second = receiver.wait_for(lambda seen: len(seen) == 2)
    assert first.event_id == second.event_id == event_id
    assert first.payload["eventId"] == second.payload["eventId"] == event_id
    delivered(hooks, hook["webHookId"], 1)
    log = hooks.api.get(f"/v3/webHooks/eventLog/{event_id}").json()["data"]
    assert log["deliveries"][0]["replayCount"] == 1
    assert len(log["deliveries"][0]["attempts"]) == 2


def test_replaying_an_event_to_a_new_webhook(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    start_dispatcher()
    [event_id] = hooks.register()
    wait_until(lambda: hooks.events()[0].fanned_out_at is not None)
    hook = hooks.create(receiver.url("/late"))
    response = hooks.api.post(
        f"/v3/webHooks/eventLog/{event_id}/replay", json={"webHookId": hook["webHookId"]}
    )
    assert response.json()["data"]["replayed"] == 1
    [request] = receiver.wait_for(lambda seen: len(seen) == 1)
    assert request.event_id == event_id


def test_replaying_a_time_window(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    start_dispatcher()
    early = hooks.register(2)
    time.sleep(0.05)
    middle = int(time.time() * 1000)
    late = hooks.register(2)
    wait_until(lambda: all(e.fanned_out_at is not None for e in hooks.events()))
    hook = hooks.create(receiver.url("/window"))
    response = hooks.api.post(f"/v3/webHooks/{hook['webHookId']}/replay", json={"from": middle})
    assert response.json()["data"]["replayed"] == 2
    receiver.wait_for(lambda seen: len(seen) == 2)
    time.sleep(0.2)
    assert sorted(r.event_id for r in receiver.requests()) == sorted(late)
    assert not set(early) & {r.event_id for r in receiver.requests()}


def test_replay_window_errors(hooks: Hooks, receiver: Receiver) -> None:
    hook = hooks.create(receiver.url("/window"))
    path = f"/v3/webHooks/{hook['webHookId']}/replay"
    backwards = hooks.api.post(path, json={"from": "2026-01-02T00:00:00Z", "to": "2026-01-01"})
    assert backwards.json()["errors"][0]["code"] == 51111
    garbage = hooks.api.post(path, json={"from": "yesterday"})
    assert garbage.json()["errors"][0]["code"] == 51111
    assert hooks.api.post("/v3/webHooks/999999999/replay", json={"from": 0}).status_code == 404


def test_replay_window_moments_out_of_range_are_refused(hooks: Hooks, receiver: Receiver) -> None:
    hook = hooks.create(receiver.url("/window"))
    path = f"/v3/webHooks/{hook['webHookId']}/replay"
    for window in (
        {"from": -1},
        {"from": 253402300800000},
        {"from": 10**30},
        {"from": 0, "to": 2**63},
        {"from": 0, "to": 10**30},
        {"from": "0001-01-01T00:00:00+05:00"},
    ):
        response = hooks.api.post(path, json=window)
        assert response.status_code == 400, window
        assert response.json()["errors"][0]["code"] == 51111, window
    assert hooks.api.post(path, json={"from": 0, "to": 253402300799999}).status_code == 200
