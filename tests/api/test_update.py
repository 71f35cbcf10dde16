"""PUT /v2/customers/{id} and PUT /v2/customers/lookup."""

from __future__ import annotations

from patron.db import Database
from tests.api.helpers import codes, events, register, warning_codes
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile


def test_update_names_fields_and_extended_fields_writes_one_event(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(
        api,
        registration(profile(mobile, fields={"city": "Pune"}), extendedFields={"gender": "Female"}),
    )
    body = {
        "profiles": [
            {
                "firstName": "Thomas",
                "lastName": "Sawyer",
                "fields": {"city": "Delhi", "employee": "true"},
                "source": "INSTORE",
            }
        ],
        "extendedFields": {"gender": "male", "dateofbirth": "1990-02-03"},
    }
    response = api.put(
        f"/v2/customers/{customer_id}?source=INSTORE",
        json=body,
        headers={"X-CAP-REQUEST-ID": "upd-1"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"createdId": customer_id, "warnings": [], "sideEffects": []}
    fetched = api.get(f"/v2/customers/{customer_id}?source=INSTORE").json()
    assert fetched["profiles"][0]["firstName"] == "Thomas"
    assert fetched["profiles"][0]["fields"] == {"city": "Delhi", "employee": "true"}
    assert fetched["extendedFields"] == {"gender": "Male", "dateofbirth": "1990-02-03"}
    updated = events(db, api.org.org_id, "customerUpdated")
    assert len(updated) == 1
    data = updated[0].data
    assert updated[0].api_request_id == "upd-1"
    assert data["triggeringActivity"] == {"name": "CUSTOMER_UPDATE", "requestId": "upd-1"}
    assert sorted(
        (f["fieldName"], f["previousValue"], f["currentValue"], f["fieldType"])
        for f in data["updatedFields"]
    ) == [
        ("city", "Pune", "Delhi", "CustomField"),
        ("dateofbirth", None, "1990-02-03", "ExtendedField"),
        ("employee", None, "true", "CustomField"),
        ("firstName", "Tom", "Thomas", "StandardField"),
        ("gender", "Female", "Male", "ExtendedField"),
    ]


def test_update_without_changes_writes_no_event(api: Api, db: Database) -> None:
    customer_id = register(api, registration(profile()))
    body = {"profiles": [{"firstName": "Tom", "lastName": "Sawyer", "source": "INSTORE"}]}
    assert api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body).status_code == 200
    assert events(db, api.org.org_id, "customerUpdated") == []


def test_loyalty_type_goes_one_way(api: Api) -> None:
    customer_id = register(api, registration(profile(), loyalty_type="non_loyalty"))
    up = api.put(
        f"/v2/customers/{customer_id}?source=INSTORE",
        json={"loyaltyInfo": {"loyaltyType": "loyalty"}},
    )
    assert up.status_code == 200
    assert api.get(f"/v2/customers/{customer_id}").json()["loyaltyInfo"]["loyaltyType"] == "loyalty"
    down = api.put(
        f"/v2/customers/{customer_id}?source=INSTORE",
        json={"loyaltyInfo": {"loyaltyType": "non_loyalty"}},
    )
    assert down.status_code == 400
    assert codes(down) == [1046]


def test_existing_identifiers_never_change_new_types_are_added(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    body = {
        "profiles": [
            {
                "source": "INSTORE",
                "identifiers": [
                    {"type": "mobile", "value": unique_mobile()},
                    {"type": "email", "value": "new@example.com"},
                    {"type": "email", "value": "bad-email"},
                ],
            }
        ]
    }
    response = api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body)
    assert response.status_code == 200
    assert warning_codes(response) == [91005, 8055]
    idents = api.get(f"/v2/customers/{customer_id}").json()["profiles"][0]["identifiers"]
    assert idents == [
        {"type": "mobile", "value": mobile},
        {"type": "email", "value": "new@example.com"},
    ]
    found = api.get(
        "/v2/customers/lookup?source=INSTORE&identifierName=email&identifierValue=new@example.com"
    )
    assert found.json()["entity"] == customer_id


def test_identifier_of_another_customer_is_not_taken_by_an_update(api: Api) -> None:
    register(
        api,
        registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": unique_mobile()},
                    {"type": "email", "value": "taken@example.com"},
                ]
            )
        ),
    )
    customer_id = register(api, registration(profile()))
    body = {
        "profiles": [
            {"source": "INSTORE", "identifiers": [{"type": "email", "value": "taken@example.com"}]}
        ]
    }
    response = api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body)
    assert warning_codes(response) == [91007]


def test_channels_are_upserted(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    body = {
        "profiles": [
            {
                "source": "INSTORE",
                "commChannels": [
                    {
                        "type": "mobilePush",
                        "value": "fcm-1",
                        "primary": True,
                        "verified": True,
                        "meta": {"lastViewedDate": "2019-10-25"},
                    },
                    {"type": "mobile", "value": "12"},
                ],
            }
        ]
    }
    response = api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body)
    assert warning_codes(response) == [8058]
    channels = api.get(f"/v2/customers/{customer_id}").json()["profiles"][0]["commChannels"]
    assert channels[0]["type"] == "mobilePush"
    assert channels[0]["meta"]["lastViewedDate"] == "2019-10-25"


def test_update_by_lookup(api: Api) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    response = api.put(
        f"/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue={mobile}",
        json={"profiles": [{"firstName": "Huck"}]},
    )
    assert response.json()["createdId"] == customer_id
    assert api.get(f"/v2/customers/{customer_id}").json()["profiles"][0]["firstName"] == "Huck"
    bad = api.put(
        f"/v2/customers/lookup?source=INSTORE&identifierName=cuid&identifierValue={mobile}", json={}
    )
    assert codes(bad) == [8013]
    missing = api.put(
        "/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue=919800077777",
        json={},
    )
    assert codes(missing) == [8015]


def test_update_failures(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    assert codes(api.put("/v2/customers/99999999?source=INSTORE", json={})) == [8015]
    assert codes(api.put(f"/v2/customers/{customer_id}?source=WEBSITE", json={})) == [8065]
    assert codes(api.put(f"/v2/customers/{customer_id}?source=WECHAT", json={})) == [8045]
    assert codes(api.put(f"/v2/customers/{customer_id}", json={})) == [8012]
