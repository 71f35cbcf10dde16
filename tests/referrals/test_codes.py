"""Referral codes: one per referrer and campaign, made on first need, and their validation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from patron.db import Database
from patron.orgs.referrals import CodeFormat
from patron.referrals import codes, service
from tests.conftest import Api, make_org
from tests.referrals.support import TOKEN, code_of, customer, stats

CAMPAIGN: dict[str, Any] = {
    "campaignId": 7,
    "campaignToken": "FRIENDS",
    "name": "Friends",
    "codeFormat": {"prefix": "FR-", "suffix": "-X", "length": 8, "nameBased": True},
    "incentives": [{"recipient": "REFERRER", "points": "10"}],
}


def test_a_code_is_made_on_the_first_read_and_kept(api: Api) -> None:
    referrer, _ = customer(api)
    code = code_of(api, referrer)
    assert len(code) == 8
    assert set(code) <= set(codes.ALPHABET)
    assert code_of(api, referrer) == code


def test_each_referrer_gets_a_code_of_its_own(api: Api) -> None:
    made = {code_of(api, customer(api)[0]) for _ in range(5)}
    assert len(made) == 5


def test_the_campaign_format_shapes_the_code(db: Database, app_client: TestClient) -> None:
    api = Api(app_client, make_org(db, referralCampaigns=[CAMPAIGN]))
    referrer, _ = customer(api)
    code = code_of(api, referrer)
    assert code.startswith("FR-TOM")
    assert code.endswith("-X")
    assert len(code) == len("FR-") + 8 + len("-X")


def test_a_name_based_code_keeps_random_characters() -> None:
    fmt = CodeFormat(length=5, nameBased=True)
    made = codes.make_code(fmt, "Bartholomew")
    assert made.startswith("B")
    assert len(made) == 5


def test_a_drawn_code_already_taken_is_drawn_again(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = customer(api)
    taken = code_of(api, first)
    draws = iter([taken, taken, "FRESH123"])
    monkeypatch.setattr(service, "make_code", lambda fmt, name="": next(draws))
    second, _ = customer(api)
    assert code_of(api, second) == "FRESH123"


def test_no_unused_code_answers_1222(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = customer(api)
    taken = code_of(api, first)
    monkeypatch.setattr(service, "make_code", lambda fmt, name="": taken)
    second, _ = customer(api)
    response = api.get(f"/v2/customers/{second}/referrals")
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == 1222


def test_validate_names_the_referrer(api: Api) -> None:
    referrer, _ = customer(api)
    code = code_of(api, referrer)
    answer = api.get("/v2/referral/validate", params={"code": code.lower()})
    assert answer.status_code == 200
    assert answer.json() == {"valid": True, "referrer": referrer, "warnings": []}


def test_validate_of_an_unknown_code_is_not_valid_with_1205(api: Api) -> None:
    answer = api.get("/v2/referral/validate", params={"code": "NOSUCHCODE"})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["valid"], body["referrer"]) == (False, None)
    assert [w["code"] for w in body["warnings"]] == [1205]


def test_validate_checks_the_campaign_token(api: Api) -> None:
    referrer, _ = customer(api)
    code = code_of(api, referrer)
    same = api.get("/v2/referral/validate", params={"code": code, "campaignToken": TOKEN})
    assert same.json()["valid"] is True
    other = api.get("/v2/referral/validate", params={"code": code, "campaignToken": "NOPE"})
    assert other.status_code == 400
    assert other.json()["errors"][0]["code"] == 1202


def test_validate_without_a_code_is_refused(api: Api) -> None:
    response = api.get("/v2/referral/validate")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == 400


def test_validate_refuses_a_nul_in_the_code(api: Api) -> None:
    response = api.get("/v2/referral/validate", params={"code": "AB\x00CD"})
    assert response.status_code == 400


def test_a_non_loyalty_customer_has_no_code(api: Api) -> None:
    from tests.api.helpers import register
    from tests.factories import profile, registration

    customer_id = register(api, registration(profile(), loyalty_type="non_loyalty"))
    assert stats(api, customer_id)["data"][0]["referralCode"] == ""
