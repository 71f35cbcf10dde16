"""POST and GET /v2/customers/{id}/subscriptions: shapes, events and every documented failure."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from patron.customers.models import Customer
from patron.db import Database, unit_of_work
from patron.events.catalogue import EventName
from patron.events.models import Event
from patron.events.outbox import list_events
from tests.conftest import Api, make_org
from tests.factories import profile, registration, unique_mobile

SAMPLE_REQUEST: dict[str, Any] = {
    "communicationId": -1,
    "campaignId": -1,
    "reason": "Example reason",
    "scope": {"scope": "USER", "subScope": "NONE"},
    "subscriptions": [
        {
            "channel": "EMAIL",
            "accountId": "",
            "priority": "BULK",
            "type": "OPTOUT",
            "orgUnitId": 200031782,
            "sourceName": "INSTORE",
        },
        {
            "channel": "MOBILE",
            "accountId": "",
            "priority": "BULK",
            "type": "OPTOUT",
            "orgUnitId": 200031782,
            "sourceName": "INSTORE",
        },
        {
            "channel": "EMAIL",
            "accountId": "",
            "priority": "TRANS",
            "type": "OPTIN",
            "orgUnitId": 200031782,
            "sourceName": "INSTORE",
        },
        {
            "channel": "MOBILE",
            "accountId": "123",
            "priority": "TRANS",
            "type": "OPTIN",
            "orgUnitId": 200031782,
            "sourceName": "WECHAT",
        },
    ],
}

FRESH_LISTING = [
    {"channel": "EMAIL", "priority": "TRANS", "type": "OPTIN"},
    {"channel": "SMS", "priority": "TRANS", "type": "OPTIN"},
    {"channel": "EMAIL", "priority": "BULK", "type": "OPTIN"},
    {"channel": "SMS", "priority": "BULK", "type": "OPTIN"},
]


def register(api: Api, mobile: str | None = None) -> int:
    response = api.post("/v2/customers", json=registration(profile(mobile)))
    assert response.status_code == 200, response.text
    return int(response.json()["createdId"])


def change(channel: str, priority: str | None, status: str | None, **extra: Any) -> dict[str, Any]:
    return {"channel": channel, "priority": priority, "type": status, **extra}


def body(*changes: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"subscriptions": list(changes), **extra}


def subscription_events(db: Database, org_id: int) -> list[Event]:
    with unit_of_work(db.read_session) as session:
        return list_events(session, org_id, name=EventName.CUSTOMER_SUBSCRIPTION)


def codes(response: Any) -> list[int]:
    return [e["code"] for e in response.json()["errors"]]


def sample_api(app_client: TestClient, db: Database) -> Api:
    """An org whose WeChat account is the sample's ``123``."""
    sources = {"INSTORE": {}, "WECHAT": {"accounts": ["123"]}}
    return Api(app_client, make_org(db, sources=sources))


def test_seed_sample_answers_the_documented_shape(app_client: TestClient, db: Database) -> None:
    api = sample_api(app_client, db)
    customer_id = register(api)
    response = api.post(f"/v2/customers/{customer_id}/subscriptions", json=SAMPLE_REQUEST)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "scope": {
            "scopeId": 0,
            "scope": "USER",
            "subScope": "NONE",
            "setCreatedOn": False,
            "setPriority": False,
            "setScopeId": False,
            "setScope": True,
            "setSubScope": True,
        },
        "subscriptions": [
            {"channel": "EMAIL", "accountId": "", "priority": "BULK", "type": "OPTOUT"},
            {"channel": "SMS", "accountId": "", "priority": "BULK", "type": "OPTOUT"},
            {"channel": "EMAIL", "accountId": "", "priority": "TRANS", "type": "OPTIN"},
            {"channel": "SMS", "accountId": "123", "priority": "TRANS", "type": "OPTIN"},
        ],
        "campaignId": -1,
        "communicationId": -1,
        "reason": "Example reason",
        "warnings": [],
    }


def test_fresh_customer_is_opted_in_to_email_and_sms(api: Api) -> None:
    customer_id = register(api)
    response = api.get(f"/v2/customers/{customer_id}/subscriptions")
    assert response.status_code == 200
    assert response.json() == {
        "subscriptions": FRESH_LISTING,
        "campaignId": 0,
        "communicationId": 0,
        "warnings": [],
    }


