"""Webhook URLs: parsing them, and refusing loopback, private and link-local destinations."""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from patron.webhooks import codes
from patron.webhooks.models import WebhookType

MAX_URL_LENGTH = 2048
_STREAM = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SUBJECT = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
DEFAULT_NATS_PORT = 4222


@dataclass(frozen=True)
class Destination:
    """A parsed webhook URL: where to connect, and for a queue the stream and subject."""

    scheme: str
    host: str
    port: int
    stream: str | None = None
    subject: str | None = None

    @property
    def server(self) -> str:
        """Return the broker address (``nats://host:port``) of a queue destination."""
        return f"{self.scheme}://{self.host}:{self.port}"


# IPv6 global unicast; everything outside it that a host can dial is local or reserved.
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
# Forms that carry an IPv4 address in their last 32 bits: IPv4-compatible and NAT64.
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """Return the IPv4 addresses an IPv6 address reaches through, or () when it embeds none."""
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if ip in _IPV4_COMPATIBLE or ip in _NAT64:
        return (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    if ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip.teredo is not None:
        return ip.teredo  # the Teredo server and the (de-obfuscated) client
    return ()


def _is_public_ipv4(ip: ipaddress.IPv4Address) -> bool:
    return ip.is_global and not ip.is_multicast


def is_public_address(address: str) -> bool:
    """Tell whether ``address`` is a globally routable unicast IP (not loopback, private…).

    An IPv6 address that embeds IPv4 addresses (mapped, compatible, NAT64, 6to4, Teredo) is
    public only when every embedded address is; a translator or tunnel would deliver there.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv4Address):
        return _is_public_ipv4(ip)
    embedded = _embedded_ipv4(ip)
    if embedded:
        return all(_is_public_ipv4(v4) for v4 in embedded)
    return ip in _GLOBAL_UNICAST and ip.is_global and not ip.is_multicast


def parse_destination(url: str, kind: WebhookType) -> Destination:
    """Parse ``url`` for a webhook of ``kind`` or raise the documented error."""
    if len(url) > MAX_URL_LENGTH:
        raise codes.url_invalid(f"longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise codes.url_invalid(str(exc)) from None
    if parts.username is not None or parts.password is not None:
        raise codes.url_invalid("credentials in the URL are not allowed; use webHookHeaders")
    host = parts.hostname
    if not host:
        raise codes.url_invalid("a host is required")
    if kind == WebhookType.QUEUE:
        return _queue_destination(parts.scheme, host, port, parts.path)
    if parts.scheme not in ("http", "https"):
        raise codes.url_invalid("the scheme must be http or https")
    return Destination(parts.scheme, host, port or (443 if parts.scheme == "https" else 80))


def _queue_destination(scheme: str, host: str, port: int | None, path: str) -> Destination:
    if scheme != "nats":
        raise codes.url_invalid("a QUEUE webhook URL is nats://host:port/<stream>/<subject>")
    stream, _, subject = path.lstrip("/").partition("/")
    if not _STREAM.match(stream) or not _SUBJECT.match(subject):
        raise codes.url_invalid(
            "a QUEUE webhook URL is nats://host:port/<stream>/<subject>; the stream is letters, "
            "digits, '-' or '_' and the subject dot-separated tokens without wildcards"
        )
    return Destination(scheme, host, port or DEFAULT_NATS_PORT, stream, subject)


def resolve(host: str, port: int) -> list[str]:
    """Return every address ``host`` resolves to, or raise the documented error."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise codes.url_invalid(f"host {host!r} cannot be resolved") from None
    return sorted({str(info[4][0]) for info in infos})


def check_destination(destination: Destination, *, allow_private: bool) -> None:
    """Refuse a destination that resolves to a non-public address unless that is allowed."""
    addresses = resolve(destination.host, destination.port)
    if not allow_private and not all(is_public_address(a) for a in addresses):
        raise codes.url_private(destination.host)
