"""Invitations: recorded as the seed shows them, each refused invitee with its own error."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from patron.db import Database
from tests.api.helpers import codes, register
from tests.conftest import Api, make_org
from tests.factories import FIXTURES, profile, registration, unique_mobile
from tests.referrals.support import TOKEN, customer, invite_body, stats

SAMPLE_REQUEST = json.loads((FIXTURES / "referrals_add_request.json").read_text())
SAMPLE_RESPONSE = json.loads((FIXTURES / "referrals_add_response.json").read_text())


def keys(value: Any) -> Any:
    """Return the shape of a JSON value: its keys, recursively."""
    if isinstance(value, dict):
        return {k: keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [keys(v) for v in value]
    return None


def sample_for(customer_id: int, mobile: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(SAMPLE_REQUEST))
    item = body["customerReferrals"][0]
    item["customer"].update({"id": customer_id, "mobile": mobile})
    item["campaignToken"] = TOKEN
    return body


def test_the_seed_sample_is_answered_as_the_seed(api: Api) -> None:
    referrer, mobile = customer(api)
    body = sample_for(referrer, mobile)
    answer = api.post(f"/v2/customers/{referrer}/referrals", json=body)
    assert answer.status_code == 200, answer.text
    assert keys(answer.json()) == keys(SAMPLE_RESPONSE)
    assert answer.json() == body


def test_invitees_appear_in_the_statistics(api: Api) -> None:
    referrer, mobile = customer(api)
    api.post(f"/v2/customers/{referrer}/referrals", json=sample_for(referrer, mobile))
    (invitee,) = stats(api, referrer)["data"][0]["invitees"]
    assert invitee == {
        "type": "MOBILE",
        "identifier": "918867710032",
        "invitedOn": "2021-12-16 13:15:45.0",
        "till": {"code": api.org.till_code, "name": f"Till {api.org.org_id}"},
    }


def test_inviting_again_renews_the_invitation(api: Api) -> None:
    referrer, _ = customer(api)
    path = f"/v2/customers/{referrer}/referrals"
    api.post(path, json=invite_body(referrer, {"identifier": "918867710040"}))
    later = {"identifier": "+91 88677 10040", "invitedOn": "2030-01-02 03:04:05"}
    assert api.post(path, json=invite_body(referrer, later)).status_code == 200
    (invitee,) = stats(api, referrer)["data"][0]["invitees"]
    assert invitee["invitedOn"] == "2030-01-02 03:04:05.0"


def test_email_invitees_are_recorded(api: Api) -> None:
    referrer, _ = customer(api)
    body = invite_body(referrer, {"identifier": "Friend@Example.com"}, kind="email")
    assert api.post(f"/v2/customers/{referrer}/referrals", json=body).status_code == 200
    (invitee,) = stats(api, referrer)["data"][0]["invitees"]
    assert (invitee["type"], invitee["identifier"]) == ("EMAIL", "friend@example.com")


def test_a_bad_identifier_is_refused_with_1701_and_the_others_recorded(api: Api) -> None:
    referrer, _ = customer(api)
    body = invite_body(referrer, {"identifier": "918867710050"}, {"identifier": "not-a-phone"})
    answer = api.post(f"/v2/customers/{referrer}/referrals", json=body)
    assert answer.status_code == 200
    good, bad = answer.json()["customerReferrals"][0]["referrals"][0]["referral"]
    assert "errors" not in good
    assert [e["code"] for e in bad["errors"]] == [1701]
    assert [i["identifier"] for i in stats(api, referrer)["data"][0]["invitees"]] == [
        "918867710050"
    ]


def test_a_bad_invitation_date_is_refused_with_1701(api: Api) -> None:
    referrer, _ = customer(api)
    body = invite_body(referrer, {"identifier": "918867710051", "invitedOn": "yesterday"})
    answer = api.post(f"/v2/customers/{referrer}/referrals", json=body)
    (item,) = answer.json()["customerReferrals"][0]["referrals"][0]["referral"]
    assert [e["code"] for e in item["errors"]] == [1701]


def test_an_unsupported_type_is_refused_with_1206(api: Api) -> None:
    referrer, _ = customer(api)
    body = invite_body(referrer, {"identifier": "someone"}, kind="WECHAT")
    answer = api.post(f"/v2/customers/{referrer}/referrals", json=body)
    (item,) = answer.json()["customerReferrals"][0]["referrals"][0]["referral"]
    assert [e["code"] for e in item["errors"]] == [1206]
    assert stats(api, referrer)["data"][0]["invitees"] == []


def test_a_missing_or_unknown_token_is_refused_with_1202(api: Api) -> None:
    referrer, _ = customer(api)
    for token in ("", "NOPE"):
        body = invite_body(referrer, {"identifier": "918867710052"}, token=token)
        answer = api.post(f"/v2/customers/{referrer}/referrals", json=body)
        assert (answer.status_code, codes(answer)) == (400, [1202])


def test_an_inactive_campaign_is_refused_with_1203(db: Database, app_client: TestClient) -> None:
    campaign = {
        "campaignId": 3,
        "campaignToken": "OLD",
        "name": "Old",
        "active": False,
        "incentives": [{"recipient": "REFERRER", "points": "5"}],
    }
    api = Api(app_client, make_org(db, referralCampaigns=[campaign]))
    referrer, _ = customer(api)
    body = invite_body(referrer, {"identifier": "918867710053"}, token="OLD")
    answer = api.post(f"/v2/customers/{referrer}/referrals", json=body)
    assert (answer.status_code, codes(answer)) == (400, [1203])


def test_a_non_loyalty_referrer_is_refused_with_1204(api: Api) -> None:
    referrer = register(api, registration(profile(), loyalty_type="non_loyalty"))
    body = invite_body(referrer, {"identifier": "918867710054"})
    answer = api.post(f"/v2/customers/{referrer}/referrals", json=body)
    assert (answer.status_code, codes(answer)) == (400, [1204])


def test_an_unknown_referrer_is_refused_with_8015(api: Api) -> None:
    body = invite_body(1, {"identifier": "918867710055"})
    answer = api.post("/v2/customers/999999999/referrals", json=body)
    assert (answer.status_code, codes(answer)) == (404, [8015])


def test_the_body_names_the_referrer_without_an_id_in_the_path(api: Api) -> None:
    referrer, mobile = customer(api)
    body = invite_body(referrer, {"identifier": "918867710056"})
    body["customerReferrals"][0]["customer"] = {"mobile": mobile}
    answer = api.post("/v2/customers/referrals", json=body)
    assert answer.status_code == 200, answer.text
    assert len(stats(api, referrer)["data"][0]["invitees"]) == 1


def test_a_body_naming_no_referrer_is_refused_with_8013(api: Api) -> None:
    body = invite_body(1, {"identifier": "918867710057"})
    body["customerReferrals"][0]["customer"] = {"externalId": " "}
    answer = api.post("/v2/customers/referrals", json=body)
    assert (answer.status_code, codes(answer)) == (400, [8013])


def test_overlong_and_nul_values_are_refused_alike(api: Api) -> None:
    referrer, _ = customer(api)
    path = f"/v2/customers/{referrer}/referrals"
    long = api.post(path, json=invite_body(referrer, {"identifier": "9" * 300}))
    nul = api.post(path, json=invite_body(referrer, {"identifier": "91\u00008867"}))
    assert (long.status_code, nul.status_code) == (400, 400)


def test_an_empty_body_is_refused(api: Api) -> None:
    referrer, _ = customer(api)
    answer = api.post(f"/v2/customers/{referrer}/referrals", json={"customerReferrals": []})
    assert answer.status_code == 400


def test_an_invitee_registering_is_unaffected_by_the_invitation(api: Api) -> None:
    referrer, _ = customer(api)
    mobile = unique_mobile()
    api.post(
        f"/v2/customers/{referrer}/referrals", json=invite_body(referrer, {"identifier": mobile})
    )
    register(api, registration(profile(mobile)))
    assert stats(api, referrer)["data"][0]["referee"] == []
