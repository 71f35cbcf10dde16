"""Over real sockets: a read right after a write answered 2xx always sees the write.

Writes and reads go over two different keep-alive connections, so with two server workers the
read is often served by the other process. Each check runs in a tight loop: one miss fails.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.reliability.receiver import Receiver
from tests.server.process import DEMO_CLIENT, Server

_mobiles = itertools.count(10_000_000)
LOOPS = 30
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def mobile() -> str:
    return f"9197{next(_mobiles):08d}"


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def register(client: httpx.Client, number: str, **extra: Any) -> int:
    body = {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [
            {
                "firstName": "Ada",
                "source": "INSTORE",
                "identifiers": [{"type": "mobile", "value": number}],
            }
        ],
        **extra,
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


def test_registration_is_found_at_once(writer: httpx.Client, reader: httpx.Client) -> None:
    misses = []
    for _ in range(150):
        number = mobile()
        created = register(writer, number)
        found = reader.get(
            "/v2/customers/lookup",
            params={"source": "INSTORE", "identifierName": "mobile", "identifierValue": number},
        )
        if found.status_code != 200 or found.json()["entity"] != created:
            misses.append((number, found.status_code))
    assert misses == []


def test_update_by_id_and_by_identifier_are_read_back(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    number = mobile()
    customer = register(writer, number)
    by_identifier = {"source": "INSTORE", "identifierName": "mobile", "identifierValue": number}
    for round_ in range(LOOPS):
        name = f"First{round_}"
        ok(
            writer.put(
                f"/v2/customers/{customer}",
                params={"source": "INSTORE"},
                json={"profiles": [{"firstName": name}]},
            )
        )
        fetched = ok(reader.get(f"/v2/customers/{customer}", params={"source": "INSTORE"}))
        assert fetched["profiles"][0]["firstName"] == name
        last = f"Last{round_}"
        ok(
            writer.put(
                "/v2/customers/lookup",
                params=by_identifier,
                json={"profiles": [{"lastName": last}]},
            )
        )
        details = ok(reader.get("/v2/customers/lookup/customerDetails", params=by_identifier))
        assert details["profiles"][0]["lastName"] == last


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_changed_identifier_is_found_at_once(
    writer: httpx.Client, reader: httpx.Client, method: str
) -> None:
    customer = register(writer, mobile())
    for round_ in range(LOOPS):
        email = f"raw{round_}.{customer}.{method.lower()}@example.com"
        ok(
            writer.request(
                method,
                f"/v2/customers/{customer}/changeIdentifier",
                params={"source": "INSTORE"},
                json={"add": [{"type": "email", "value": email}]},
            )
        )
        found = ok(
            reader.get(
                "/v2/customers/lookup",
                params={"source": "INSTORE", "identifierName": "email", "identifierValue": email},
            )
        )
        assert found["entity"] == customer


def test_subscription_change_is_read_back(writer: httpx.Client, reader: httpx.Client) -> None:
    customer = register(writer, mobile())
    for round_ in range(LOOPS):
        status = "OPTOUT" if round_ % 2 == 0 else "OPTIN"
        body = {
            "subscriptions": [{"channel": "SMS", "priority": "BULK", "type": status}],
        }
        ok(writer.post(f"/v2/customers/{customer}/subscriptions", json=body))
        listed = ok(reader.get(f"/v2/customers/{customer}/subscriptions"))
        bulk_sms = [
            s
            for s in listed["subscriptions"]
            if s["channel"] == "SMS" and s["priority"] == "BULK" and "accountId" not in s
        ]
        assert [s["type"] for s in bulk_sms] == [status]


def test_status_change_is_read_back(writer: httpx.Client, reader: httpx.Client) -> None:
    number = mobile()
    customer = register(writer, number)
    by_identifier = {"source": "INSTORE", "identifierName": "mobile", "identifierValue": number}
    for round_ in range(LOOPS):
        label = "Suspended" if round_ % 2 == 0 else "Active"
        ok(
            writer.put(
                "/v2/customers/lookup/status",
                params=by_identifier,
                json={"reason": f"round {round_}", "label": label},
            )
        )
        log = ok(reader.get(f"/v2/customers/{customer}/statusLog"))
        assert log["data"][0]["label"] == label
        assert log["data"][0]["reason"] == f"round {round_}"


def test_image_is_read_back(writer: httpx.Client, reader: httpx.Client) -> None:
    customer = register(writer, mobile())
    for round_ in range(10):
        answer = ok(
            writer.post(
                f"/v2/customers/{customer}/setImage", files={"file": ("me.png", PNG, "image/png")}
            )
        )
        version = answer["data"][0]["file"]["latestVersion"]
        assert version == round_ + 1
        image = reader.get(f"/v2/customers/{customer}/image")
        assert image.status_code == 200
        assert image.headers["etag"] == f'"{version}"'
        assert image.content == PNG


def test_fresh_token_works_on_first_use(server: Server) -> None:
    refused = []
    with httpx.Client(base_url=server.base_url, timeout=30) as issuer:
        for _ in range(40):
            token = ok(issuer.post("/v3/oauth/token/generate", json=DEMO_CLIENT))["data"][
                "accessToken"
            ]
            # A new connection each time: with two workers, often the other process.
            first = httpx.get(
                f"{server.base_url}/v2/extendedFields",
                headers={"X-CAP-API-OAUTH-TOKEN": token},
                timeout=30,
            )
            if first.status_code != 200:
                refused.append(first.status_code)
    assert refused == []


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


def _webhook(receiver: Receiver, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "webHookUrl": receiver.url("/hook"),
        "eventNames": ["customerAdded"],
        "maxAllowedConnections": 2,
    }


def test_webhook_configuration_is_read_back(
    writer: httpx.Client, reader: httpx.Client, receiver: Receiver
) -> None:
    for round_ in range(LOOPS):
        created = ok(writer.post("/v3/webHooks", json=_webhook(receiver, f"raw-{round_}")))
        hook_id = created["data"]["webHookId"]
        assert ok(reader.get(f"/v3/webHooks/{hook_id}"))["data"]["name"] == f"raw-{round_}"
        ok(writer.put(f"/v3/webHooks/{hook_id}", json={"name": f"raw-{round_}-renamed"}))
        read = ok(reader.get(f"/v3/webHooks/{hook_id}"))["data"]
        assert read["name"] == f"raw-{round_}-renamed"
        ok(writer.put("/v3/webHooks", json={"webHookId": hook_id, "slaInSeconds": round_}))
        assert ok(reader.get(f"/v3/webHooks/{hook_id}"))["data"]["slaInSeconds"] == round_
        rotated = ok(writer.post(f"/v3/webHooks/{hook_id}/rotateSecret"))["data"]
        assert ok(reader.get(f"/v3/webHooks/{hook_id}"))["data"]["previousSecretExpiresOn"]
        assert rotated["secret"] != created["data"]["secret"]
        if round_ % 2:
            ok(writer.delete(f"/v3/webHooks/{hook_id}"))
        else:
            ok(writer.delete("/v3/webHooks", params={"webHookId": hook_id}))
        gone = reader.get(f"/v3/webHooks/{hook_id}")
        assert gone.status_code == 404, gone.text


def test_replays_are_read_back(
    writer: httpx.Client, reader: httpx.Client, receiver: Receiver
) -> None:
    hook = ok(writer.post("/v3/webHooks", json=_webhook(receiver, "raw-replays")))["data"]
    hook_id = hook["webHookId"]
    customer = register(writer, mobile())
    log = ok(reader.get("/v3/webHooks/eventLog", params={"refId": f"100_{customer}"}))["data"]
    event_id = log[0]["eventId"]

    def delivery() -> dict[str, Any]:
        entry = ok(reader.get(f"/v3/webHooks/eventLog/{event_id}"))["data"]
        found = [d for d in entry["deliveries"] if d["webHookId"] == hook_id]
        return found[0] if found else {}

    def replay_count() -> int | None:
        count = delivery().get("replayCount")
        return None if count is None else int(count)

    try:
        deadline = time.monotonic() + 15
        while replay_count() is None:  # the dispatcher fans the event out to the webhook
            assert time.monotonic() < deadline, "the event never reached the webhook"
            time.sleep(0.05)
        for _ in range(10):
            before = replay_count()
            answer = ok(
                writer.post(f"/v3/webHooks/eventLog/{event_id}/replay", json={"webHookId": hook_id})
            )
            after = replay_count()
            if answer["data"]["replayed"]:
                assert before is not None
                assert after == before + 1
            else:
                assert after == before  # in flight right now: left alone
        ok(writer.put(f"/v3/webHooks/{hook_id}", json={"active": False}))
        assert ok(reader.get(f"/v3/webHooks/{hook_id}"))["data"]["active"] is False
        ok(writer.put(f"/v3/webHooks/{hook_id}", json={"active": True}))
        assert ok(reader.get(f"/v3/webHooks/{hook_id}"))["data"]["active"] is True
        ok(writer.post(f"/v3/webHooks/{hook_id}/replayMissed"))
        # Once the delivery has settled, a window holding the event must re-arm it.
        created_at = log[0]["createdAt"]
        deadline = time.monotonic() + 15
        while delivery()["status"] == "PENDING":
            assert time.monotonic() < deadline, "the replayed delivery never settled"
            time.sleep(0.05)
        before = replay_count()
        window = {"from": created_at, "to": created_at + 1}
        assert ok(writer.post(f"/v3/webHooks/{hook_id}/replay", json=window))["data"]["replayed"]
        assert replay_count() == (before or 0) + 1
    finally:
        ok(writer.delete(f"/v3/webHooks/{hook_id}"))
