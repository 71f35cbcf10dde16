"""POST /v2/customers: registration, identity rules and every bad input."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.factories import profile, register_sample, registration, unique_mobile


def codes(response: Any) -> list[int]:
    return [e["code"] for e in response.json()["errors"]]


def warning_codes(response: Any) -> list[int]:
    return [w["code"] for w in response.json()["warnings"]]


def test_seed_sample_registers_with_basic_auth(api: Api) -> None:
    response = api.post("/v2/customers", json=register_sample())
    assert response.status_code == 200
    body = response.json()
    assert body["createdId"] > 0
    # The sample enrols in program 1016 with 75 points: the demo org's default program takes
    # them (1101), its tier 234 and past expiry dates are replaced by the program's (8923, 1010).
    assert body["sideEffects"] == [{"awardedPoints": 75.0, "type": "points"}]
    assert warning_codes(response) == [8058, 1101, 8923, 1010, 1010]


def test_seed_sample_registers_with_oauth(api: Api) -> None:
    token = api.client.post(
        "/v3/oauth/token/generate",
        json={"key": api.org.client_key, "secret": api.org.client_secret},
    ).json()["data"]["accessToken"]
    response = api.client.post(
        "/v2/customers", json=register_sample(), headers={"X-CAP-API-OAUTH-TOKEN": token}
    )
    assert response.status_code == 200
    assert response.json()["createdId"] > 0


def test_response_carries_request_id(api: Api) -> None:
    response = api.post(
        "/v2/customers", json=registration(), headers={"X-CAP-REQUEST-ID": "req-123"}
    )
    assert response.headers["X-CAP-REQUEST-ID"] == "req-123"
    assert len(api.get("/v2/customers/1").headers["X-CAP-REQUEST-ID"]) == 32


def test_same_identifier_in_another_source_adds_a_profile(api: Api) -> None:
    mobile = unique_mobile()
    first = api.post("/v2/customers", json=registration(profile(mobile))).json()["createdId"]
    second = api.post(
        "/v2/customers", json=registration(profile(mobile, source="WECHAT", account_id="WECHAT-CM"))
    )
    assert second.status_code == 200
    assert second.json()["createdId"] == first
    assert warning_codes(second) == [8050]
    fetched = api.get(f"/v2/customers/{first}?source=ALL").json()
    assert sorted(p["source"] for p in fetched["profiles"]) == ["INSTORE", "WECHAT"]


def test_same_identifier_in_same_source_is_rejected(api: Api) -> None:
    mobile = unique_mobile()
    api.post("/v2/customers", json=registration(profile(mobile)))
    again = api.post("/v2/customers", json=registration(profile(mobile)))
    assert again.status_code == 409
    assert codes(again) == [1032]


def test_identifiers_of_two_customers_cannot_be_combined(api: Api) -> None:
    a, b = unique_mobile(), "b@example.com"
    api.post("/v2/customers", json=registration(profile(a)))
    api.post(
        "/v2/customers",
        json=registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": unique_mobile()},
                    {"type": "email", "value": b},
                ]
            )
        ),
    )
    both = profile(
        source="WECHAT",
        account_id="WECHAT-CM",
        identifiers=[{"type": "mobile", "value": a}, {"type": "email", "value": b}],
    )
    response = api.post("/v2/customers", json=registration(both))
    assert response.status_code == 409
    assert codes(response) == [8053]


def test_combining_into_a_source_the_customer_already_has_is_rejected(api: Api) -> None:
    mobile = unique_mobile()
    api.post(
        "/v2/customers",
        json=registration(
            profile(mobile),
            profile(
                source="WECHAT",
                account_id="WECHAT-CM",
                identifiers=[{"type": "wechat", "value": "wx-1"}],
            ),
        ),
    )
    response = api.post(
        "/v2/customers",
        json=registration(
            profile(
                source="WECHAT",
                account_id="WECHAT-CM",
                identifiers=[{"type": "mobile", "value": mobile}],
            )
        ),
    )
    assert response.status_code == 409
    assert codes(response) == [8066]


def test_identifiers_are_normalised(api: Api) -> None:
    created = api.post(
        "/v2/customers",
        json=registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": "+91 98000 11111"},
                    {"type": "EMAIL", "value": "Tom@Example.COM"},
                ]
            )
        ),
    ).json()["createdId"]
    found = api.get(
        "/v2/customers/lookup?source=INSTORE&identifierName=email&identifierValue=tom@example.com"
    )
    assert found.json()["entity"] == created
    found = api.get(
        "/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue=919800011111"
    )
    assert found.json()["entity"] == created


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"profiles": [profile()]}, 400, 400),
        ({"loyaltyInfo": {"loyaltyType": "gold"}, "profiles": [profile()]}, 400, 400),
        ({"loyaltyInfo": {"loyaltyType": "loyalty"}}, 400, 1015),
        (registration(profile(identifiers=[])), 400, 1015),
        (
            registration(
                {"firstName": "x", "identifiers": [{"type": "mobile", "value": "919800000001"}]}
            ),
            400,
            8012,
        ),
        (registration(profile(source="MYSPACE")), 400, 8012),
        (registration(profile(source="WECHAT")), 400, 8045),
        (registration(profile(source="WECHAT", account_id="NOPE")), 400, 8011),
        (registration(profile(identifiers=[{"type": "mobile", "value": "12345"}])), 400, 1001),
        (
            registration(
                profile(
                    identifiers=[
                        {"type": "mobile", "value": "919800000002"},
                        {"type": "email", "value": "not-an-email"},
                    ]
                )
            ),
            400,
            1002,
        ),
        (
            registration(profile(identifiers=[{"type": "email", "value": "only@example.com"}])),
            400,
            1007,
        ),
        (
            registration(
                profile(identifiers=[{"type": "wechat", "value": "wx"}]), loyalty_type="non_loyalty"
            ),
            400,
            1045,
        ),
        (registration(profile(identifiers=[{"type": "passport", "value": "X1"}])), 400, 8013),
        (registration(profile(), createDate="yesterday"), 400, 400),
        (registration(profile(), createDate="2999-01-01T00:00:00Z"), 400, 1034),
        ({"loyaltyInfo": {"loyaltyType": "loyalty"}, "profiles": "nope"}, 400, 400),
    ],
)
def test_bad_input_gets_its_code_and_writes_nothing(
    api: Api, body: dict[str, Any], status: int, code: int
) -> None:
    response = api.post("/v2/customers", json=body)
    assert response.status_code == status, response.text
    assert codes(response) == [code]
    assert (
        api.get(
            "/v2/customers/lookup?source=ALL&identifierName=mobile&identifierValue=919800000002"
        ).status_code
        == 404
    )


def test_malformed_json_gets_the_envelope(api: Api) -> None:
    response = api.post(
        "/v2/customers", content=b'{"loyaltyInfo": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert codes(response) == [400]
    assert "not valid JSON" in response.json()["errors"][0]["message"]


def test_disabled_source_is_rejected(app_client: Any, db: Any) -> None:
    from tests.conftest import make_org, org_spec

    org = make_org(db, sources={"INSTORE": {}})
    response = Api(app_client, org).post(
        "/v2/customers", json=registration(profile(source="TMALL"))
    )
    assert response.status_code == 400
    assert codes(response) == [8011]
    assert org_spec  # the spec helper is what make_org used


def test_unknown_or_ill_typed_extended_fields_are_warnings(api: Api) -> None:
    response = api.post(
        "/v2/customers",
        json=registration(
            profile(),
            extendedFields={
                "gender": "male",
                "dateofbirth": "not a date",
                "shoe": 42,
                "city": "Pune",
            },
        ),
    )
    assert response.status_code == 200
    assert warning_codes(response) == [91015, 91015]
    fetched = api.get(f"/v2/customers/{response.json()['createdId']}").json()
    assert fetched["extendedFields"] == {"gender": "Male", "city": "Pune"}


def test_unknown_custom_field_is_a_warning(api: Api) -> None:
    response = api.post(
        "/v2/customers", json=registration(profile(fields={"employee": True, "shoe_size": "9"}))
    )
    assert response.status_code == 200
    assert warning_codes(response) == [1017]
    fetched = api.get(f"/v2/customers/{response.json()['createdId']}").json()
    assert fetched["profiles"][0]["fields"] == {"employee": "true"}


def test_invalid_channels_are_dropped_with_warnings(api: Api) -> None:
    channels = [
        {"type": "email", "value": "nope"},
        {"type": "fax", "value": "123"},
        {"type": "email", "value": "tom@example.com", "primary": "true", "verified": "false"},
    ]
    response = api.post("/v2/customers", json=registration(profile(commChannels=channels)))
    assert warning_codes(response) == [8057, 8010]
    fetched = api.get(f"/v2/customers/{response.json()['createdId']}").json()
    assert fetched["profiles"][0]["commChannels"] == [
        {
            "type": "email",
            "value": "tom@example.com",
            "primary": True,
            "verified": False,
            "meta": {"residence": False, "office": False},
            "attributes": {},
        }
    ]


def test_card_with_unknown_status_label_is_rejected(api: Api) -> None:
    card = {"type": "cardnumber", "value": "CARD-1", "statusLabel": "SHINY"}
    response = api.post(
        "/v2/customers",
        json=registration(
            profile(identifiers=[{"type": "mobile", "value": unique_mobile()}, card])
        ),
    )
    assert response.status_code == 400
    assert codes(response) == [3017]
