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


def parse_id(value: object) -> int | None:
    """Return the id ``value`` holds (an int, or ASCII digits, from 1 to ``MAX_ID``), or None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
        return None
    return int(text)
