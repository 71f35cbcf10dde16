"""Over real sockets, on the demo org with nothing configured by hand: the loyalty flows a
client relies on, each read on another connection than its write (with two workers, often
another process).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from patron.kit.secrets import md5_hex
from patron.orgs.demo import DEMO_APPROVER_CODE, DEMO_APPROVER_PASSWORD
from tests.server.process import PATRON, Server

_mobiles = itertools.count(20_000_000)
_bills = itertools.count(1)


def mobile() -> str:
    return f"9196{next(_mobiles):08d}"


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def register(client: httpx.Client, number: str, **extra: Any) -> dict[str, Any]:
    body = {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [
            {
                "firstName": "Ada",
                "lastName": "Byron",
                "source": "INSTORE",
                "identifiers": [{"type": "mobile", "value": number}],
            }
        ],
        **extra,
    }
    return ok(client.post("/v2/customers", json=body))


def purchase(client: httpx.Client, number: str, amount: float, **extra: Any) -> dict[str, Any]:
    params = {"identifierName": "mobile", "identifierValue": number, "source": "INSTORE"}
    body = {"type": "REGULAR", "billNumber": f"BB-{next(_bills)}", "billAmount": amount, **extra}
    return ok(client.post("/v2/transactions", params=params, json=body))


def details(client: httpx.Client, customer_id: int) -> dict[str, Any]:
    item: dict[str, Any] = ok(client.get(f"/v2/customers/{customer_id}/loyaltyDetails"))["data"][0]
    return item


@pytest.fixture
def writer(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def reader(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def approver(server: Server) -> Iterator[httpx.Client]:
    auth = httpx.BasicAuth(DEMO_APPROVER_CODE, md5_hex(DEMO_APPROVER_PASSWORD))
    with httpx.Client(base_url=server.base_url, auth=auth, timeout=30) as client:
        yield client


def test_registration_points_are_read_back_at_once(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    misses = []
    for _ in range(30):
        created = register(writer, mobile())
        assert created["sideEffects"] == [{"awardedPoints": 100.0, "type": "points"}]
        item = details(reader, created["createdId"])
        if item["loyaltyPoints"] != 100.0:
            misses.append(item)
    assert misses == []


def test_enrolment_points_show_in_side_effects_and_details(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    enrolment = {"programId": 1, "loyaltyPoints": 75}
    created = register(writer, mobile(), loyaltyProgramEnrollments=[enrolment])
    assert created["sideEffects"] == [{"awardedPoints": 75.0, "type": "points"}]
    assert details(reader, created["createdId"])["loyaltyPoints"] == 75.0


def test_purchases_reach_silver_then_earn_more_and_a_full_return_takes_points_back(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    number = mobile()
    customer_id = register(writer, number)["createdId"]
    first = purchase(writer, number, 10_000)
    assert first["sideEffects"][0]["awardedPoints"] == 100.0  # 1 % in BRONZE
    assert first["sideEffects"][1]["upgradedSlabName"] == "SILVER"
    assert details(reader, customer_id)["currentSlab"] == "SILVER"
    second = purchase(writer, number, 1_000)
    assert second["sideEffects"][0]["awardedPoints"] == 15.0  # 1.5 % in SILVER
    assert details(reader, customer_id)["loyaltyPoints"] == 215.0
    params = {"identifierName": "mobile", "identifierValue": number, "source": "INSTORE"}
    returned = writer.post(
        "/v2/transactions",
        params=params,
        json={
            "type": "RETURN",
            "returnType": "FULL",
            "billNumber": f"BB-{next(_bills) - 1}",
            "billAmount": 1_000,
            "purchaseTime": dt.datetime.now(dt.UTC).isoformat(),
        },
    )
    ok(returned)
    after = details(reader, customer_id)
    assert after["loyaltyPoints"] == 200.0
    assert after["returned"] == 15.0
    assert after["cumulativePurchases"] == 10_000.0


def test_a_redemption_of_50_succeeds_and_49_fails(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    customer_id = register(writer, mobile())["createdId"]
    path = f"/v2/customers/{customer_id}/redemptions"
    ok(writer.post(path, json={"redemptionType": "POINTS", "points": 50}))
    assert details(reader, customer_id)["loyaltyPoints"] == 50.0
    refused = writer.post(path, json={"redemptionType": "POINTS", "points": 49})
    assert refused.status_code == 400
    assert [e["code"] for e in refused.json()["errors"]] == [821]
    # The refusal leaves the connection usable.
    assert details(writer, customer_id)["redeemed"] == 50.0


def test_a_transfer_shows_on_both_customers(writer: httpx.Client, reader: httpx.Client) -> None:
    sender = register(writer, mobile())["createdId"]
    receiver = register(writer, mobile())["createdId"]
    body = {
        "pointsTobeTransferred": 30,
        "fromCustomerIdentifier": {"type": "ID", "value": str(sender)},
        "toCustomerIdentifier": {"type": "ID", "value": str(receiver)},
    }
    ok(writer.post("/v2/points/transfer", json=body))
    sent = ok(reader.get(f"/v2/customers/{sender}/pointsTransfers"))["data"]
    got = ok(reader.get(f"/v2/customers/{receiver}/pointsTransfers"))["data"]
    assert [t["transferType"] for t in sent] == ["DEDUCTION"]
    assert [t["transferType"] for t in got] == ["ADDITION"]
    assert sent[0]["transferId"] == got[0]["transferId"]
    assert details(reader, receiver)["loyaltyPoints"] == 130.0


def test_goodwill_stays_pending_until_another_till_approves(
    writer: httpx.Client, reader: httpx.Client, approver: httpx.Client
) -> None:
    customer_id = register(writer, mobile())["createdId"]
    request_id = ok(
        writer.post(
            "/v2/requests",
            json={
                "type": "GOODWILL",
                "baseType": "POINTS",
                "customerId": customer_id,
                "goodwillRequest": {"points": 40, "reason": "late delivery"},
            },
        )
    )["createdId"]
    listed = ok(reader.get(f"/v2/customers/{customer_id}/goodwillRequest"))["data"]
    assert [item["goodwillStatus"] for item in listed] == ["PENDING"]
    decision = {"type": "GOODWILL", "baseType": "POINTS", "id": request_id, "status": "APPROVED"}
    own = writer.put("/v2/requests", json=[decision])
    assert [e["code"] for e in own.json()["data"][0]["errors"]] == [9051]
    ok(approver.put("/v2/requests", json=[{**decision, "approvedValue": 35}]))
    assert details(reader, customer_id)["loyaltyPoints"] == 135.0


def test_the_expiry_command_expires_lapsed_points_of_a_running_server(
    server: Server, writer: httpx.Client, reader: httpx.Client
) -> None:
    customer_id = register(writer, mobile())["createdId"]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=400)).isoformat()
    env = {**os.environ, "PATRON_DATA_DIR": str(server.data_dir)}
    env.pop("PATRON_DATABASE_URL", None)
    if server.database_url:
        env["PATRON_DATABASE_URL"] = server.database_url
    done = subprocess.run(
        [str(PATRON), "loyalty", "expire", "--at", later],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    after = details(reader, customer_id)
    assert after["loyaltyPoints"] == 0.0
    assert after["expired"] == 100.0
    expired = ok(reader.get(f"/v2/customers/{customer_id}?embed=expiredPoints"))["expiredPoints"]
    assert sum(item["points"] for item in expired) == 100.0
    checked = subprocess.run(
        [str(PATRON), "loyalty", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
