"""Registrations with a referralCode: the referee is linked, the incentives are given."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty.models import Account, Entry
from patron.referrals.models import ReferralCode, ReferralLink
from tests.api.helpers import warning_codes
from tests.conftest import Api, make_org
from tests.factories import FIXTURES, profile, registration, unique_mobile
from tests.referrals.support import code_of, customer, points_of, refer, stats

SAMPLE_STATS = json.loads((FIXTURES / "referrals_get_response.json").read_text())
_bills = itertools.count(1)


def campaign(*incentives: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "campaignId": 5,
        "campaignToken": "CAMP5",
        "name": "Campaign five",
        "incentives": list(incentives),
        **extra,
    }


def org_api(db: Database, app_client: TestClient, *campaigns: dict[str, Any]) -> Api:
    return Api(app_client, make_org(db, referralCampaigns=list(campaigns)))


def purchase(api: Api, mobile: str, amount: int = 100) -> list[dict[str, Any]]:
    response = api.post(
        "/v2/transactions",
        params={"identifierName": "mobile", "identifierValue": mobile, "source": "INSTORE"},
        json={"type": "REGULAR", "billNumber": f"RB-{next(_bills)}", "billAmount": amount},
    )
    assert response.status_code == 200, response.text
    effects: list[dict[str, Any]] = response.json()["sideEffects"]
    return effects


def referrer_effects(answer: Any) -> list[dict[str, Any]]:
    return [e for e in answer.json()["sideEffects"] if e.get("isReferrer") is True]


def test_a_referee_registration_credits_the_referrer_50_points(api: Api) -> None:
    referrer, _ = customer(api)
    before = points_of(api, referrer)
    answer = refer(api, code_of(api, referrer))
    assert answer.status_code == 200, answer.text
    assert referrer_effects(answer) == [
        {
            "entityType": "USER",
            "rawAwardedPoints": 50.0,
            "awardedPoints": 50.0,
            "type": "points",
            "customerId": referrer,
            "isReferrer": True,
        }
    ]
    assert points_of(api, referrer) == before + 50


def test_the_award_is_one_ledger_entry_of_the_referrer(api: Api, db: Database) -> None:
    referrer, _ = customer(api)
    refer(api, code_of(api, referrer))
    with unit_of_work(db.read_session) as session:
        account = session.scalars(select(Account).where(Account.customer_id == referrer)).one()
        keys = [e.key for e in session.scalars(select(Entry).where(Entry.account_id == account.id))]
    assert [k for k in keys if k and k.startswith("referral:")] != []
    assert len([k for k in keys if k and k.startswith("referral:")]) == 1


def test_raw_side_effects_mark_the_referrer(api: Api) -> None:
    referrer, _ = customer(api)
    body = registration(profile(), referralCode=code_of(api, referrer))
    answer = api.post("/v2/customers", params={"rawSideEffects": "true"}, json=body)
    raw = [r for r in answer.json()["rawSideEffects"] if r["isReferrer"]]
    assert [(r["points"], r["customerId"]) for r in raw] == [(50.0, referrer)]


def test_the_referee_shows_in_both_views(api: Api) -> None:
    referrer, mobile = customer(api)
    referee = int(refer(api, code_of(api, referrer)).json()["createdId"])
    by_id = stats(api, referrer)
    lookup = api.get(
        "/v2/customers/lookup/referrals",
        params={"source": "INSTORE", "identifierName": "mobile", "identifierValue": mobile},
    )
    assert lookup.status_code == 200, lookup.text
    assert lookup.json() == by_id
    (item,) = by_id["data"]
    (entry,) = item["referee"]
    assert (entry["eventType"], entry["userId"]) == ("REGISTRATION", referee)
    (incentive,) = item["incentives"]
    assert (incentive["type"], incentive["points"], incentive["customerId"]) == (
        "POINTS",
        50.0,
        referrer,
    )


def test_the_statistics_have_the_seed_keys(api: Api) -> None:
    referrer, _ = customer(api)
    refer(api, code_of(api, referrer))
    answer = stats(api, referrer)
    assert answer.keys() == SAMPLE_STATS.keys()
    assert answer["pagination"].keys() == SAMPLE_STATS["pagination"].keys()
    (item,) = answer["data"]
    sample = SAMPLE_STATS["data"][0]
    assert item.keys() == sample.keys()
    assert item["customer"]["profiles"][0].keys() == sample["customer"]["profiles"][0].keys()
    (referee,) = item["referee"]
    assert set(referee) == {"eventType", "userId", "firstName", "lastName", "mobile", "addedOn"}
    assert set(referee) <= set(sample["referee"][1])


def test_the_lookup_view_answers_an_unknown_identifier_with_8015(api: Api) -> None:
    lookup = api.get(
        "/v2/customers/lookup/referrals",
        params={
            "source": "INSTORE",
            "identifierName": "mobile",
            "identifierValue": unique_mobile(),
        },
    )
    assert (lookup.status_code, lookup.json()["errors"][0]["code"]) == (404, 8015)


def test_the_statistics_of_an_unknown_customer_answer_8015(api: Api) -> None:
    answer = api.get("/v2/customers/999999999/referrals")
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (404, 8015)


def test_the_statistics_of_an_unknown_campaign_answer_1202(api: Api) -> None:
    referrer, _ = customer(api)
    answer = api.get(f"/v2/customers/{referrer}/referrals", params={"campaignToken": "NOPE"})
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (400, 1202)


def test_an_unknown_code_registers_the_customer_with_warning_1205(api: Api) -> None:
    answer = refer(api, "NOSUCHCODE")
    assert answer.status_code == 200
    assert 1205 in warning_codes(answer)
    assert referrer_effects(answer) == []


def test_a_code_of_an_inactive_campaign_warns_1205(db: Database, app_client: TestClient) -> None:
    inactive = campaign({"recipient": "REFERRER", "points": "5"}, active=False)
    api = org_api(db, app_client, inactive)
    referrer, _ = customer(api)
    with unit_of_work(db.write_session) as session:
        session.add(
            ReferralCode(
                org_id=api.org.org_id,
                campaign_id=5,
                customer_id=referrer,
                code=f"OLD{referrer}",
                is_primary=True,
                registrations=0,
                transactions=0,
                created_at=clock.now(),
            )
        )
    answer = refer(api, f"old{referrer}")
    assert answer.status_code == 200
    assert 1205 in warning_codes(answer)
    assert referrer_effects(answer) == []
    assert points_of(api, referrer) == 100


def test_a_non_loyalty_referee_is_not_linked_and_warns_1204(api: Api, db: Database) -> None:
    referrer, _ = customer(api)
    body = registration(profile(), loyalty_type="non_loyalty", referralCode=code_of(api, referrer))
    answer = api.post("/v2/customers", json=body)
    assert answer.status_code == 200
    assert 1204 in warning_codes(answer)
    assert stats(api, referrer)["data"][0]["referee"] == []


def test_an_existing_customer_registering_again_is_not_linked(api: Api) -> None:
    referrer, _ = customer(api)
    _, mobile = customer(api)
    body = registration(profile(mobile, source="WEBSITE"), referralCode=code_of(api, referrer))
    answer = api.post("/v2/customers", json=body)
    assert answer.status_code == 200
    assert referrer_effects(answer) == []
    assert stats(api, referrer)["data"][0]["referee"] == []


def test_every_second_registration_is_rewarded(db: Database, app_client: TestClient) -> None:
    api = org_api(db, app_client, campaign({"recipient": "REFERRER", "every": 2, "points": "30"}))
    referrer, _ = customer(api)
    code = code_of(api, referrer)
    rewarded = [bool(referrer_effects(refer(api, code))) for _ in range(5)]
    assert rewarded == [False, True, False, True, False]
    assert len(stats(api, referrer, campaignToken="CAMP5")["data"][0]["incentives"]) == 2


def test_a_referee_incentive_credits_the_referee(db: Database, app_client: TestClient) -> None:
    api = org_api(db, app_client, campaign({"recipient": "REFEREE", "points": "20"}))
    referrer, _ = customer(api)
    answer = refer(api, code_of(api, referrer))
    referee = int(answer.json()["createdId"])
    mine = [e for e in answer.json()["sideEffects"] if e.get("customerId") == referee]
    assert mine == [
        {
            "entityType": "USER",
            "rawAwardedPoints": 20.0,
            "awardedPoints": 20.0,
            "type": "points",
            "customerId": referee,
            "isReferrer": False,
        }
    ]


def test_a_referee_purchase_rewards_a_transaction_incentive(
    db: Database, app_client: TestClient
) -> None:
    incentive = {"recipient": "REFERRER", "trigger": "TRANSACTION", "every": 2, "points": "7"}
    api = org_api(db, app_client, campaign(incentive))
    referrer, _ = customer(api)
    mobile = unique_mobile()
    body = registration(profile(mobile), referralCode=code_of(api, referrer))
    assert api.post("/v2/customers", json=body).status_code == 200
    first = purchase(api, mobile)
    second = purchase(api, mobile)
    assert [e for e in first if e.get("isReferrer")] == []
    assert [e for e in second if e.get("isReferrer")] == [
        {
            "entityType": "USER",
            "rawAwardedPoints": 7.0,
            "awardedPoints": 7.0,
            "type": "points",
            "customerId": referrer,
            "isReferrer": True,
        }
    ]
    item = stats(api, referrer, campaignToken="CAMP5")["data"][0]
    assert [r["eventType"] for r in item["referee"]] == [
        "REGISTRATION",
        "TRANSACTION",
        "TRANSACTION",
    ]


def test_a_customer_without_a_referrer_earns_nothing_extra_on_purchase(api: Api) -> None:
    _, mobile = customer(api)
    assert [e for e in purchase(api, mobile) if "isReferrer" in e] == []


def test_a_bulk_registration_passes_the_referral_code(api: Api, db: Database) -> None:
    referrer, _ = customer(api)
    item = registration(profile(unique_mobile()), referralCode=code_of(api, referrer))
    answer = api.post("/v2/customers/bulk", json=[item])
    assert answer.status_code == 200, answer.text
    (entry,) = stats(api, referrer)["data"][0]["referee"]
    assert entry["eventType"] == "REGISTRATION"
    with unit_of_work(db.read_session) as session:
        links = session.scalars(
            select(ReferralLink).where(ReferralLink.referrer_id == referrer)
        ).all()
    assert len(links) == 1
    assert points_of(api, referrer) == 100 + 50


def test_points_and_a_program_of_the_campaign(db: Database, app_client: TestClient) -> None:
    api = org_api(
        db, app_client, campaign({"recipient": "REFERRER", "points": "12.5"}, loyaltyProgramId=1)
    )
    referrer, _ = customer(api)
    before = Decimal(str(points_of(api, referrer)))
    refer(api, code_of(api, referrer))
    assert Decimal(str(points_of(api, referrer))) == before + Decimal("12.5")