def test_listing_shows_changes_and_other_source_accounts(
    app_client: TestClient, db: Database
) -> None:
    api = sample_api(app_client, db)
    customer_id = register(api)
    api.post(f"/v2/customers/{customer_id}/subscriptions", json=SAMPLE_REQUEST)
    api.post(
        f"/v2/customers/{customer_id}/subscriptions",
        json=body(change("whatsapp", "trans", "optout")),
    )
    listing = api.get(f"/v2/customers/{customer_id}/subscriptions").json()["subscriptions"]
    assert listing == [
        {"channel": "EMAIL", "priority": "TRANS", "type": "OPTIN"},
        {"channel": "SMS", "priority": "TRANS", "type": "OPTIN"},
        {"channel": "WHATSAPP", "priority": "TRANS", "type": "OPTOUT"},
        {
            "channel": "SMS",
            "priority": "TRANS",
            "type": "OPTIN",
            "accountId": "123",
            "sourceName": "WECHAT",
        },
        {"channel": "EMAIL", "priority": "BULK", "type": "OPTOUT"},
        {"channel": "SMS", "priority": "BULK", "type": "OPTOUT"},
    ]


def test_a_change_writes_one_filled_event(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(api, mobile)
    request = body(
        change("SMS", "TRANS", "OPTOUT", orgUnitId=77),
        change("EMAIL", "TRANS", "OPTIN"),
        change("wechat", "BULK", "OPTOUT", sourceName="WECHAT", accountId="WECHAT-CM"),
    )
    response = api.post(
        f"/v2/customers/{customer_id}/subscriptions",
        json=request,
        headers={"X-CAP-REQUEST-ID": "rq-subscription-1"},
    )
    assert response.status_code == 200, response.text
    (event,) = subscription_events(db, api.org.org_id)
    assert event.ref_id == f"{api.org.org_id}_{customer_id}"
    assert event.api_request_id == "rq-subscription-1"
    assert event.entity_id == customer_id
    data = event.data
    assert data["subscriptions"] == [
        {
            "sourceAccountId": "",
            "previousStatus": "OPTIN",
            "currentStatus": "OPTOUT",
            "channel": "SMS",
            "sourceName": "INSTORE",
            "priority": "TRANS",
            "ouId": 77,
            "ouCode": "",
        },
        {
            "sourceAccountId": "WECHAT-CM",
            "previousStatus": "OPTIN",
            "currentStatus": "OPTOUT",
            "channel": "WECHAT",
            "sourceName": "WECHAT",
            "priority": "BULK",
            "ouId": -1,
            "ouCode": "",
        },
    ]
    identifiers = data["customerIdentifiers"]
    assert identifiers["customerId"] == customer_id
    assert identifiers["loyaltyType"] == "loyalty"
    assert identifiers["firstName"] == "Tom"
    assert identifiers["instore"]["mobile"] == mobile
    assert data["enteredBy"]["till"] == {
        "code": api.org.till_code,
        "name": f"Till {api.org.org_id}",
    }
    assert data["enteredBy"]["store"]["code"] == f"store.{api.org.org_id}"
    assert data["enteredBy"]["store"]["externalId"] == f"EXT{api.org.org_id}"


def test_reverting_a_status_reports_the_previous_one(api: Api, db: Database) -> None:
    customer_id = register(api)
    path = f"/v2/customers/{customer_id}/subscriptions"
    api.post(path, json=body(change("EMAIL", "BULK", "OPTOUT")))
    api.post(path, json=body(change("EMAIL", "BULK", "OPTIN")))
    statuses = [
        (e.data["subscriptions"][0]["previousStatus"], e.data["subscriptions"][0]["currentStatus"])
        for e in subscription_events(db, api.org.org_id)
    ]
    assert statuses == [("OPTIN", "OPTOUT"), ("OPTOUT", "OPTIN")]


def test_no_event_when_nothing_changes(api: Api, db: Database) -> None:
    customer_id = register(api)
    path = f"/v2/customers/{customer_id}/subscriptions"
    first = api.post(path, json=body(change("EMAIL", "TRANS", "OPTIN")))
    assert first.status_code == 200
    assert subscription_events(db, api.org.org_id) == []
    api.post(path, json=body(change("EMAIL", "BULK", "OPTOUT")))
    api.post(path, json=body(change("EMAIL", "BULK", "OPTOUT")))
    assert len(subscription_events(db, api.org.org_id)) == 1


def test_channels_and_values_are_case_insensitive(api: Api) -> None:
    customer_id = register(api)
    names = ["mobile", "sms", "Email", "wechat", "whatsapp", "ios", "android", "line"]
    response = api.post(
        f"/v2/customers/{customer_id}/subscriptions",
        json=body(*(change(name, "bulk", "optout") for name in names)),
    )
    assert response.status_code == 200, response.text
    echoed = [item["channel"] for item in response.json()["subscriptions"]]
    assert echoed == ["SMS", "SMS", "EMAIL", "WECHAT", "WHATSAPP", "IOS", "ANDROID", "LINE"]
    assert {item["type"] for item in response.json()["subscriptions"]} == {"OPTOUT"}


def test_the_last_item_for_a_channel_wins(api: Api, db: Database) -> None:
    customer_id = register(api)
    api.post(
        f"/v2/customers/{customer_id}/subscriptions",
        json=body(change("EMAIL", "BULK", "OPTOUT"), change("email", "BULK", "OPTIN")),
    )
    listing = api.get(f"/v2/customers/{customer_id}/subscriptions").json()["subscriptions"]
    assert listing == FRESH_LISTING
    assert subscription_events(db, api.org.org_id) == []


BAD_REQUESTS: list[tuple[dict[str, Any], int]] = [
    (body(change("FAX", "BULK", "OPTOUT")), 1101),
    (body({"priority": "BULK", "type": "OPTOUT"}), 1101),
    (body(change("EMAIL", "URGENT", "OPTOUT")), 1102),
    (body(change("EMAIL", None, "OPTOUT")), 1102),
    (body(change("EMAIL", "BULK", "OPTOUT"), scope={"scope": "ORG", "subScope": "NONE"}), 1103),
    (body(change("EMAIL", "BULK", "OPTOUT"), scope={"scope": "USER", "subScope": "X"}), 1103),
    (
        body(
            change("EMAIL", "BULK", "OPTOUT"),
            scope=[{"scope": "USER"}, {"scope": "USER", "subScope": "NONE"}],
        ),
        1105,
    ),
    (body(change("EMAIL", "BULK", "MAYBE")), 1106),
    (body(change("EMAIL", "BULK", None)), 1106),
    (body(change("EMAIL", "BULK", "OPTOUT"), campaignId="summer"), 1107),
    (body(change("EMAIL", "BULK", "OPTOUT"), campaignId=-5), 1107),
    (body(change("EMAIL", "BULK", "OPTOUT"), communicationId="x1"), 1108),
    (body(), 1109),
    ({"reason": "nothing"}, 1109),
    (body(change("EMAIL", "BULK", "OPTOUT", sourceName="MYSPACE")), 8012),
    (body(change("EMAIL", "BULK", "OPTOUT", sourceName="WECHAT")), 8045),
    (body(change("EMAIL", "BULK", "OPTOUT", sourceName="WECHAT", accountId="NOPE")), 8011),
    (body(change("EMAIL", "BULK", "OPTOUT", orgUnitId="ou-1")), 400),
    (body(change("EMAIL", "BULK", "OPTOUT"), reason="r" * 256), 400),
    ({"subscriptions": "EMAIL"}, 400),
]


@pytest.mark.parametrize(("request_body", "code"), BAD_REQUESTS)
def test_bad_input_gets_its_code_and_changes_nothing(
    api: Api, db: Database, request_body: dict[str, Any], code: int
) -> None:
    customer_id = register(api)
    valid_first = copy.deepcopy(request_body)
    if isinstance(valid_first.get("subscriptions"), list) and valid_first["subscriptions"]:
        valid_first["subscriptions"].insert(0, change("SMS", "BULK", "OPTOUT"))
    response = api.post(f"/v2/customers/{customer_id}/subscriptions", json=valid_first)
    assert response.status_code == 400, response.text
    assert codes(response) == [code]
    listing = api.get(f"/v2/customers/{customer_id}/subscriptions").json()["subscriptions"]
    assert listing == FRESH_LISTING
    assert subscription_events(db, api.org.org_id) == []


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_customer_is_8015(api: Api, method: str) -> None:
    response = api.request(
        method, "/v2/customers/987654321/subscriptions", json=body(change("SMS", "BULK", "OPTIN"))
    )
    assert response.status_code == 404
    assert codes(response) == [8015]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("customer_id", ["abc", "0", "-4", "99999999999999999999"])
def test_malformed_customer_id_is_1104(api: Api, method: str, customer_id: str) -> None:
    response = api.request(
        method,
        f"/v2/customers/{customer_id}/subscriptions",
        json=body(change("SMS", "BULK", "OPTIN")),
    )
    assert response.status_code == 400
    assert codes(response) == [1104]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_merged_customer_is_8069_naming_the_survivor(api: Api, db: Database, method: str) -> None:
    victim, survivor = register(api), register(api)
    with unit_of_work(db.write_session) as session:
        customer = session.get(Customer, victim)
        assert customer is not None
        customer.merged_into_id = survivor
    response = api.request(
        method, f"/v2/customers/{victim}/subscriptions", json=body(change("SMS", "BULK", "OPTIN"))
    )
    assert response.status_code == 404
    assert codes(response) == [8069]
    assert str(survivor) in response.json()["errors"][0]["message"]


def test_customer_of_another_org_is_not_found(
    api: Api, app_client: TestClient, db: Database
) -> None:
    customer_id = register(api)
    stranger = Api(app_client, make_org(db))
    response = stranger.post(
        f"/v2/customers/{customer_id}/subscriptions", json=body(change("SMS", "BULK", "OPTOUT"))
    )
    assert response.status_code == 404
    assert codes(response) == [8015]


def test_credentials_are_required(app_client: TestClient) -> None:
    response = app_client.get("/v2/customers/1/subscriptions")
    assert response.status_code == 401
