"""The broker sender: publishes to NATS JetStream and waits for the stream's acknowledgement."""

from __future__ import annotations

import asyncio
import contextlib

import nats
import structlog
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from patron.config import Settings
from patron.webhooks.addresses import Destination, is_public_address, parse_destination
from patron.webhooks.models import WebhookType
from patron.webhooks.senders.base import Answer, Job

log = structlog.get_logger("patron.webhooks.nats")
# Headers that travel with a broker message: the payload type and the signature.
FORWARDED = ("content-type", "webhook-id", "webhook-timestamp", "webhook-signature")
MSG_ID = "Nats-Msg-Id"


async def _quiet(exc: Exception) -> None:
    log.debug("nats_client_error", error=str(exc))


class NatsSender:
    """Publishes each job to its subject with ``Nats-Msg-Id`` = eventId (the broker dedupes)."""

    def __init__(self, settings: Settings) -> None:
        self._timeout = settings.webhook_timeout_seconds
        self._connect_timeout = settings.webhook_connect_timeout_seconds
        self._clients: dict[str, Client] = {}
        self._streams: set[tuple[str, str]] = set()
        self._lock = asyncio.Lock()

    async def _connect(self, destination: Destination, *, allow_private: bool) -> Client:
        server = destination.server
        async with self._lock:
            client = self._clients.get(server)
            if client is not None and not client.is_closed:
                return client
            loop = asyncio.get_running_loop()
            infos = await loop.getaddrinfo(destination.host, destination.port)
            if not allow_private and not all(is_public_address(str(i[4][0])) for i in infos):
                raise ConnectionRefusedError(
                    f"refused to connect to {destination.host!r}: it resolves to a non-public address"
                )
            client = await nats.connect(
                servers=[server],
                connect_timeout=self._connect_timeout,
                max_reconnect_attempts=3,
                error_cb=_quiet,
            )
            self._clients[server] = client
            return client

    async def _ensure_stream(self, js: JetStreamContext, destination: Destination) -> None:
        assert destination.stream is not None
        assert destination.subject is not None
        key = (destination.server, destination.stream)
        if key in self._streams:
            return
        try:
            await js.stream_info(destination.stream)
        except NotFoundError:
            await js.add_stream(name=destination.stream, subjects=[destination.subject])
        self._streams.add(key)

    async def send(self, job: Job) -> Answer:
        """Publish once and wait for the acknowledgement; any failure is retried later."""
        destination = parse_destination(job.url, WebhookType.QUEUE)
        assert destination.subject is not None
        named = {name.lower(): value for name, value in job.headers.items()}
        headers = {name: named[name] for name in FORWARDED if name in named}
        headers[MSG_ID] = job.event_id
        try:
            client = await self._connect(destination, allow_private=job.allow_private)
            js = client.jetstream(timeout=self._timeout)
            await self._ensure_stream(js, destination)
            await js.publish(
                destination.subject,
                job.body,
                timeout=self._timeout,
                stream=destination.stream,
                headers=headers,
            )
        except (NatsError, OSError, TimeoutError) as exc:
            return Answer(error=f"{type(exc).__name__}: {exc}"[:500])
        return Answer(acknowledged=True)

    async def aclose(self) -> None:
        """Drain and close every broker connection."""
        for client in self._clients.values():
            if not client.is_closed:
                with contextlib.suppress(NatsError, OSError):  # closing is best effort
                    await client.close()
        self._clients.clear()
