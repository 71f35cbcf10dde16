"""QUEUE webhooks: the same signed payloads published to a real NATS JetStream server."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import nats
import pytest
from nats.js.errors import NotFoundError
from standardwebhooks import Webhook as StandardWebhook

from patron.webhooks.dispatcher import Dispatcher
from tests.webhooks.support import Hooks, wait_until

NATS = "nats://127.0.0.1:4222"


def _nats_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 4222), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _nats_reachable(), reason="NATS is not running on :4222")


async def _read(stream: str) -> list[Any]:
    client = await nats.connect(NATS)
    try:
        js = client.jetstream()
        info = await js.stream_info(stream)
        return [await js.get_msg(stream, seq) for seq in range(1, info.state.last_seq + 1)]
    finally:
        await client.close()


async def _delete(stream: str) -> None:
    client = await nats.connect(NATS)
    try:
        await client.jetstream().delete_stream(stream)
    except NotFoundError:
        pass
    finally:
        await client.close()


@pytest.fixture
def stream() -> Iterator[str]:
    """A stream name of this test's own; the stream is deleted afterwards."""
    name = f"PATRON_TEST_{uuid.uuid4().hex[:10].upper()}"
    yield name
    asyncio.run(_delete(name))


def test_queue_webhook_publishes_signed_payloads_with_event_id_as_msg_id(
    hooks: Hooks, stream: str, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    subject = f"patron.{stream.lower()}.customers"
    hook = hooks.create(f"{NATS}/{stream}/{subject}", webHookType="QUEUE")
    start_dispatcher()
    event_ids = hooks.register(2)
    wait_until(lambda: [d.status for d in hooks.deliveries(hook["webHookId"])] == ["SUCCEEDED"] * 2)
    messages = asyncio.run(_read(stream))
    assert [m.headers["Nats-Msg-Id"] for m in messages] == event_ids
    for message in messages:
        assert message.subject == subject
        payload = StandardWebhook(hook["secret"]).verify(message.data, message.headers)
        assert payload["eventId"] == message.headers["Nats-Msg-Id"]
        assert payload["consumerGroupId"] == hook["consumerGroupId"]


def test_republishing_an_event_is_deduplicated_by_the_broker(
    hooks: Hooks, stream: str, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hook = hooks.create(f"{NATS}/{stream}/patron.dedupe", webHookType="QUEUE")
    start_dispatcher()
    [event_id] = hooks.register()
    wait_until(lambda: [d.status for d in hooks.deliveries(hook["webHookId"])] == ["SUCCEEDED"])
    hooks.api.post(f"/v3/webHooks/eventLog/{event_id}/replay")
    wait_until(lambda: len(hooks.attempts(hook["webHookId"])) == 2)
    wait_until(lambda: [d.status for d in hooks.deliveries(hook["webHookId"])] == ["SUCCEEDED"])
    assert len(asyncio.run(_read(stream))) == 1


def test_an_unreachable_broker_is_retried(
    hooks: Hooks, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook = hooks.create(f"nats://127.0.0.1:{port}/NOWHERE/patron.x", webHookType="QUEUE")
    start_dispatcher()
    hooks.register()
    wait_until(lambda: len(hooks.attempts(hook["webHookId"])) >= 2, timeout=20)
    attempts = hooks.attempts(hook["webHookId"])
    assert all(a.outcome in ("RETRY", None) for a in attempts)
    assert attempts[0].error
    assert hooks.deliveries(hook["webHookId"])[0].status == "PENDING"


def test_a_queue_int_webhook_publishes_like_a_queue_webhook(
    hooks: Hooks, stream: str, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hook = hooks.create(f"{NATS}/{stream}/patron.queue-int", webHookType="QUEUE_INT")
    assert hook["webHookType"] == "QUEUE"
    start_dispatcher()
    [event_id] = hooks.register()
    wait_until(lambda: [d.status for d in hooks.deliveries(hook["webHookId"])] == ["SUCCEEDED"])
    [message] = asyncio.run(_read(stream))
    assert message.headers["Nats-Msg-Id"] == event_id


def test_a_static_content_type_travels_with_the_message(
    hooks: Hooks, stream: str, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    hook = hooks.create(
        f"{NATS}/{stream}/patron.typed",
        webHookType="QUEUE",
        webHookHeaders={"Content-Type": "application/json; charset=utf-8", "X-Tenant": "acme"},
    )
    start_dispatcher()
    hooks.register()
    wait_until(lambda: [d.status for d in hooks.deliveries(hook["webHookId"])] == ["SUCCEEDED"])
    [message] = asyncio.run(_read(stream))
    assert message.headers["content-type"] == "application/json; charset=utf-8"
    assert "X-Tenant" not in message.headers
