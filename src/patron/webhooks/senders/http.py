"""The HTTP sender: one request per job with httpx, never following redirects."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable

import httpcore
import httpx

from patron.config import Settings
from patron.kit import clock
from patron.webhooks.addresses import is_public_address
from patron.webhooks.retry import parse_retry_after
from patron.webhooks.senders.base import Answer, Job

# Enough of a response body to keep the connection reusable; the rest is not read.
MAX_BODY_BYTES = 64 * 1024


class PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    """A network backend that connects only to public addresses, checked at connect time.

    Checking the addresses actually dialled (not just those seen when the URL was saved)
    defeats DNS answers that change to a private address later.
    """

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def sleep(self, seconds: float) -> None:
        """Sleep as the wrapped backend does."""
        await self._inner.sleep(seconds)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
        addresses = [str(info[4][0]) for info in infos]
        refused = [a for a in addresses if not is_public_address(a)]
        if refused or not addresses:
            raise httpcore.ConnectError(
                f"refused to connect to {host!r}: it resolves to a non-public address"
            )
        return await self._inner.connect_tcp(
            addresses[0],
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )


def _client(settings: Settings, *, public_only: bool) -> httpx.AsyncClient:
    limits = httpx.Limits(
        max_connections=settings.dispatcher_concurrency,
        max_keepalive_connections=settings.dispatcher_concurrency,
    )
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    if public_only:
        # httpx has no public hook for the network backend; the pool is rebuilt around one.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PublicOnlyBackend(),
        )
    timeout = httpx.Timeout(
        settings.webhook_timeout_seconds, connect=settings.webhook_connect_timeout_seconds
    )
    return httpx.AsyncClient(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
    )


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout: {type(exc).__name__} {exc}".strip()
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


class HttpSender:
    """Sends jobs over HTTP; orgs allowed private destinations use an unrestricted client."""

    def __init__(self, settings: Settings) -> None:
        self._public = _client(settings, public_only=not settings.webhook_allow_private_addresses)
        self._any = _client(settings, public_only=False)

    async def send(self, job: Job) -> Answer:
        """Make the request once; a redirect, an error status or a network error is a failure."""
        client = self._any if job.allow_private else self._public
        try:
            async with client.stream(
                job.method, job.url, content=job.body, headers=job.headers
            ) as response:
                await _drain(response)
        except httpx.HTTPError as exc:
            return Answer(error=_describe(exc)[:500])
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("retry-after"), clock.now())
        if 200 <= status < 300:
            return Answer(status_code=status)
        if 300 <= status < 400:
            location = response.headers.get("location", "")
            error = f"HTTP {status}: redirect to {location!r} not followed"
            return Answer(status_code=status, error=error[:500], retry_after=retry_after)
        return Answer(status_code=status, error=f"HTTP {status}", retry_after=retry_after)

    async def aclose(self) -> None:
        """Close both connection pools."""
        await self._public.aclose()
        await self._any.aclose()


async def _drain(response: httpx.Response) -> None:
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read > MAX_BODY_BYTES:
            break
