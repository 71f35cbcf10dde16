"""Signing secrets and static header values never reach the logs or the read APIs."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from structlog.testing import capture_logs

from patron.webhooks.dispatcher import Dispatcher
from tests.reliability.receiver import Receiver, Reply
from tests.webhooks.support import Hooks, wait_until

TOKEN = "Bearer sup3r-s3cret-t0ken"


def test_secrets_stay_out_of_logs_and_reads(
    hooks: Hooks,
    receiver: Receiver,
    start_dispatcher: Callable[..., Dispatcher],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.script("/secret", Reply(500), Reply(410))
    with capture_logs() as events:
        hook = hooks.create(receiver.url("/secret"), webHookHeaders={"Authorization": TOKEN})
        rotated = hooks.api.post(f"/v3/webHooks/{hook['webHookId']}/rotateSecret").json()["data"]
        start_dispatcher()
        [event_id] = hooks.register()
        wait_until(lambda: not hooks.webhook(hook["webHookId"]).is_active)
        reads = [
            hooks.api.get(f"/v3/webHooks/{hook['webHookId']}").text,
            hooks.api.get("/v3/webHooks").text,
            hooks.api.get(f"/v3/webHooks/eventLog/{event_id}").text,
        ]
    assert receiver.requests()[0].headers["authorization"] == TOKEN
    assert any(e["event"] == "webhook_disabled" for e in events)
    logged = repr(events) + caplog.text
    for secret in (TOKEN, "sup3r-s3cret", hook["secret"], rotated["secret"]):
        assert secret not in logged
        assert all(secret not in text for text in reads)
