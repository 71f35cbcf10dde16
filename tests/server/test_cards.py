"""Over real sockets, on the demo org: cards generated, one registered with a customer, fetched,
suspended, reactivated and refused a transition, each read on another connection than its
write (with two workers, often another process)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.process import Server

_mobiles = itertools.count(40_000_000)


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def writer(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def reader(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def status_of(reader: httpx.Client, customer_id: int) -> str:
    (details,) = ok(reader.get(f"/v2/customers/{customer_id}"))["cardDetails"]
    status: str = details["statusInfo"]["status"]
    return status


def test_a_generated_card_is_registered_fetched_suspended_and_reactivated(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    generate = {"seriesCode": "DEMO-GEN", "count": 2, "statusLabel": "NOT_ISSUED"}
    number, _ = ok(writer.post("/v2/card/generate", json=generate))["entity"]
    (series,) = ok(reader.get("/v2/card/series", params={"code": "DEMO-GEN"}))["entity"]
    body = {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [
            {
                "firstName": "Ada",
                "lastName": "Byron",
                "source": "INSTORE",
                "identifiers": [
                    {"type": "mobile", "value": f"9194{next(_mobiles):08d}"},
                    {
                        "type": "cardnumber",
                        "value": number,
                        "seriesId": series["id"],
                        "statusLabel": "ACTIVE",
                    },
                ],
            }
        ],
    }
    customer_id = int(ok(writer.post("/v2/customers", json=body))["createdId"])
    (details,) = ok(reader.get(f"/v2/customers/{customer_id}"))["cardDetails"]
    assert (details["cardNumber"], details["customerId"]) == (number, customer_id)
    assert (details["seriesId"], details["statusInfo"]["status"]) == (series["id"], "ACTIVE")
    change = {"cardNumber": number, "statusLabel": "SUSPENDED", "statusInfo": {"reason": "lost"}}
    ok(writer.put("/v2/card", json=change))
    assert status_of(reader, customer_id) == "SUSPENDED"
    ok(writer.put("/v2/card", json={**change, "statusLabel": "ACTIVE"}))
    assert status_of(reader, customer_id) == "ACTIVE"
    refused = writer.put("/v2/card", json={**change, "statusLabel": "NOT_ISSUED"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == 3038
    log = ok(reader.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert [e["status"] for e in log] == ["NOT_ISSUED", "ACTIVE", "SUSPENDED", "ACTIVE"]
