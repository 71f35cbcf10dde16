"""Identifier helpers."""

from __future__ import annotations

import uuid


def new_request_id() -> str:
    """Return a fresh API request id (32 lowercase hex characters)."""
    return uuid.uuid4().hex


def new_event_id() -> str:
    """Return a fresh event id (a UUID string)."""
    return str(uuid.uuid4())


# The largest id a 64-bit key holds; ids and offsets beyond it are refused as input.
MAX_ID = 2**63 - 1
