"""POST/PUT /v2/customers/{id}/changeIdentifier, including merges."""

from __future__ import annotations

from typing import Any

import pytest

from patron.db import Database
from tests.api.helpers import codes, events, register, warning_codes
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile


def change(
    api: Api,
    customer_id: int,
    body: dict[str, Any],
    query: str = "source=INSTORE",
    method: str = "POST",
) -> Any:
    return api.request(method, f"/v2/customers/{customer_id}/changeIdentifier?{query}", json=body)


def test_add_and_remove_identifiers(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(
        api,
        registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": mobile},
                    {"type": "email", "value": "old@example.com"},
                ]
            )
        ),
    )
    body = {
        "add": [{"type": "email", "value": "new@example.com"}, {"type": "wechat", "value": "wx-1"}],
        "remove": [{"type": "email", "value": "old@example.com"}],
    }
    response = change(api, customer_id, body, method="PUT")
    assert response.status_code == 200, response.text
    assert response.json() == {"createdId": customer_id, "warnings": []}
    idents = {
        (i["type"], i["value"])
        for i in api.get(f"/v2/customers/{customer_id}").json()["profiles"][0]["identifiers"]
    }
    assert idents == {("mobile", mobile), ("email", "new@example.com"), ("wechat", "wx-1")}
    assert (
        api.get(
            "/v2/customers/lookup?source=ALL&identifierName=email&identifierValue=old@example.com"
        ).status_code
        == 404
    )
    (event,) = events(db, api.org.org_id, "customerUpdated")
    changes = [
        (f["fieldName"], f["previousValue"], f["currentValue"], f["fieldType"])
        for f in event.data["updatedFields"]
    ]
    assert changes == [
        ("email", "old@example.com", None, "Identifier"),
        ("email", None, "new@example.com", "Identifier"),
        ("wechat", None, "wx-1", "Identifier"),
    ]
    history = api.get(f"/v2/customers/{customer_id}/changeRequest?changeType=EMAIL").json()
    assert history["pagination"]["total"] == 1
    assert history["data"][0]["changeIdentifiers"] == {
        "add": [{"type": "EMAIL", "value": "new@example.com"}],
        "remove": [{"type": "EMAIL", "value": "old@example.com"}],
    }


