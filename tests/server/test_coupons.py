"""Over real sockets, on the demo org with nothing configured by hand: a DEMO10 coupon issued
to a customer shows in both views and in the commerce client's own call, is redeemable, is
redeemed once on a bill and refused the second time, each read on another connection than
its write (with two workers, often another process)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.process import Server

_mobiles = itertools.count(52_000_000)


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


def register(client: httpx.Client) -> tuple[int, str]:
    email = f"shopper.{uuid.uuid4().hex[:12]}@example.com"
    body = {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [
            {
                "firstName": "Tom",
                "lastName": "Sawyer",
                "source": "INSTORE",
                "identifiers": [
                    {"type": "mobile", "value": f"9196{next(_mobiles):08d}"},
                    {"type": "email", "value": email},
                ],
            }
        ],
    }
    return int(ok(client.post("/v2/customers", json=body))["createdId"]), email


def active_unredeemed(reader: httpx.Client, email: str) -> list[dict[str, Any]]:
    # The commerce client's own call, its status in its own mixed case.
    params = {"email": email, "status": "Active_Unredeemed"}
    body = ok(reader.get("/v2/customers/coupons", params=params))
    coupons: list[dict[str, Any]] = body["entity"]["customers"][0]["coupons"]
    return coupons


def test_a_demo_coupon_is_issued_shown_checked_and_redeemed_once(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    customer_id, email = register(writer)
    coupon = ok(writer.post("/v2/coupon/issue", json={"seriesId": 1, "customer": {"email": email}}))
    code = coupon["code"]
    assert coupon["discountCode"] == "DEMO10"

    (found,) = active_unredeemed(reader, email)
    assert (found["code"], found["discountType"], found["discountValue"]) == (code, "PERC", 10)
    assert (found["redemptionsLeft"], found["redemptions"]) == (1, [])
    (detailed,) = ok(reader.get(f"/v2/customers/{customer_id}/coupons"))["entity"]
    assert (detailed["code"], detailed["series"]["seriesCode"]) == (code, "DEMO10")

    check = ok(reader.get("/v2/coupon/is_redeemable", params={"email": email, "code": code}))
    assert check["redemption"][0]["isRedeemable"] is True

    body = {
        "redemptionRequestList": [{"code": code}],
        "user": {"email": email},
        "billAmount": 2500,
        "transactionNumber": "SRV-BILL-1",
    }
    (redeemed,) = ok(writer.post("/v2/coupon/redeem", json=body))["redemption"]
    assert redeemed["couponValue"] == 100  # 10 % of 2500, capped at 100

    again = writer.post("/v2/coupon/redeem", json={**body, "transactionNumber": "SRV-BILL-2"})
    assert again.status_code == 409, again.text
    assert again.json()["errors"][0]["code"] == 711

    assert active_unredeemed(reader, email) == []
    params = {"email": email, "status": "active_redeemed"}
    (used,) = ok(reader.get("/v2/customers/coupons", params=params))["entity"]["customers"][0][
        "coupons"
    ]
    assert [r["id"] for r in used["redemptions"]] == [redeemed["id"]]
    assert used["redemptions"][0]["transactionNumber"] == "SRV-BILL-1"
