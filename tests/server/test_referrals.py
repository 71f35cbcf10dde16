"""Over real sockets, on the demo org: a referrer reads its code, a referee registers with it,
and the referrer's 50 points show in the registration's sideEffects, in loyaltyDetails and in
both referral views, each read on another connection than the write."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.process import Server

_mobiles = itertools.count(60_000_000)


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def registration(mobile: str, **extra: Any) -> dict[str, Any]:
    return {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [
            {
                "firstName": "Ada",
                "source": "INSTORE",
                "identifiers": [{"type": "mobile", "value": mobile}],
            }
        ],
        **extra,
    }


def new_mobile() -> str:
    return f"9195{next(_mobiles):08d}"


def points(client: httpx.Client, customer_id: int) -> float:
    [details] = ok(client.get(f"/v2/customers/{customer_id}/loyaltyDetails"))["data"]
    return float(details["loyaltyPoints"])


@pytest.fixture
def writer(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def reader(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def test_a_referee_registration_credits_the_referrer(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    mobile = new_mobile()
    referrer = int(ok(writer.post("/v2/customers", json=registration(mobile)))["createdId"])
    [campaign] = ok(reader.get(f"/v2/customers/{referrer}/referrals"))["data"]
    code = campaign["referralCode"]
    assert code
    invite = {
        "customerReferrals": [
            {
                "customer": {"id": referrer},
                "campaignToken": "DEMOREF",
                "referrals": [{"type": "MOBILE", "referral": [{"identifier": new_mobile()}]}],
            }
        ]
    }
    ok(writer.post(f"/v2/customers/{referrer}/referrals", json=invite))
    valid = ok(reader.get("/v2/referral/validate", params={"code": code}))
    assert valid == {"valid": True, "referrer": referrer, "warnings": []}
    before = points(reader, referrer)
    answer = ok(writer.post("/v2/customers", json=registration(new_mobile(), referralCode=code)))
    referee = int(answer["createdId"])
    assert {
        "entityType": "USER",
        "rawAwardedPoints": 50.0,
        "awardedPoints": 50.0,
        "type": "points",
        "customerId": referrer,
        "isReferrer": True,
    } in answer["sideEffects"]
    assert points(reader, referrer) == before + 50
    views = [
        ok(reader.get(f"/v2/customers/{referrer}/referrals")),
        ok(
            reader.get(
                "/v2/customers/lookup/referrals",
                params={"source": "INSTORE", "identifierName": "mobile", "identifierValue": mobile},
            )
        ),
    ]
    for view in views:
        [item] = view["data"]
        assert item["referralCode"] == code
        assert len(item["invitees"]) == 1
        assert [(r["eventType"], r["userId"]) for r in item["referee"]] == [
            ("REGISTRATION", referee)
        ]
        assert [(i["type"], i["points"], i["customerId"]) for i in item["incentives"]] == [
            ("POINTS", 50.0, referrer)
        ]
