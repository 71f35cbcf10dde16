"""Over real sockets, on the demo org: a user group created, joined, left and read back, each
read on another connection than its write (with two workers, often another process)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.process import Server

_mobiles = itertools.count(30_000_000)


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def register(client: httpx.Client) -> int:
    body = {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [
            {
                "firstName": "Ada",
                "lastName": "Byron",
                "source": "INSTORE",
                "identifiers": [{"type": "mobile", "value": f"9194{next(_mobiles):08d}"}],
            }
        ],
    }
    return int(ok(client.post("/v2/customers", json=body))["createdId"])


@pytest.fixture
def writer(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def reader(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def test_a_group_is_created_joined_left_and_read_back(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    primary, first, second = register(writer), register(writer), register(writer)
    external = f"fleet-{uuid.uuid4().hex[:12]}"
    body = {"externalId": external, "groupName": "Byrons", "maxGroupSize": 3}
    group_id = ok(writer.post("/v2/userGroup2", json={**body, "primaryUserId": primary}))["entity"]
    found = ok(reader.get("/v2/userGroup2", params={"externalId": external}))
    assert (found["id"], found["memberCount"]) == (group_id, 1)
    assert found["primaryMember"]["userId"] == primary

    members = [{"userId": first}, {"userId": second, "permissions": ["block_points_transfer"]}]
    joined = ok(writer.post("/v2/userGroup2/join", params={"id": group_id}, json=members))
    assert joined["failureCount"] == 0
    listed = ok(reader.get("/v2/userGroup2/members", params={"id": group_id}))["data"][0]
    assert [m["userId"] for m in listed["members"]] == [primary, first, second]
    assert listed["members"][2]["permissions"] == ["block_points_transfer"]

    left = writer.delete(
        f"/v2/userGroup2/{group_id}/leave",
        params={"identifierName": "id", "identifierValue": first},
    )
    assert ok(left)["entity"]["active"] is False
    assert ok(reader.get("/v2/userGroup2", params={"id": group_id}))["memberCount"] == 2
    mine = ok(
        reader.get(
            "/v2/userGroup2/members", params={"identifierName": "id", "identifierValue": first}
        )
    )
    assert mine["data"] == []


def test_the_last_place_refused_leaves_the_connection_usable(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    body = {"externalId": f"pair-{uuid.uuid4().hex[:12]}", "maxGroupSize": 1}
    group_id = ok(writer.post("/v2/userGroup2", json=body))["entity"]
    ok(
        writer.post(
            "/v2/userGroup2/join", params={"id": group_id}, json=[{"userId": register(writer)}]
        )
    )
    refused = writer.post(
        "/v2/userGroup2/join", params={"id": group_id}, json=[{"userId": register(writer)}]
    )
    assert refused.status_code == 400
    assert refused.json()["response"][0]["errors"][0]["code"] == 1638
    assert ok(writer.get("/v2/userGroup2", params={"id": group_id}))["memberCount"] == 1
    assert ok(reader.get("/v2/userGroup2", params={"id": group_id}))["memberCount"] == 1
