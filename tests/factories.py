"""Small builders of request bodies and customers for tests."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
_numbers = itertools.count(1)


def unique_mobile() -> str:
    """Return a valid, unused Indian mobile number (E.164 digits)."""
    return f"9198{next(_numbers) + 10_000_000:08d}"


def register_sample() -> dict[str, Any]:
    """Return the seed's register sample (its two JSON typos fixed), its card in the demo org's
    external series ``DEMO-EXT`` (the sample's series 19 is not one of the org's)."""
    data: dict[str, Any] = json.loads((FIXTURES / "register_sample.json").read_text())
    for ident in data["profiles"][0]["identifiers"]:
        if ident["type"] == "cardnumber":
            del ident["seriesId"]
            ident["seriesCode"] = "DEMO-EXT"
    return data


def profile(
    mobile: str | None = None,
    *,
    source: str = "INSTORE",
    account_id: str | None = None,
    identifiers: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Return a profile with a mobile identifier (or the given identifiers)."""
    body: dict[str, Any] = {
        "firstName": "Tom",
        "lastName": "Sawyer",
        "source": source,
        "identifiers": identifiers
        if identifiers is not None
        else [{"type": "mobile", "value": mobile or unique_mobile()}],
    }
    if account_id is not None:
        body["accountId"] = account_id
    body.update(extra)
    return body


def registration(
    *profiles: dict[str, Any], loyalty_type: str = "loyalty", **extra: Any
) -> dict[str, Any]:
    """Return a registration body."""
    body: dict[str, Any] = {
        "loyaltyInfo": {"loyaltyType": loyalty_type},
        "profiles": list(profiles) or [profile()],
    }
    body.update(extra)
    return body
