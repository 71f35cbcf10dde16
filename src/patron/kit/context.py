"""Per-request context shared with logging and the outbox."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("patron_request_id", default="")


def current_request_id() -> str:
    """Return the id of the API request being served ('' outside a request)."""
    return request_id_var.get()
