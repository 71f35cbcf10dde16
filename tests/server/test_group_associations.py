"""Over real sockets, on the demo org: customers registered and associated in ``demo-fleet``
are listed at once by ``GET /v2/customers/bulk`` on another connection (with two workers,
often another process)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.process import Server

_mobiles = itertools.count(30_000_000)
WECHAT = {"source": "WECHAT", "accountId": "WECHAT-CM"}


def mobile() -> str:
    return f"9197{next(_mobiles):08d}"


def customer(number: str) -> dict[str, Any]:
    return {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [
            {
                "firstName": "Ada",
                "lastName": "Byron",
                "identifiers": [{"type": "mobile", "value": number}],
                **WECHAT,
            }
        ],
    }


def owner_with(owner: str, *drivers: str) -> dict[str, Any]:
    association = {
        "hierarchyCode": "demo-fleet",
        "roleCode": "OWNER",
        "childRoleCode": "DRIVER",
        "childCustomers": [customer(d) for d in drivers],
    }
    return {**customer(owner), "associationDetails": association}


def children(client: httpx.Client, owner: str) -> dict[str, Any]:
    params = {
        **WECHAT,
        "associationEntityType": "parentCustomer",
        "associationEntityIdentifierType": "mobile",
        "associationEntityIdentifierValue": owner,
    }
    response = client.get("/v2/customers/bulk", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def listed(answer: dict[str, Any]) -> list[str]:
    return [c["profiles"][0]["identifiers"][0]["value"] for c in answer["entity"]["customers"]]


@pytest.fixture
def writer(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def reader(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def test_associated_children_are_listed_at_once(writer: httpx.Client, reader: httpx.Client) -> None:
    misses = []
    for _ in range(5):
        owner, drivers = mobile(), [mobile(), mobile()]
        response = writer.post("/v2/customers/bulk", json=[owner_with(owner, *drivers)])
        assert response.status_code == 200, response.text
        assert response.json()[0]["childSuccessCount"] == 2
        answer = children(reader, owner)
        if (listed(answer), answer["entity"]["count"]) != (drivers, 2):
            misses.append(answer)
    assert misses == []


def test_a_moved_driver_is_listed_under_its_new_owner_at_once(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    first, second, driver = mobile(), mobile(), mobile()
    created = writer.post(
        "/v2/customers/bulk", json=[owner_with(first, driver), owner_with(second)]
    )
    assert created.status_code == 200, created.text
    move = {**customer(driver), "associationDetails": {"parentCustomer": customer(second)}}
    moved = writer.put("/v2/bulk", params=WECHAT, json=[move])
    assert moved.status_code == 200, moved.text
    assert listed(children(reader, second)) == [driver]
    assert listed(children(reader, first)) == []
