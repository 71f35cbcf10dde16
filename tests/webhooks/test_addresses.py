"""Webhook URLs: parsing, and refusing non-public destinations (also when sending)."""

from __future__ import annotations

import asyncio

import pytest

from patron.config import Settings
from patron.errors import Invalid
from patron.webhooks.addresses import check_destination, is_public_address, parse_destination
from patron.webhooks.models import WebhookType
from patron.webhooks.senders.base import Job
from patron.webhooks.senders.http import HttpSender
from tests.reliability.receiver import Receiver


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address under test, not a bind
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    ("address", "public"),
    [
        # IPv4-compatible (::/96): the last 32 bits are an IPv4 address.
        ("::127.0.0.1", False),
        ("::7f00:1", False),
        ("::a9fe:a9fe", False),
        ("::8.8.8.8", True),
        # IPv4-mapped (::ffff:0:0/96).
        ("::ffff:7f00:1", False),
        ("::ffff:8.8.8.8", True),
        # NAT64 well-known prefix (64:ff9b::/96); the local-use prefix is never public.
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::a9fe:a9fe", False),
        ("64:ff9b::a00:1", False),
        ("64:ff9b::808:808", True),
        ("64:ff9b:1::808:808", False),
        # 6to4 (2002::/16): bits 16 to 47 are the IPv4 address.
        ("2002:7f00:1::", False),
        ("2002:a9fe:a9fe::", False),
        ("2002:c0a8:101::1", False),
        ("2002:808:808::1", True),
        # Teredo (2001::/32): server and (obfuscated) client must both be public.
        ("2001:0:808:808::f7f7:f7f7", True),
        ("2001:0:7f00:1::f7f7:f7f7", False),
        ("2001:0:808:808::80ff:fffe", False),
        # IPv4-translated (::ffff:0:0:0/96) and other reserved space outside 2000::/3.
        ("::ffff:0:7f00:1", False),
        ("100::1", False),
        ("ff0e::1", False),
        ("2001:db8::1", False),
        ("2001:4860:4860::8888", True),
    ],
)
def test_ipv6_forms_embedding_ipv4_are_judged_by_the_ipv4(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_queue_url_names_server_stream_and_subject() -> None:
    destination = parse_destination("nats://broker:4223/PATRON/patron.events", WebhookType.QUEUE)
    assert (destination.host, destination.port) == ("broker", 4223)
    assert (destination.stream, destination.subject) == ("PATRON", "patron.events")
    assert destination.server == "nats://broker:4223"
    assert parse_destination("nats://broker/S/a.b", WebhookType.QUEUE).port == 4222


@pytest.mark.parametrize(
    "url", ["nats://b/S", "nats://b/S/a.*", "nats://b/S/a..b", "http://b/S/a", "nats:///S/a"]
)
def test_bad_queue_urls_are_refused(url: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_destination(url, WebhookType.QUEUE)
    assert caught.value.code == 51101


def test_loopback_is_refused_unless_allowed() -> None:
    destination = parse_destination("http://localhost:8080/x", WebhookType.HTTP)
    with pytest.raises(Invalid) as caught:
        check_destination(destination, allow_private=False)
    assert caught.value.code == 51102
    check_destination(destination, allow_private=True)


def _job(url: str, *, allow_private: bool) -> Job:
    return Job(
        delivery_id=1,
        attempt_id=1,
        webhook_id=1,
        org_id=1,
        event_id="e",
        kind=WebhookType.HTTP,
        url=url,
        method="POST",
        headers={"content-type": "application/json"},
        body=b"{}",
        allow_private=allow_private,
    )


def test_sender_refuses_a_private_address_at_connect_time(receiver: Receiver) -> None:
    async def send(allow_private: bool) -> tuple[int | None, str | None]:
        sender = HttpSender(Settings(webhook_timeout_seconds=2))
        try:
            answer = await sender.send(_job(receiver.url("/x"), allow_private=allow_private))
        finally:
            await sender.aclose()
        return answer.status_code, answer.error

    status, error = asyncio.run(send(False))
    assert status is None
    assert error is not None
    assert "non-public" in error
    assert receiver.requests() == []
    assert asyncio.run(send(True)) == (200, None)


def test_sender_refuses_a_name_that_resolves_to_a_private_address(receiver: Receiver) -> None:
    url = receiver.url("/x").replace("127.0.0.1", "localhost")

    async def send(allow_private: bool) -> tuple[int | None, str | None]:
        sender = HttpSender(Settings(webhook_timeout_seconds=2))
        try:
            answer = await sender.send(_job(url, allow_private=allow_private))
        finally:
            await sender.aclose()
        return answer.status_code, answer.error

    status, error = asyncio.run(send(False))
    assert status is None
    assert error is not None
    assert "RefusedError" in error
    assert "non-public" in error
    assert receiver.requests() == []
    assert asyncio.run(send(True)) == (200, None)