def test_issue_a_card(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    body = {
        "add": [
            {
                "type": "cardnumber",
                "value": "TTM001110000000001ZS",
                "seriesCode": "DEMO-EXT",
                "statusLabel": "ACTIVE",
            }
        ]
    }
    assert change(api, customer_id, body).status_code == 200
    card = api.get(f"/v2/customers/{customer_id}").json()["cardDetails"][0]
    assert card["cardNumber"] == "TTM001110000000001ZS"
    assert card["seriesCode"] == "DEMO-EXT"


def test_adding_in_a_new_source_creates_the_profile(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    response = change(
        api,
        customer_id,
        {"add": [{"type": "wechat", "value": "wx-77"}]},
        "source=WECHAT&accountId=WECHAT-CM",
    )
    assert response.status_code == 200
    sources = [p["source"] for p in api.get(f"/v2/customers/{customer_id}").json()["profiles"]]
    assert sources == ["INSTORE", "WECHAT"]


def test_identifier_held_in_another_source_merges_into_its_holder(api: Api, db: Database) -> None:
    holder_mobile, victim_mobile = unique_mobile(), unique_mobile()
    holder = register(
        api, registration(profile(holder_mobile, source="WECHAT", account_id="WECHAT-CM"))
    )
    victim = register(api, registration(profile(victim_mobile), extendedFields={"city": "Pune"}))
    response = change(
        api,
        victim,
        {
            "add": [{"type": "mobile", "value": holder_mobile}],
            "remove": [{"type": "mobile", "value": victim_mobile}],
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["createdId"] == holder
    assert warning_codes(response) == [8051]
    assert str(holder) in response.json()["warnings"][0]["message"]
    merged = api.get(f"/v2/customers/{victim}")
    assert merged.status_code == 404
    assert codes(merged) == [8069]
    assert str(holder) in merged.json()["errors"][0]["message"]
    survivor = api.get(f"/v2/customers/{holder}").json()
    assert sorted(p["source"] for p in survivor["profiles"]) == ["INSTORE", "WECHAT"]
    assert survivor["extendedFields"] == {"city": "Pune"}
    found = api.get(
        f"/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue={holder_mobile}"
    )
    assert found.json()["entity"] == holder
    merges = api.get(f"/v2/customers/{holder}/changeRequest?changeType=MERGE").json()["data"]
    assert merges[0]["mergeDetails"]["victimId"] == victim
    assert merges[0]["mergeDetails"]["moved"]["profiles"][0]["source"] == "INSTORE"
    last = events(db, api.org.org_id, "customerUpdated")[-1]
    assert last.entity_id == holder
    assert last.data["triggeringActivity"]["name"] == "MERGE"


def test_victim_of_a_merge_cannot_be_changed(api: Api) -> None:
    holder_mobile = unique_mobile()
    holder = register(
        api, registration(profile(holder_mobile, source="LINE", account_id="LINE-DEMO"))
    )
    victim = register(api, registration(profile()))
    change(
        api,
        victim,
        {"add": [{"type": "mobile", "value": holder_mobile}], "remove": []},
        "source=WEBSITE",
    )
    again = change(api, victim, {"add": [{"type": "email", "value": "x@example.com"}]})
    assert again.status_code == 409
    assert codes(again) == [8067]
    assert str(holder) in again.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, 400),
        ({"add": [{"type": "mobile", "value": "123"}]}, 8056),
        ({"add": [{"type": "email", "value": "nope"}]}, 8055),
        ({"add": [{"type": "externalId", "value": " "}]}, 8064),
        ({"add": [{"type": "passport", "value": "P1"}]}, 8013),
        ({"remove": [{"type": "email", "value": "absent@example.com"}]}, 8065),
    ],
)
def test_change_identifier_bad_input(api: Api, body: dict[str, Any], code: int) -> None:
    customer_id = register(api, registration(profile()))
    assert codes(change(api, customer_id, body)) == [code]


def test_change_identifier_conflicts(api: Api) -> None:
    mine, theirs = unique_mobile(), unique_mobile()
    customer_id = register(
        api,
        registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": mine},
                    {"type": "email", "value": "me@example.com"},
                ]
            )
        ),
    )
    register(api, registration(profile(theirs)))
    assert codes(
        change(api, customer_id, {"add": [{"type": "email", "value": "me@example.com"}]})
    ) == [8008]
    assert codes(change(api, customer_id, {"add": [{"type": "mobile", "value": theirs}]})) == [8007]
    assert codes(change(api, 99999999, {"add": [{"type": "wechat", "value": "w"}]})) == [8009]
    assert codes(
        change(api, customer_id, {"add": [{"type": "wechat", "value": "w"}]}, "source=WECHAT")
    ) == [8045]
    assert codes(change(api, customer_id, {"remove": [{"type": "mobile", "value": mine}]})) == [
        91005
    ]


def test_identifiers_of_two_other_customers_cannot_merge(api: Api) -> None:
    a, b = unique_mobile(), "b@example.com"
    register(api, registration(profile(a, source="WEBSITE")))
    register(
        api,
        registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": unique_mobile()},
                    {"type": "email", "value": b},
                ],
                source="JD",
            )
        ),
    )
    customer_id = register(api, registration(profile()))
    response = change(
        api,
        customer_id,
        {"add": [{"type": "mobile", "value": a}, {"type": "email", "value": b}]},
        "source=TMALL",
    )
    assert codes(response) == [8053]


def test_merge_into_a_customer_with_the_same_source_is_8066(api: Api) -> None:
    holder_mobile = unique_mobile()
    register(api, registration(profile(holder_mobile, source="WEBSITE"), profile(unique_mobile())))
    victim = register(api, registration(profile()))
    response = change(
        api, victim, {"add": [{"type": "mobile", "value": holder_mobile}]}, "source=JD"
    )
    assert codes(response) == [8066]
    assert api.get(f"/v2/customers/{victim}").status_code == 200
