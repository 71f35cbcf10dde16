"""Static webhook headers: which are accepted, and how they join patron's own on a request."""

from __future__ import annotations

import re
from collections.abc import Mapping

from patron.errors import Invalid
from patron.webhooks import codes
from patron.webhooks.views import MASK

MAX_HEADERS = 32
MAX_VALUE_LENGTH = 4096
_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$")
# Visible ASCII, spaces and tabs: what every HTTP client sends as is.
_VALUE = re.compile(r"^[\t\x20-\x7e]*$")
# The Standard Webhooks headers patron signs every request with; no static header replaces them.
RESERVED = frozenset({"webhook-id", "webhook-timestamp", "webhook-signature"})
# Framing the HTTP client computes from the body; a static value is kept but never sent.
FRAMING = frozenset({"content-length", "transfer-encoding"})


def static_headers(
    values: Mapping[str, str] | None, previous: Mapping[str, str]
) -> dict[str, str] | None:
    """Validate the static headers of a webhook; a masked value keeps the stored one."""
    if values is None:
        return None
    if len(values) > MAX_HEADERS:
        raise Invalid(codes.HEADER_INVALID, f"At most {MAX_HEADERS} webHookHeaders are allowed")
    stored = {name.lower(): value for name, value in previous.items()}
    seen: set[str] = set()
    out: dict[str, str] = {}
    for name, value in values.items():
        lower = name.lower()
        if not _NAME.match(name) or lower in RESERVED:
            raise Invalid(codes.HEADER_INVALID, f"Invalid or reserved header name {name!r}")
        if lower in seen:
            raise Invalid(codes.HEADER_INVALID, f"Header {name!r} is given twice")
        seen.add(lower)
        if not _VALUE.match(value) or len(value) > MAX_VALUE_LENGTH:
            raise Invalid(
                codes.HEADER_INVALID,
                f"Invalid value for header {name!r}: use up to {MAX_VALUE_LENGTH} visible "
                "ASCII characters, spaces or tabs",
            )
        # A read shows values masked; sending the mask back keeps the stored value.
        out[name] = stored.get(lower, value) if value == MASK else value
    return out


def request_headers(
    defaults: Mapping[str, str], static: Mapping[str, str], signing: Mapping[str, str]
) -> dict[str, str]:
    """Merge patron's defaults, the static headers and the signature, later ones winning.

    Names compare case-insensitively, so a static ``Content-Type`` replaces the default
    ``content-type`` instead of being sent beside it; framing headers are left to the client.
    """
    merged: dict[str, tuple[str, str]] = {}
    for layer in (defaults, static, signing):
        for name, value in layer.items():
            if name.lower() not in FRAMING:
                merged[name.lower()] = (name, value)
    return dict(merged.values())
