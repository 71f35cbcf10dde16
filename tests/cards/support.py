"""Small helpers of the cards tests: series, cards, customers holding cards."""

from __future__ import annotations

import itertools
from typing import Any

from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile

GENERATED = "DEMO-GEN"
EXTERNAL = "DEMO-EXT"
_numbers = itertools.count(1)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error(response: Any) -> tuple[int, int]:
    """Return (HTTP status, first error code)."""
    return response.status_code, int(response.json()["errors"][0]["code"])


def series_id(api: Api, code: str = GENERATED) -> int:
    """Return the id of a series, after a write (generating a card) stored the file's."""
    generate(api)
    (found,) = ok(api.get("/v2/card/series", params={"code": code}))["entity"]
    return int(found["id"])


def generate(api: Api, count: int = 1, **body: Any) -> list[str]:
    """Generate NOT_ISSUED cards of the demo's generated series."""
    payload = {"seriesCode": GENERATED, "count": count, "statusLabel": "NOT_ISSUED", **body}
    numbers: list[str] = ok(api.post("/v2/card/generate", json=payload))["entity"]
    return numbers


def card(number: str, **attrs: Any) -> dict[str, Any]:
    """Return a ``cardnumber`` identifier."""
    return {"type": "cardnumber", "value": number, **attrs}


def register_with(api: Api, *cards: dict[str, Any]) -> Any:
    """Register a loyalty customer holding a mobile and these card identifiers."""
    identifiers = [{"type": "mobile", "value": unique_mobile()}, *cards]
    return api.post("/v2/customers", json=registration(profile(identifiers=identifiers)))


def new_customer(api: Api) -> int:
    """Register a loyalty customer without cards; return its id."""
    return int(ok(register_with(api))["createdId"])


def link(api: Api, customer_id: int, number: str, label: str = "ACTIVE") -> Any:
    """Link a card to a customer through ``changeIdentifier``."""
    body = {"add": [card(number, seriesCode=GENERATED, statusLabel=label)]}
    return api.post(f"/v2/customers/{customer_id}/changeIdentifier?source=INSTORE", json=body)


def unlink(api: Api, customer_id: int, number: str, label: str = "NOT_ISSUED") -> Any:
    """Unlink a card from a customer through ``changeIdentifier``."""
    body = {"remove": [card(number, statusLabel=label)]}
    return api.post(f"/v2/customers/{customer_id}/changeIdentifier?source=INSTORE", json=body)


def set_status(api: Api, number: str, label: str, reason: str = "") -> Any:
    """Change a card's status with ``PUT /v2/card``."""
    body = {"cardNumber": number, "statusLabel": label, "statusInfo": {"reason": reason}}
    return api.put("/v2/card", json=body)


def card_details(api: Api, customer_id: int) -> list[dict[str, Any]]:
    """Return a fetched customer's ``cardDetails``."""
    details: list[dict[str, Any]] = ok(api.get(f"/v2/customers/{customer_id}"))["cardDetails"]
    return details


def unique_number(prefix: str = "EXT") -> str:
    """Return a card number no other test uses."""
    return f"{prefix}-{next(_numbers):06d}"
