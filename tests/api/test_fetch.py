"""GET /v2/customers/{id}: the documented shape, source filtering and failures."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api, make_org
from tests.factories import profile, register_sample, registration, unique_mobile


def register(api: Api, body: dict[str, Any]) -> int:
    response = api.post("/v2/customers", json=body)
    assert response.status_code == 200, response.text
    return int(response.json()["createdId"])


def error_code(response: Any) -> int:
    return int(response.json()["errors"][0]["code"])


def test_fetch_has_the_documented_shape(api: Api) -> None:
    customer_id = register(api, register_sample())
    body = api.get(f"/v2/customers/{customer_id}?source=MOBILE_APP&accountId=400").json()
    assert set(body) >= {"id", "profiles", "loyaltyInfo", "segments", "extendedFields", "warnings"}
    assert body["id"] == customer_id
    assert body["loyaltyInfo"]["loyaltyType"] == "loyalty"
    assert body["extendedFields"] == {"gender": "Male", "city": "Bangalore"}
    (prof,) = body["profiles"]
    assert set(prof) >= {
        "firstName",
        "lastName",
        "attribution",
        "fields",
        "identifiers",
        "commChannels",
        "source",
        "accountId",
        "userId",
        "identifiersAll",
        "autoUpdateTime",
    }
    assert (prof["source"], prof["accountId"], prof["userId"]) == ("MOBILE_APP", "400", customer_id)
    assert prof["attribution"]["createdBy"]["code"] == api.org.till_code
    assert prof["attribution"]["createdBy"]["type"] == "TILL"
    assert prof["fields"] == {"employee": "true", "dateofbirth": "22-10-2000"}
    card = next(i for i in prof["identifiers"] if i["type"] == "cardnumber")
    assert card == {
        "type": "cardnumber",
        "value": "test123112121",
        "seriesId": body["cardDetails"][0]["seriesId"],
        "seriesCode": "DEMO-EXT",
        "statusLabel": "ACTIVE",
    }
    push = prof["commChannels"][0]
    assert push["type"] == "mobilePush"
    assert push["primary"] is True
    assert push["verified"] is True
    assert push["meta"]["lastViewedDate"] == "2019-10-10T22:04:38+05:30"
    assert body["cardDetails"][0]["cardNumber"] == "test123112121"


def test_source_all_returns_every_profile(api: Api) -> None:
    mobile = unique_mobile()
    customer_id = register(
        api, registration(profile(mobile), profile(mobile, source="LINE", account_id="LINE-DEMO"))
    )
    everything = api.get(f"/v2/customers/{customer_id}?source=ALL").json()
    assert [p["source"] for p in everything["profiles"]] == ["INSTORE", "LINE"]
    assert api.get(f"/v2/customers/{customer_id}").json()["profiles"] == everything["profiles"]
    only_line = api.get(f"/v2/customers/{customer_id}?source=LINE&accountId=LINE-DEMO").json()
    assert [p["source"] for p in only_line["profiles"]] == ["LINE"]


def test_profile_missing_in_source_is_8065(api: Api) -> None:
    customer_id = register(api, registration())
    response = api.get(f"/v2/customers/{customer_id}?source=TMALL")
    assert response.status_code == 404
    assert error_code(response) == 8065


def test_unknown_customer_is_8015(api: Api) -> None:
    response = api.get("/v2/customers/987654321?source=INSTORE")
    assert response.status_code == 404
    assert error_code(response) == 8015


def test_multi_account_source_without_account_is_8045(api: Api) -> None:
    customer_id = register(api, registration())
    response = api.get(f"/v2/customers/{customer_id}?source=WECHAT")
    assert response.status_code == 400
    assert error_code(response) == 8045


def test_unknown_source_is_8012(api: Api) -> None:
    response = api.get("/v2/customers/1?source=ORKUT")
    assert response.status_code == 400
    assert error_code(response) == 8012


def test_a_till_of_another_org_cannot_see_our_customers(api: Api, app_client: Any, db: Any) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    stranger = Api(app_client, make_org(db))
    assert error_code(stranger.get(f"/v2/customers/{customer_id}")) == 8015
    assert (
        error_code(
            stranger.get(
                f"/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
            )
        )
        == 8015
    )
    assert (
        error_code(
            stranger.get(
                f"/v2/customers/lookup/customerDetails?source=ALL&identifierName=mobile&identifierValue={mobile}"
            )
        )
        == 8015
    )
    # and the stranger's org may register the same mobile as its own customer
    assert register(stranger, registration(profile(mobile))) != customer_id


def test_extended_fields_catalogue(api: Api) -> None:
    body = api.get("/v2/extendedFields").json()
    names = {f["name"]: f for f in body["entity"]["customer"]}
    assert set(names) == {"gender", "city", "dateofbirth"}
    assert names["gender"]["possibleValues"] == ["Male", "Female", "Other"]
    assert names["dateofbirth"]["dataType"] == "DATE"
    assert body["errors"] == []
    assert body["warnings"] == []


def test_openapi_and_health(app_client: Any) -> None:
    assert app_client.get("/health").json()["status"] == "ok"
    paths = app_client.get("/openapi.json").json()["paths"]
    assert {"/v2/customers", "/v2/customers/{customer_id}", "/v2/customers/lookup"} <= set(paths)
    assert app_client.get("/docs").status_code == 200
