"""X-CAP-API-ATTRIBUTION-ENTITY-TYPE/-CODE: a call acts as another till (or store) of the org."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from patron.db import Database
from patron.kit.secrets import md5_hex
from tests.api.helpers import codes, events
from tests.auth.conftest import PASSWORD, basic, store_spec, till_spec, unique
from tests.conftest import make_org
from tests.factories import profile, registration

TYPE = "X-CAP-API-ATTRIBUTION-ENTITY-TYPE"
CODE = "X-CAP-API-ATTRIBUTION-ENTITY-CODE"


@dataclass
class Org:
    """An org with two stores: the caller's till and a second till in one, two tills in the other."""

    org_id: int
    caller: str
    second: str
    store: str
    other_store: str
    other_store_first: str
    inactive: str
    client_key: str

    @property
    def basic(self) -> dict[str, str]:
        return basic(self.caller, md5_hex(PASSWORD))


@pytest.fixture
def org(db: Database) -> Org:
    caller, second, inactive, first, later = (unique("till") for _ in range(5))
    store, other_store, key = unique("store"), unique("store"), unique("key")
    credentials = make_org(
        db,
        stores=[
            store_spec(store, till_spec(caller), till_spec(second)),
            # The first till of the other store is inactive: a store acts as its first active one.
            store_spec(
                other_store,
                till_spec(inactive, active=False),
                till_spec(first),
                till_spec(later),
            ),
        ],
        apiClients=[{"key": key, "secret": "secret", "till": caller}],
    )
    return Org(credentials.org_id, caller, second, store, other_store, first, inactive, key)


def register_as(client: TestClient, headers: dict[str, str]) -> int:
    response = client.post("/v2/customers", json=registration(profile()), headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["createdId"])


def created_by(client: TestClient, org: Org, customer_id: int) -> dict[str, Any]:
    fetched = client.get(f"/v2/customers/{customer_id}", headers=org.basic).json()
    attribution = fetched["profiles"][0]["attribution"]
    customer = fetched["loyaltyInfo"]["attributionV2"]
    assert customer["createdBy"]["code"] == attribution["createdBy"]["code"]
    return dict(attribution["createdBy"])


def test_a_registration_attributed_to_another_till_is_created_by_it(
    app_client: TestClient, db: Database, org: Org
) -> None:
    headers = {**org.basic, TYPE: "TILL", CODE: org.second}
    customer_id = register_as(app_client, headers)
    attribution = created_by(app_client, org, customer_id)
    assert attribution["code"] == org.second
    assert attribution["type"] == "TILL"
    [added] = events(db, org.org_id, "customerAdded")
    entered_by = added.data["enteredBy"]
    assert entered_by["till"]["code"] == org.second
    assert entered_by["user"] == {"username": org.second}
    assert entered_by["id"] == attribution["id"]
    assert entered_by["store"]["code"] == org.store


def test_without_attribution_headers_the_caller_is_attributed(
    app_client: TestClient, org: Org
) -> None:
    customer_id = register_as(app_client, org.basic)
    assert created_by(app_client, org, customer_id)["code"] == org.caller


def test_the_attribution_type_defaults_to_till(app_client: TestClient, org: Org) -> None:
    customer_id = register_as(app_client, {**org.basic, CODE: org.second})
    assert created_by(app_client, org, customer_id)["code"] == org.second


def test_an_update_attributed_to_another_till_is_modified_by_it(
    app_client: TestClient, org: Org
) -> None:
    customer_id = register_as(app_client, org.basic)
    body = {"profiles": [{"firstName": "Becky", "lastName": "Thatcher", "source": "INSTORE"}]}
    headers = {**org.basic, TYPE: "TILL", CODE: org.second}
    response = app_client.put(
        f"/v2/customers/{customer_id}?source=INSTORE", json=body, headers=headers
    )
    assert response.status_code == 200, response.text
    fetched = app_client.get(f"/v2/customers/{customer_id}", headers=org.basic).json()
    attribution = fetched["profiles"][0]["attribution"]
    assert attribution["createdBy"]["code"] == org.caller
    assert attribution["modifiedBy"]["code"] == org.second


def test_a_store_code_attributes_the_call_to_the_stores_first_active_till(
    app_client: TestClient, db: Database, org: Org
) -> None:
    headers = {**org.basic, TYPE: "STORE_CODE", CODE: org.other_store}
    customer_id = register_as(app_client, headers)
    assert created_by(app_client, org, customer_id)["code"] == org.other_store_first
    [added] = events(db, org.org_id, "customerAdded")
    assert added.data["enteredBy"]["till"]["code"] == org.other_store_first
    assert added.data["enteredBy"]["store"]["code"] == org.other_store


def test_attribution_applies_to_oauth_callers(app_client: TestClient, org: Org) -> None:
    token = app_client.post(
        "/v3/oauth/token/generate", json={"key": org.client_key, "secret": "secret"}
    ).json()["data"]["accessToken"]
    headers = {"X-CAP-API-OAUTH-TOKEN": token, TYPE: "TILL", CODE: org.second}
    customer_id = register_as(app_client, headers)
    assert created_by(app_client, org, customer_id)["code"] == org.second


def test_a_till_of_another_org_is_an_invalid_attribution(
    app_client: TestClient, db: Database, org: Org
) -> None:
    stranger = make_org(db)
    headers = {**org.basic, TYPE: "TILL", CODE: stranger.till_code}
    response = app_client.post("/v2/customers", json=registration(profile()), headers=headers)
    assert response.status_code == 400
    assert codes(response) == [91021]
    assert response.json()["errors"][0]["message"] == "Invalid attribution TILL passed."
    assert events(db, org.org_id, "customerAdded") == []


@pytest.mark.parametrize(
    ("entity_type", "code"),
    [
        ("TILL", lambda org: "no-such-till"),
        ("TILL", lambda org: org.inactive),
        ("TILL", lambda org: org.store),
        ("TILL", lambda org: "till\x00nul"),
        ("TILL", lambda org: "t" * 5000),
        ("STORE_CODE", lambda org: "no-such-store"),
        ("STORE_CODE", lambda org: org.caller),
        ("STORE_CODE", lambda org: f"{org.store}\x01"),
    ],
    ids=["unknown", "inactive", "store-as-till", "nul", "long", "store", "till-as-store", "ctrl"],
)
def test_an_unknown_attribution_code_answers_91021(
    app_client: TestClient, org: Org, entity_type: str, code: Callable[[Org], str]
) -> None:
    headers = {**org.basic, TYPE: entity_type, CODE: code(org)}
    response = app_client.get("/v2/extendedFields", headers=headers)
    assert response.status_code == 400
    assert codes(response) == [91021]
    assert response.json()["errors"][0]["message"] == f"Invalid attribution {entity_type} passed."


def test_an_unknown_attribution_type_answers_400(app_client: TestClient, org: Org) -> None:
    headers = {**org.basic, TYPE: "CASHIER", CODE: org.second}
    response = app_client.post("/v2/customers", json=registration(profile()), headers=headers)
    assert response.status_code == 400
    assert codes(response) == [400]
    assert "TILL or STORE_CODE" in response.json()["errors"][0]["message"]
