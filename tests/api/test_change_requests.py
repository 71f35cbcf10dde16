"""GET /v2/customers/{id}/changeRequest: documented change types only, one request per call."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from patron.customers.models import ChangeRequest, Customer
from patron.db import Database, unit_of_work
from tests.api.helpers import register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile

DOCUMENTED_TYPES = (
    "EMAIL",
    "MOBILE",
    "EXTERNAL_ID",
    "MERGE",
    "ADDRESS",
    "MOBILE_REALLOC",
    "COUPON",
    "POINTS",
    "TIER",
    "RETRO",
)
# The entity shape of the document's sample (addedBy / updatedBy).
ENTITY_KEYS = {
    "id",
    "code",
    "description",
    "name",
    "type",
    "adminType",
    "isActive",
    "isOuEnabled",
    "timeZoneId",
    "currencyId",
    "languageId",
}


def change(api: Api, customer_id: int, body: dict[str, Any], query: str = "source=INSTORE") -> None:
    response = api.post(f"/v2/customers/{customer_id}/changeIdentifier?{query}", json=body)
    assert response.status_code == 200, response.text


def requests_of(api: Api, customer_id: int, query: str = "") -> dict[str, Any]:
    response = api.get(f"/v2/customers/{customer_id}/changeRequest?{query}")
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def with_email(api: Api, email: str) -> int:
    return register(
        api,
        registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": unique_mobile()},
                    {"type": "email", "value": email},
                ]
            )
        ),
    )


def store_row(db: Database, customer_id: int, change_type: str, details: dict[str, Any]) -> None:
    """Store a change request as an older patron did."""
    with unit_of_work(db.write_session) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        now = dt.datetime.now(dt.UTC)
        session.add(
            ChangeRequest(
                org_id=customer.org_id,
                customer_id=customer_id,
                change_type=change_type,
                source="INSTORE",
                account_id="",
                status="APPROVED",
                details=details,
                comments="stored by an older patron",
                added_by=customer.created_by,
                added_on=now,
                updated_by=customer.created_by,
                updated_on=now,
            )
        )


def test_one_call_adding_and_removing_two_types_is_one_request(api: Api) -> None:
    customer_id = with_email(api, "old@example.com")
    change(
        api,
        customer_id,
        {
            "add": [{"type": "externalId", "value": f"ext-{customer_id}"}],
            "remove": [{"type": "email", "value": "old@example.com"}],
        },
    )
    answer = requests_of(api, customer_id)
    assert answer["pagination"]["total"] == 1
    (request,) = answer["data"]
    assert request["changeType"] == "EXTERNAL_ID"
    assert request["changeIdentifiers"] == {
        "add": [{"type": "EXTERNAL_ID", "value": f"ext-{customer_id}"}],
        "remove": [{"type": "EMAIL", "value": "old@example.com"}],
    }


def test_card_changes_are_not_change_requests(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    change(api, customer_id, {"add": [{"type": "cardnumber", "value": f"CARD-{customer_id}"}]})
    assert requests_of(api, customer_id)["pagination"]["total"] == 0


def test_other_identifier_types_are_not_change_requests(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    change(api, customer_id, {"add": [{"type": "wechat", "value": f"wx-{customer_id}"}]})
    assert requests_of(api, customer_id)["pagination"]["total"] == 0


def test_a_card_beside_an_email_is_left_out_of_the_request(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    email = f"{customer_id}@example.com"
    change(
        api,
        customer_id,
        {
            "add": [
                {"type": "cardnumber", "value": f"CARD-{customer_id}"},
                {"type": "email", "value": email},
            ]
        },
    )
    (request,) = requests_of(api, customer_id)["data"]
    assert request["changeType"] == "EMAIL"
    assert request["changeIdentifiers"] == {
        "add": [{"type": "EMAIL", "value": email}],
        "remove": [],
    }


@pytest.mark.parametrize("change_type", ["CARD", "IDENTIFIER", "STATUS"])
def test_undocumented_change_types_are_refused_as_filters(api: Api, change_type: str) -> None:
    customer_id = register(api, registration(profile()))
    response = api.get(f"/v2/customers/{customer_id}/changeRequest?changeType={change_type}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == 400


@pytest.mark.parametrize("change_type", DOCUMENTED_TYPES)
def test_documented_change_types_are_accepted_as_filters(api: Api, change_type: str) -> None:
    customer_id = register(api, registration(profile()))
    assert requests_of(api, customer_id, f"changeType={change_type}")["data"] == []


def test_stored_rows_of_undocumented_types_never_show(api: Api, db: Database) -> None:
    customer_id = register(api, registration(profile()))
    store_row(db, customer_id, "CARD", {"add": [{"type": "CARDNUMBER", "value": "C-1"}]})
    store_row(db, customer_id, "IDENTIFIER", {"add": [{"type": "WECHAT", "value": "wx"}]})
    store_row(db, customer_id, "STATUS", {"currentLabel": "Suspended"})
    answer = requests_of(api, customer_id)
    assert answer["pagination"]["total"] == 0
    assert answer["data"] == []


def test_stored_identifier_types_are_rendered_in_one_spelling(api: Api, db: Database) -> None:
    customer_id = register(api, registration(profile()))
    store_row(db, customer_id, "MOBILE", {"add": [{"type": "mobile", "value": "919800000001"}]})
    store_row(db, customer_id, "EXTERNAL_ID", {"add": [{"type": "EXTERNALID", "value": "x-1"}]})
    shown = {
        r["changeType"]: r["changeIdentifiers"]["add"]
        for r in requests_of(api, customer_id)["data"]
    }
    assert shown == {
        "MOBILE": [{"type": "MOBILE", "value": "919800000001"}],
        "EXTERNAL_ID": [{"type": "EXTERNAL_ID", "value": "x-1"}],
    }


def test_change_identifier_spells_external_id_as_its_change_type(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    change(api, customer_id, {"add": [{"type": "externalId", "value": f"e-{customer_id}"}]})
    (request,) = requests_of(api, customer_id)["data"]
    assert request["changeIdentifiers"]["add"] == [
        {"type": "EXTERNAL_ID", "value": f"e-{customer_id}"}
    ]


def test_update_spells_identifier_types_as_the_document(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    email = f"{customer_id}@example.com"
    body = {"profiles": [{"identifiers": [{"type": "email", "value": email}]}]}
    assert api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body).status_code == 200
    (request,) = requests_of(api, customer_id)["data"]
    assert request["changeType"] == "EMAIL"
    assert request["changeIdentifiers"]["add"] == [{"type": "EMAIL", "value": email}]


def test_identifiers_added_by_one_update_are_one_request(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    email = f"{customer_id}@example.com"
    body = {
        "profiles": [
            {
                "identifiers": [
                    {"type": "email", "value": email},
                    {"type": "externalId", "value": f"e-{customer_id}"},
                ]
            }
        ]
    }
    assert api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body).status_code == 200
    answer = requests_of(api, customer_id)
    assert answer["pagination"]["total"] == 1
    assert answer["data"][0]["changeIdentifiers"]["add"] == [
        {"type": "EMAIL", "value": email},
        {"type": "EXTERNAL_ID", "value": f"e-{customer_id}"},
    ]


def test_added_by_and_updated_by_have_the_documented_entity_shape(api: Api, db: Database) -> None:
    customer_id = register(api, registration(profile()))
    change(api, customer_id, {"add": [{"type": "email", "value": f"{customer_id}@example.com"}]})
    (request,) = requests_of(api, customer_id)["data"]
    with unit_of_work(db.read_session) as session:
        till_id = session.scalar(
            select(ChangeRequest.added_by).where(ChangeRequest.customer_id == customer_id)
        )
    for entity in (request["addedBy"], request["updatedBy"]):
        assert set(entity) == ENTITY_KEYS
        assert entity["id"] == till_id
        assert entity["code"] == api.org.till_code
        assert entity["type"] == "TILL"
        assert entity["adminType"] == "GENERAL"
        assert entity["isActive"] is True
        assert entity["isOuEnabled"] is False
        assert (entity["timeZoneId"], entity["currencyId"], entity["languageId"]) == (0, 0, 0)
