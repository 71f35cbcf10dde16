"""Reading numbers from JSON input exactly."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def decimal_of(value: Any) -> Decimal | None:
    """Return ``value`` as a finite decimal (a JSON number or numeric text), or None.

    A float is read by its shortest representation (``0.1`` is ``Decimal("0.1")``); booleans,
    NaN, infinities and other text are not numbers.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = repr(value)
    if not isinstance(value, str):
        return None
    try:
        parsed = Decimal(value.strip())
    except InvalidOperation:
        return None
    return parsed if parsed.is_finite() else None
