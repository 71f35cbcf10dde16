"""/v3/webHooks: configuration, validation codes, masking, secrets and address safety."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from patron.app import create_app
from patron.config import Settings
from patron.db import Database
from tests.conftest import Api, make_org
from tests.webhooks.support import Hooks

URL = "http://127.0.0.1:9/hook"


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": f"crm-{uuid.uuid4().hex[:8]}",
        "webHookUrl": URL,
        "eventNames": ["customerAdded"],
        "maxAllowedConnections": 5,
        "methodType": "POST",
        "webHookHeaders": {"Authorization": "Bearer s3cr3t", "X-Tenant": "acme"},
        "active": True,
        "webHookType": "HTTP",
        "slaInSeconds": 30,
        "customerIdentifiersToBeEnriched": ["mobile"],
    }
    data.update(overrides)
    return data


def error_code(response: Any) -> int:
    return int(response.json()["errors"][0]["code"])


def test_create_answers_the_documented_shape(hooks: Hooks) -> None:
    response = hooks.api.post("/v3/webHooks", json=body())
    assert response.status_code == 200
    payload = response.json()
    assert payload["errors"] is None
    assert payload["warnings"] is None
    data = payload["data"]
    assert data["webHookId"] > 0
    assert data["eventNames"] == ["customerAdded"]
    assert data["webHookUrl"] == URL
    assert data["webHookType"] == "HTTP"
    assert data["methodType"] == "POST"
    assert data["maxAllowedConnections"] == 5
    assert data["active"] is True
    assert data["slaInSeconds"] == 30
    assert data["noOfRetryAttempts"] > 10
    assert str(uuid.UUID(data["consumerGroupId"])) == data["consumerGroupId"]
    assert set(data["attribution"]) == {"createdOn", "lastUpdatedOn", "createdBy", "lastUpdatedBy"}
    assert data["attribution"]["createdBy"] == hooks.api.org.till_code
    assert data["customerIdentifiersToBeEnriched"] == ["mobile"]
    assert data["payloadFormat"] == "ENRICHED"
    assert data["secret"].startswith("whsec_")


def test_header_values_are_masked_and_secret_never_shown_again(hooks: Hooks) -> None:
    created = hooks.api.post("/v3/webHooks", json=body()).json()["data"]
    assert created["webHookHeaders"] == {"Authorization": "********", "X-Tenant": "********"}
    read = hooks.api.get(f"/v3/webHooks/{created['webHookId']}")
    listed = hooks.api.get("/v3/webHooks").json()["data"]
    for data in (read.json()["data"], listed[0]):
        assert "secret" not in data
        assert "s3cr3t" not in str(data)
        assert created["secret"] not in str(data)


def test_list_shows_only_the_orgs_webhooks(
    hooks: Hooks, app_client: TestClient, db: Database
) -> None:
    other = Api(app_client, make_org(db, allowPrivateWebhooks=True))
    hooks.api.post("/v3/webHooks", json=body(name="mine"))
    other.post("/v3/webHooks", json=body(name="theirs"))
    names = [w["name"] for w in hooks.api.get("/v3/webHooks").json()["data"]]
    assert names == ["mine"]
    Hooks(other, db).cleanup()


def test_update_changes_named_fields_and_keeps_masked_headers(hooks: Hooks) -> None:
    created = hooks.api.post("/v3/webHooks", json=body()).json()["data"]
    webhook_id = created["webHookId"]
    response = hooks.api.put(
        f"/v3/webHooks/{webhook_id}",
        json={
            "maxAllowedConnections": 9,
            "payloadFormat": "RAW",
            "webHookHeaders": {"Authorization": "********", "X-New": "1"},
        },
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["maxAllowedConnections"] == 9
    assert data["payloadFormat"] == "RAW"
    assert data["name"] == created["name"]
    stored = hooks.webhook(webhook_id).headers
    assert stored == {"Authorization": "Bearer s3cr3t", "X-New": "1"}


def test_update_by_body_id_and_delete_by_query(hooks: Hooks) -> None:
    webhook_id = hooks.api.post("/v3/webHooks", json=body()).json()["data"]["webHookId"]
    updated = hooks.api.put("/v3/webHooks", json={"webHookId": webhook_id, "active": False})
    assert updated.json()["data"]["active"] is False
    deleted = hooks.api.delete(f"/v3/webHooks?webHookId={webhook_id}")
    assert deleted.status_code == 200
    assert hooks.api.get(f"/v3/webHooks/{webhook_id}").status_code == 404


def test_delete_then_read_is_not_found(hooks: Hooks) -> None:
    webhook_id = hooks.api.post("/v3/webHooks", json=body()).json()["data"]["webHookId"]
    assert hooks.api.delete(f"/v3/webHooks/{webhook_id}").status_code == 200
    response = hooks.api.get(f"/v3/webHooks/{webhook_id}")
    assert response.status_code == 404
    assert error_code(response) == 51104


def test_another_orgs_webhook_is_not_found(hooks: Hooks, api: Api) -> None:
    webhook_id = hooks.api.post("/v3/webHooks", json=body()).json()["data"]["webHookId"]
    assert api.get(f"/v3/webHooks/{webhook_id}").status_code == 404
    assert api.delete(f"/v3/webHooks/{webhook_id}").status_code == 404


def test_duplicate_name_is_a_conflict(hooks: Hooks) -> None:
    assert hooks.api.post("/v3/webHooks", json=body(name="dup")).status_code == 200
    again = hooks.api.post("/v3/webHooks", json=body(name="dup"))
    assert again.status_code == 409
    assert error_code(again) == 51103
    other = hooks.api.post("/v3/webHooks", json=body(name="other")).json()["data"]
    renamed = hooks.api.put(f"/v3/webHooks/{other['webHookId']}", json={"name": "dup"})
    assert renamed.status_code == 409
    assert error_code(renamed) == 51103


BAD_INPUT: list[tuple[dict[str, Any], int]] = [
    ({"eventNames": []}, 51003),
    ({"eventNames": None}, 51003),
    ({"eventNames": ["customerExploded"]}, 51003),
    ({"maxAllowedConnections": 0}, 51007),
    ({"maxAllowedConnections": -3}, 51007),
    ({"maxAllowedConnections": None}, 300004),
    ({"maxAllowedConnections": 2**31}, 51007),
    ({"maxAllowedConnections": 10**30}, 51007),
    ({"webHookUrl": "ftp://example.com/x"}, 51101),
    ({"webHookUrl": "http://user:pw@127.0.0.1/x"}, 51101),
    ({"webHookUrl": "not a url"}, 51101),
    ({"webHookUrl": None}, 51101),
    ({"webHookUrl": "http://no-such-host.invalid/x"}, 51101),
    ({"name": "  "}, 51105),
    ({"methodType": "GET"}, 51106),
    ({"webHookType": "SMOKE"}, 51107),
    ({"payloadFormat": "XML"}, 51108),
    ({"webHookHeaders": {"webhook-signature": "x"}}, 51109),
    ({"webHookHeaders": {"Bad Name": "x"}}, 51109),
    ({"webHookHeaders": {"X-A": "a\r\nInjected: 1"}}, 51109),
    ({"webHookHeaders": {"X-A": "café"}}, 51109),
    ({"webHookHeaders": {"X-A": "1", "x-a": "2"}}, 51109),
    ({"slaInSeconds": -1}, 51114),
    ({"slaInSeconds": 2**31}, 51114),
    ({"slaInSeconds": 10**30}, 51114),
    ({"customerIdentifiersToBeEnriched": ["mobile", "shoeSize"]}, 51115),
    ({"webHookType": "QUEUE", "webHookUrl": "nats://127.0.0.1:4222/only-stream"}, 51101),
]


def test_bad_input_gets_a_documented_code_and_writes_nothing(hooks: Hooks) -> None:
    for overrides, code in BAD_INPUT:
        data = {k: v for k, v in body(**overrides).items() if v is not None}
        response = hooks.api.post("/v3/webHooks", json=data)
        assert (response.status_code, error_code(response)) == (400, code), overrides
    assert hooks.api.get("/v3/webHooks").json()["data"] == []


def test_bad_update_gets_a_documented_code_and_changes_nothing(hooks: Hooks) -> None:
    created = hooks.api.post("/v3/webHooks", json=body()).json()["data"]
    path = f"/v3/webHooks/{created['webHookId']}"
    for overrides, code in BAD_INPUT:
        if None in overrides.values():
            continue  # an omitted field keeps its value on update
        response = hooks.api.put(path, json=overrides)
        assert (response.status_code, error_code(response)) == (400, code), overrides
    unchanged = {k: v for k, v in created.items() if k != "secret"}
    assert hooks.api.get(path).json()["data"] == unchanged


def test_wrong_json_type_is_a_400_envelope(hooks: Hooks) -> None:
    response = hooks.api.post("/v3/webHooks", json=body(maxAllowedConnections="many"))
    assert response.status_code == 400
    assert error_code(response) == 400


def test_loopback_and_private_urls_are_refused_by_default(api: Api) -> None:
    for url in (
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
    ):
        response = api.post("/v3/webHooks", json=body(webHookUrl=url))
        assert response.status_code == 400, url
        assert error_code(response) == 51102, url


# IPv6 forms that reach a loopback, link-local or private IPv4 address through a translator.
EMBEDDED_PRIVATE_URLS = [
    "http://[::127.0.0.1]:8080/x",
    "http://[::7f00:1]/x",
    "http://[64:ff9b::7f00:1]/x",
    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
    "http://[2002:7f00:1::]/x",
    "http://[2002:a9fe:a9fe::]/x",
    "http://[2001:0:7f00:1::f7f7:f7f7]/x",
    "http://[64:ff9b:1::808:808]/x",
]


def test_ipv6_urls_embedding_private_ipv4_are_refused_on_create(api: Api) -> None:
    for url in EMBEDDED_PRIVATE_URLS:
        response = api.post("/v3/webHooks", json=body(webHookUrl=url))
        assert (response.status_code, error_code(response)) == (400, 51102), url
    assert api.get("/v3/webHooks").json()["data"] == []


def test_ipv6_urls_embedding_private_ipv4_are_refused_on_update(api: Api, db: Database) -> None:
    # A public address literal: saved without DNS, and never dialled (no dispatcher runs).
    created = api.post("/v3/webHooks", json=body(webHookUrl="http://[64:ff9b::808:808]/x"))
    assert created.status_code == 200, created.text
    path = f"/v3/webHooks/{created.json()['data']['webHookId']}"
    for url in EMBEDDED_PRIVATE_URLS:
        response = api.put(path, json={"webHookUrl": url})
        assert (response.status_code, error_code(response)) == (400, 51102), url
    assert api.get(path).json()["data"]["webHookUrl"] == "http://[64:ff9b::808:808]/x"
    Hooks(api, db).cleanup()


def test_content_type_and_framing_headers_are_accepted(hooks: Hooks) -> None:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Authorization": "Bearer s3cr3t",
        "Content-Length": "12",
        "Transfer-Encoding": "chunked",
        "Host": "crm.example.com",
    }
    response = hooks.api.post("/v3/webHooks", json=body(webHookHeaders=headers))
    assert response.status_code == 200, response.text
    assert hooks.webhook(response.json()["data"]["webHookId"]).headers == headers


def test_queue_int_is_another_name_of_queue(hooks: Hooks) -> None:
    url = "nats://127.0.0.1:4222/PATRON/patron.events"
    created = hooks.api.post("/v3/webHooks", json=body(webHookType="QUEUE_INT", webHookUrl=url))
    assert created.status_code == 200, created.text
    assert created.json()["data"]["webHookType"] == "QUEUE"
    other = hooks.api.post("/v3/webHooks", json=body()).json()["data"]
    path = f"/v3/webHooks/{other['webHookId']}"
    updated = hooks.api.put(path, json={"webHookType": "queue_int", "webHookUrl": url})
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["webHookType"] == "QUEUE"
    assert hooks.webhook(other["webHookId"]).kind == "QUEUE"


def test_identifier_types_to_enrich_are_stored_in_their_documented_spelling(
    hooks: Hooks,
) -> None:
    names = ["MOBILE", "email", "ExternalId", "cardNumber", "cardexternalid", "mobile"]
    response = hooks.api.post("/v3/webHooks", json=body(customerIdentifiersToBeEnriched=names))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["customerIdentifiersToBeEnriched"] == [
        "mobile",
        "email",
        "externalId",
        "cardnumber",
        "cardExternalId",
    ]


def test_webhook_id_in_a_body_must_be_a_64_bit_id(hooks: Hooks) -> None:
    [event_id] = hooks.register()
    for webhook_id in (0, -1, 2**63, 10**30):
        update = hooks.api.put("/v3/webHooks", json={"webHookId": webhook_id, "active": False})
        assert (update.status_code, error_code(update)) == (400, 400), webhook_id
        replay = hooks.api.post(
            f"/v3/webHooks/eventLog/{event_id}/replay", json={"webHookId": webhook_id}
        )
        assert (replay.status_code, error_code(replay)) == (400, 400), webhook_id


def test_private_urls_allowed_by_server_setting(settings: Settings, db: Database, api: Api) -> None:
    allowed = settings.model_copy(update={"webhook_allow_private_addresses": True})
    with TestClient(create_app(allowed, db)) as client:
        response = Api(client, api.org).post("/v3/webHooks", json=body())
    assert response.status_code == 200
    Hooks(api, db).cleanup()


def test_rotate_secret_returns_a_new_secret_with_an_overlap(hooks: Hooks) -> None:
    created = hooks.api.post("/v3/webHooks", json=body()).json()["data"]
    rotated = hooks.api.post(f"/v3/webHooks/{created['webHookId']}/rotateSecret")
    assert rotated.status_code == 200
    data = rotated.json()["data"]
    assert data["secret"].startswith("whsec_")
    assert data["secret"] != created["secret"]
    assert data["previousSecretExpiresOn"] is not None
    stored = hooks.webhook(created["webHookId"])
    assert stored.previous_secret == created["secret"]


def test_routes_require_credentials(app_client: TestClient) -> None:
    assert app_client.get("/v3/webHooks").status_code == 401
