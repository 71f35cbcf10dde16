"""The HTTP sender: aiohttp over keep-alive connection pools, never following redirects.

One ``ClientSession`` per kind of destination (public only, or any) keeps idle HTTP/1.1
connections per host for reuse; aiohttp's C parser reads the answers. Only the status, two
headers (``Retry-After``, ``Location``) and a bounded drain of the body are used: a larger
body closes its connection instead of being read to the end.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from multidict import CIMultiDictProxy
from yarl import URL

from patron.config import Settings
from patron.kit import clock
from patron.webhooks.addresses import is_public_address
from patron.webhooks.retry import parse_retry_after
from patron.webhooks.senders.base import Answer, Job

# Enough of a response body to keep the connection reusable; past it the connection is closed.
MAX_BODY_BYTES = 64 * 1024
# Idle connections are dropped before the common 5 s keep-alive timeout of servers, so a
# request is not written into a connection the server is closing at that moment.
KEEPALIVE_SECONDS = 4.0
# Headers aiohttp would add on its own; a webhook request carries only its job's.
SKIPPED_HEADERS = ("User-Agent", "Accept", "Accept-Encoding")


class RefusedError(OSError):
    """The destination resolves to an address this request may not reach."""


class PublicOnlyResolver(AbstractResolver):
    """Resolves names to public addresses only, checked on every resolution (a DNS answer
    that later turns private is refused)."""

    def __init__(self) -> None:
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host``; refuse it when any of its addresses is not public."""
        infos = await self._inner.resolve(host, port, family)
        if not infos or not all(is_public_address(info["host"]) for info in infos):
            raise RefusedError(
                f"refused to connect to {host!r}: it resolves to a non-public address"
            )
        return infos

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()


def _is_private_literal(host: str) -> bool:
    """Tell whether ``host`` is an IP address that is not public (aiohttp dials an address
    literal without asking the resolver)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not is_public_address(host.strip("[]"))


def _session(settings: Settings, *, public_only: bool) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=settings.dispatcher_concurrency,
        limit_per_host=0,
        keepalive_timeout=KEEPALIVE_SECONDS,
        resolver=PublicOnlyResolver() if public_only else None,
        # Every connection's addresses are resolved (and checked) when it is opened.
        use_dns_cache=not public_only,
    )
    timeout = aiohttp.ClientTimeout(
        total=settings.webhook_timeout_seconds, connect=settings.webhook_connect_timeout_seconds
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        auto_decompress=False,
        skip_auto_headers=SKIPPED_HEADERS,
        trust_env=False,
        raise_for_status=False,
    )


class HttpSender:
    """Sends jobs over HTTP; jobs of orgs (or a server) allowed private destinations use an
    unrestricted session, the others one that dials public addresses only."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._allow_private = settings.webhook_allow_private_addresses
        self._public: aiohttp.ClientSession | None = None
        self._any: aiohttp.ClientSession | None = None

    def _session_for(self, job: Job) -> aiohttp.ClientSession:
        # Sessions are made on first use, inside the event loop that sends.
        if job.allow_private or self._allow_private:
            if self._any is None:
                self._any = _session(self._settings, public_only=False)
            return self._any
        if self._public is None:
            self._public = _session(self._settings, public_only=True)
        return self._public

    async def send(self, job: Job) -> Answer:
        """Make the request once; a redirect, an error status or a network error is a failure."""
        try:
            url = URL(job.url)
            host = url.host
        except ValueError as exc:
            return Answer(error=f"invalid URL: {exc}"[:500], final=True)
        if url.scheme not in ("http", "https") or not host:
            return Answer(error=f"invalid URL: not an http(s) URL: {job.url!r}"[:500], final=True)
        if not (job.allow_private or self._allow_private) and _is_private_literal(host):
            return Answer(
                error=f"RefusedError: refused to connect to {host!r}: it is a non-public address"
            )
        session = self._session_for(job)
        try:
            async with session.request(
                job.method,
                url,
                data=job.body,
                headers=job.headers,
                allow_redirects=False,
            ) as response:
                await _drain(response)
                return _answer(response.status, response.headers)
        except TimeoutError:
            return Answer(
                error=f"timeout: no answer within {self._settings.webhook_timeout_seconds:g}s"
            )
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return Answer(error=_describe(exc)[:500])

    async def aclose(self) -> None:
        """Close both sessions and their connections."""
        for session in (self._public, self._any):
            if session is not None:
                await session.close()
        self._public = self._any = None


async def _drain(response: aiohttp.ClientResponse) -> None:
    """Read the answer's body up to ``MAX_BODY_BYTES``; a longer one closes its connection."""
    read = 0
    while not response.content.at_eof():
        chunk = await response.content.read(MAX_BODY_BYTES)
        if not chunk:
            break
        read += len(chunk)
        if read > MAX_BODY_BYTES:
            response.close()
            return


def _answer(status: int, headers: CIMultiDictProxy[str]) -> Answer:
    retry_after = parse_retry_after(headers.get("retry-after"), clock.now())
    if 200 <= status < 300:
        return Answer(status_code=status)
    if 300 <= status < 400:
        error = f"HTTP {status}: redirect to {headers.get('location', '')!r} not followed"
        return Answer(status_code=status, error=error[:500], retry_after=retry_after)
    return Answer(status_code=status, error=f"HTTP {status}", retry_after=retry_after)


def _describe(exc: Any) -> str:
    if isinstance(exc, RefusedError):
        return f"RefusedError: {exc}"
    # A connection failure names the system error behind it (ConnectionRefusedError…).
    cause = getattr(exc, "os_error", None)
    if isinstance(cause, RefusedError):
        return f"RefusedError: {cause}"
    if isinstance(cause, OSError):
        return f"{type(cause).__name__}: {exc}"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"
