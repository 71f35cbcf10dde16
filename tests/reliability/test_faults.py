"""Receivers that fail, throttle, refuse, vanish, redirect, stall and reset: nothing is lost."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from patron.webhooks.dispatcher import Dispatcher
from tests.reliability.receiver import Receiver, Reply, Reset, Stall
from tests.webhooks.support import Hooks, wait_until


def statuses(hooks: Hooks, webhook_id: int) -> list[str]:
    return [d.status for d in hooks.deliveries(webhook_id)]


def test_fails_three_times_then_succeeds_with_growing_delays(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/flaky", Reply(500), Reply(503), Reply(502))
    hook = hooks.create(receiver.url("/flaky"))
    start_dispatcher(webhook_retry_base_seconds=0.1, webhook_retry_max_delay_seconds=1.0)
    [event_id] = hooks.register()
    seen = receiver.wait_for(lambda s: len(s) == 4)
    assert {r.event_id for r in seen} == {event_id}
    assert {r.payload["eventId"] for r in seen} == {event_id}
    gaps = [b.at - a.at for a, b in itertools.pairwise(seen)]
    for gap, nominal in zip(gaps, (0.1, 0.2, 0.4), strict=True):
        assert gap >= nominal / 2
    wait_until(lambda: statuses(hooks, hook["webHookId"]) == ["SUCCEEDED"])
    outcomes = [a.outcome for a in hooks.attempts(hook["webHookId"])]
    assert outcomes == ["RETRY", "RETRY", "RETRY", "SUCCESS"]


def test_429_retry_after_is_honoured(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/throttled", Reply(429, headers={"Retry-After": "1"}))
    hook = hooks.create(receiver.url("/throttled"))
    start_dispatcher(webhook_retry_max_delay_seconds=5.0)
    hooks.register()
    first, second = receiver.wait_for(lambda s: len(s) == 2)
    assert second.at - first.at >= 0.95
    wait_until(lambda: statuses(hooks, hook["webHookId"]) == ["SUCCEEDED"])
    assert hooks.attempts(hook["webHookId"])[0].status_code == 429


def test_400_is_final_and_not_retried(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/strict", then=Reply(400))
    hook = hooks.create(receiver.url("/strict"))
    start_dispatcher()
    hooks.register()
    wait_until(lambda: statuses(hooks, hook["webHookId"]) == ["FAILED"])
    time.sleep(0.4)
    assert len(receiver.requests()) == 1
    [attempt] = hooks.attempts(hook["webHookId"])
    assert (attempt.status_code, attempt.outcome) == (400, "FAILED")
    assert hooks.webhook(hook["webHookId"]).is_active


def test_410_disables_the_endpoint_and_what_it_missed_is_replayable(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/gone", Reply(410))
    hook = hooks.create(receiver.url("/gone"))
    webhook_id = hook["webHookId"]
    start_dispatcher()
    [first] = hooks.register()
    wait_until(lambda: not hooks.webhook(webhook_id).is_active)
    read = hooks.api.get(f"/v3/webHooks/{webhook_id}").json()["data"]
    assert read["active"] is False
    assert "410" in read["disabledReason"]
    later = hooks.register(2)
    wait_until(lambda: statuses(hooks, webhook_id) == ["PAUSED"] * 3)
    assert len(receiver.requests()) == 1
    hooks.api.put(f"/v3/webHooks/{webhook_id}", json={"active": True})
    assert hooks.api.post(f"/v3/webHooks/{webhook_id}/replayMissed").json()["data"]["replayed"] == 3
    receiver.wait_for(lambda s: len(s) == 4)
    wait_until(lambda: statuses(hooks, webhook_id) == ["SUCCEEDED"] * 3)
    assert sorted(r.event_id for r in receiver.requests()[1:]) == sorted([first, *later])


def test_redirects_are_not_followed(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    target = receiver.url("/elsewhere")
    receiver.script("/moved", Reply(302, headers={"Location": target}), Reply(307))
    hook = hooks.create(receiver.url("/moved"))
    start_dispatcher()
    hooks.register()
    wait_until(lambda: statuses(hooks, hook["webHookId"]) == ["SUCCEEDED"])
    assert receiver.requests("/elsewhere") == []
    first, second, third = hooks.attempts(hook["webHookId"])
    assert (first.status_code, first.outcome) == (302, "RETRY")
    assert first.error is not None
    assert "not followed" in first.error
    assert (second.status_code, third.status_code) == (307, 200)


def test_a_stalled_receiver_times_out_and_is_retried(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/slow", Stall(2.5))
    hook = hooks.create(receiver.url("/slow"))
    start_dispatcher(webhook_timeout_seconds=0.5)
    [event_id] = hooks.register()
    wait_until(lambda: statuses(hooks, hook["webHookId"]) == ["SUCCEEDED"])
    first, second = hooks.attempts(hook["webHookId"])
    assert first.outcome == "RETRY"
    assert first.status_code is None
    assert first.error is not None
    assert "timeout" in first.error.lower()
    assert first.duration_ms is not None
    assert 400 <= first.duration_ms < 2000
    assert second.outcome == "SUCCESS"
    assert [r.event_id for r in receiver.requests()] == [event_id, event_id]


def test_a_reset_connection_is_retried(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/reset", Reset(), Reset())
    hook = hooks.create(receiver.url("/reset"))
    start_dispatcher()
    hooks.register()
    wait_until(lambda: statuses(hooks, hook["webHookId"]) == ["SUCCEEDED"])
    attempts = hooks.attempts(hook["webHookId"])
    assert [a.outcome for a in attempts] == ["RETRY", "RETRY", "SUCCESS"]
    assert all(a.error for a in attempts[:2])


def test_sustained_failure_disables_the_endpoint(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/down", then=Reply(500))
    hook = hooks.create(receiver.url("/down"))
    start_dispatcher(webhook_disable_after_seconds=0, webhook_disable_after_failures=3)
    hooks.register()
    wait_until(lambda: not hooks.webhook(hook["webHookId"]).is_active)
    assert statuses(hooks, hook["webHookId"]) == ["PAUSED"]
    assert "consecutive failures" in (hooks.webhook(hook["webHookId"]).disabled_reason or "")
    assert len(receiver.requests()) == 3


def test_a_delivery_fails_once_the_retry_window_is_over(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/never", then=Reply(503))
    hook = hooks.create(receiver.url("/never"))
    start_dispatcher(webhook_retry_window_seconds=0.6)
    hooks.register()
    wait_until(lambda: statuses(hooks, hook["webHookId"]) == ["FAILED"])
    assert len(receiver.requests()) >= 3
    assert hooks.webhook(hook["webHookId"]).is_active


def test_connection_cap_holds_across_two_workers(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/capped", then=Reply(200, delay=0.15))
    hook = hooks.create(receiver.url("/capped"), maxAllowedConnections=2)
    event_ids = hooks.register(10)
    start_dispatcher()
    start_dispatcher()
    receiver.wait_for(lambda s: len(s) == 10)
    wait_until(lambda: statuses(hooks, hook["webHookId"]) == ["SUCCEEDED"] * 10)
    assert receiver.max_in_flight["/capped"] == 2
    assert sorted(r.event_id for r in receiver.requests()) == sorted(event_ids)
