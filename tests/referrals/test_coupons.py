"""A coupon incentive: the coupons domain issues the campaign's series to the recipient."""

from __future__ import annotations

from fastapi.testclient import TestClient

from patron.db import Database
from tests.conftest import Api, make_org
from tests.referrals.support import code_of, customer, refer, stats


def test_a_coupon_incentive_issues_a_coupon_to_the_referrer(
    db: Database, app_client: TestClient
) -> None:
    campaign = {
        "campaignId": 9,
        "campaignToken": "COUP",
        "name": "Coupon referrals",
        "incentives": [{"recipient": "REFERRER", "couponSeriesCode": "DEMO10"}],
    }
    api = Api(app_client, make_org(db, referralCampaigns=[campaign]))
    referrer, _ = customer(api)
    answer = refer(api, code_of(api, referrer))
    assert answer.status_code == 200, answer.text
    (coupon,) = [e for e in answer.json()["sideEffects"] if e.get("isReferrer")]
    assert (coupon["type"], coupon["customerId"]) == ("coupon", referrer)
    (incentive,) = stats(api, referrer)["data"][0]["incentives"]
    assert (incentive["type"], incentive["couponCode"]) == ("COUPON", coupon["couponCode"])
    coupons = api.get(f"/v2/customers/{referrer}/coupons")
    assert coupon["couponCode"] in coupons.text
