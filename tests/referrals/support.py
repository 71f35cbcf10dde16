"""Helpers of the referral tests: referrers, referees and the referral calls."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile

TOKEN = "DEMOREF"


def customer(api: Api, **extra: Any) -> tuple[int, str]:
    """Register a loyalty customer; return its id and mobile."""
    mobile = unique_mobile()
    return register(api, registration(profile(mobile), **extra)), mobile


def stats(api: Api, customer_id: int, **params: Any) -> dict[str, Any]:
    """Return the customer's referral statistics (asserting success)."""
    response = api.get(f"/v2/customers/{customer_id}/referrals", params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def code_of(api: Api, customer_id: int) -> str:
    """Return the customer's referral code in the demo campaign (made on first read)."""
    code: str = stats(api, customer_id)["data"][0]["referralCode"]
    return code


def refer(api: Api, code: str, **extra: Any) -> Any:
    """Register a new loyalty customer with ``code``; return the answer."""
    body = registration(profile(unique_mobile()), referralCode=code, **extra)
    return api.post("/v2/customers", json=body)


def invite_body(
    customer_id: int, *invitees: dict[str, Any], kind: str = "MOBILE", token: str = TOKEN
) -> dict[str, Any]:
    """Return an invitation body of one referrer and one group of invitees."""
    return {
        "customerReferrals": [
            {
                "customer": {"id": customer_id},
                "campaignToken": token,
                "referrals": [{"type": kind, "referral": list(invitees)}],
            }
        ]
    }


def points_of(api: Api, customer_id: int) -> float:
    """Return the customer's redeemable points in the demo program."""
    response = api.get(f"/v2/customers/{customer_id}/loyaltyDetails")
    assert response.status_code == 200, response.text
    return float(response.json()["data"][0]["loyaltyPoints"])
