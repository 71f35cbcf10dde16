"""Joining loyalty: the registration rule, loyaltyProgramEnrollments, conversion, once only."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import warning_codes
from tests.conftest import Api
from tests.factories import profile, register_sample


def loyalty_body(**extra: Any) -> dict[str, Any]:
    return {"loyaltyInfo": {"loyaltyType": "loyalty"}, "profiles": [profile()], **extra}


def details(api: Api, customer_id: int) -> dict[str, Any]:
    response = api.get(f"/v2/customers/{customer_id}/loyaltyDetails")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"][0]
    return data


def test_registration_rule_awards_100_points_listed_in_side_effects(api: Api) -> None:
    response = api.post("/v2/customers", json=loyalty_body())
    assert response.status_code == 200, response.text
    assert response.json()["sideEffects"] == [{"awardedPoints": 100.0, "type": "points"}]
    item = details(api, response.json()["createdId"])
    assert item["loyaltyPoints"] == 100.0
    assert item["lifetimePoints"] == 100.0
    assert item["currentSlab"] == "BRONZE"
    assert item["loyaltyId"] == response.json()["createdId"]


def test_seed_sample_enrolment_awards_its_75_points(api: Api) -> None:
    response = api.post("/v2/customers", json=register_sample())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sideEffects"] == [{"awardedPoints": 75.0, "type": "points"}]
    # The sample names program 1016 and tier 234, which the demo org does not have, and
    # expiry dates in the past: each is said in a warning and the program's own rule applies.
    assert warning_codes(response) == [8058, 1101, 8923, 1010, 1010]
    item = details(api, body["createdId"])
    assert item["loyaltyPoints"] == 75.0
    assert item["programId"] == 1


def test_enrolment_sets_tier_and_points(api: Api) -> None:
    body = loyalty_body(
        loyaltyProgramEnrollments=[
            {
                "programId": 1,
                "tierNumber": 2,
                "loyaltyPoints": 500,
                "tierExpiryDate": "2099-01-31T10:00:00Z",
            }
        ]
    )
    response = api.post("/v2/customers", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["warnings"] == []
    item = details(api, response.json()["createdId"])
    assert item["loyaltyPoints"] == 500.0
    assert item["currentSlab"] == "SILVER"
    assert item["slabExpiryDate"] == "2099-01-31T10:00:00+00:00"
    assert item["nextSlab"] == "GOLD"


def test_wait_for_downstream_false_answers_without_side_effects_but_awards(api: Api) -> None:
    response = api.post(
        "/v2/customers", json=loyalty_body(), headers={"WAIT_FOR_DOWNSTREAM": "false"}
    )
    assert response.json()["sideEffects"] == []
    assert details(api, response.json()["createdId"])["loyaltyPoints"] == 100.0


def test_raw_side_effects_give_award_details(api: Api) -> None:
    response = api.post("/v2/customers?rawSideEffects=true", json=loyalty_body())
    raw = response.json()["rawSideEffects"]
    assert len(raw) == 1
    assert raw[0]["type"] == "AWARD"
    assert raw[0]["points"] == 100.0
    assert raw[0]["programId"] == 1
    assert raw[0]["sourceType"] == "Customer"
    assert raw[0]["expiryDate"].endswith("T23:59:59+00:00")


def test_no_raw_side_effects_key_unless_asked(api: Api) -> None:
    response = api.post("/v2/customers", json=loyalty_body())
    assert "rawSideEffects" not in response.json()


def test_non_loyalty_customer_is_not_enrolled_until_converted(api: Api) -> None:
    mobile_profile = profile()
    body = {"loyaltyInfo": {"loyaltyType": "non_loyalty"}, "profiles": [mobile_profile]}
    response = api.post("/v2/customers", json=body)
    customer_id = response.json()["createdId"]
    assert response.json()["sideEffects"] == []
    item = details(api, customer_id)
    assert item["loyaltyId"] == -1
    assert item["loyaltyPoints"] == 0.0
    converted = api.put(
        f"/v2/customers/{customer_id}?source=INSTORE",
        json={"loyaltyInfo": {"loyaltyType": "loyalty"}},
    )
    assert converted.status_code == 200, converted.text
    assert converted.json()["sideEffects"] == [{"awardedPoints": 100.0, "type": "points"}]
    assert details(api, customer_id)["loyaltyPoints"] == 100.0


def test_registering_again_in_another_source_awards_nothing_more(api: Api) -> None:
    first = profile()
    response = api.post("/v2/customers", json=loyalty_body(profiles=[first]))
    customer_id = response.json()["createdId"]
    again = {**first, "source": "WEBSITE"}
    combined = api.post("/v2/customers", json=loyalty_body(profiles=[again]))
    assert combined.json()["createdId"] == customer_id
    assert combined.json()["sideEffects"] == []
    assert details(api, customer_id)["loyaltyPoints"] == 100.0


def test_bad_enrolment_points_are_refused(api: Api) -> None:
    body = loyalty_body(loyaltyProgramEnrollments=[{"programId": 1, "loyaltyPoints": -5}])
    response = api.post("/v2/customers", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == 400
