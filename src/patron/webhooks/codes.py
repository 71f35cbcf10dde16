"""The documented error codes of the webhooks API (docs/webhooks.md lists them)."""

from __future__ import annotations

from patron.errors import Conflict, Invalid, NotFound

# The hosted platform's codes.
EVENT_NAMES_INVALID = 51003
MAX_CONNECTIONS_INVALID = 51007
MAX_CONNECTIONS_MISSING = 300004

# patron's own codes, in a block of their own.
URL_INVALID = 51101
URL_PRIVATE = 51102
NAME_TAKEN = 51103
WEBHOOK_NOT_FOUND = 51104
NAME_INVALID = 51105
METHOD_INVALID = 51106
TYPE_INVALID = 51107
PAYLOAD_FORMAT_INVALID = 51108
HEADER_INVALID = 51109
EVENT_NOT_FOUND = 51110
REPLAY_WINDOW_INVALID = 51111
EVENT_LOG_QUERY_INVALID = 51112
WEBHOOK_INACTIVE = 51113
SLA_INVALID = 51114
IDENTIFIERS_INVALID = 51115


def webhook_not_found(webhook_id: int) -> NotFound:
    """Return the error for an id that names no webhook of the org."""
    return NotFound(WEBHOOK_NOT_FOUND, f"Webhook {webhook_id} not found")


def name_taken(name: str) -> Conflict:
    """Return the error for a name another webhook of the org already has."""
    return Conflict(NAME_TAKEN, f"A webhook named {name!r} already exists")


def url_invalid(reason: str) -> Invalid:
    """Return the error for a malformed webhook URL."""
    return Invalid(URL_INVALID, f"Invalid webHookUrl: {reason}")


def url_private(host: str) -> Invalid:
    """Return the error for a URL that reaches a loopback, private or link-local address."""
    return Invalid(
        URL_PRIVATE,
        f"webHookUrl host {host!r} resolves to a loopback, private or link-local address; "
        "this org is not allowed to deliver to such addresses",
    )


def webhook_inactive(webhook_id: int) -> Conflict:
    """Return the error for a replay into an inactive webhook."""
    return Conflict(
        WEBHOOK_INACTIVE, f"Webhook {webhook_id} is not active: activate it before replaying"
    )
