"""GET /v2/customers/search."""

from __future__ import annotations

from tests.api.helpers import codes, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile


def test_search_by_name_and_identifier_prefix(api: Api) -> None:
    tom = register(api, registration(profile(firstName="Tom", lastName="Sawyer")))
    tommy = register(
        api, registration(profile(firstName="tommy", lastName="Lee", source="WEBSITE"))
    )
    other = register(
        api,
        registration(
            profile(
                firstName="Huck",
                lastName="Finn",
                identifiers=[
                    {"type": "mobile", "value": unique_mobile()},
                    {"type": "email", "value": "tomato@example.com"},
                ],
            )
        ),
    )
    body = api.get("/v2/customers/search?q=TOM").json()
    assert body["pagination"] == {"limit": 10, "offset": 0, "total": 3}
    assert [d["userId"] for d in body["data"]] == sorted([tom, tommy, other])
    first = next(d for d in body["data"] if d["userId"] == tom)
    assert first["matchedIdentifiers"] == [
        {"idType": "firstName", "idValue": "Tom", "source": "INSTORE", "accountId": ""}
    ]
    assert first["profiles"] == [
        {"source": "INSTORE", "accountId": "", "firstName": "Tom", "lastName": "Sawyer"}
    ]
    email_match = next(d for d in body["data"] if d["userId"] == other)
    assert email_match["matchedIdentifiers"][0]["idType"] == "email"
    assert body["warnings"] == []
    assert body["errors"] == []


def test_search_paginates_and_counts_customers_once(api: Api) -> None:
    ids = [
        register(api, registration(profile(firstName="Zed", lastName="Zedson"))) for _ in range(3)
    ]
    page = api.get("/v2/customers/search?q=zed&limit=2&offset=1").json()
    assert page["pagination"] == {"limit": 2, "offset": 1, "total": 3}
    assert [d["userId"] for d in page["data"]] == ids[1:]


def test_search_by_mobile_prefix_and_literal_wildcards(api: Api) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    assert [
        d["userId"] for d in api.get(f"/v2/customers/search?q={mobile[:-1]}").json()["data"]
    ] == [customer_id]
    assert api.get("/v2/customers/search?q=%25").json()["pagination"]["total"] == 0
    assert api.get("/v2/customers/search?q=_").json()["pagination"]["total"] == 0


def test_search_bad_input(api: Api) -> None:
    assert codes(api.get("/v2/customers/search")) == [400]
    assert codes(api.get("/v2/customers/search?q=a&limit=0")) == [400]
    assert codes(api.get("/v2/customers/search?q=a&limit=500")) == [400]


def test_search_past_the_last_page_still_counts(api: Api) -> None:
    ids = [
        register(api, registration(profile(firstName="Quentin", lastName="Quill")))
        for _ in range(2)
    ]
    for offset in (2, 2**31, 2**63 - 1):
        page = api.get(f"/v2/customers/search?q=quentin&offset={offset}").json()
        assert page["pagination"] == {"limit": 10, "offset": offset, "total": 2}
        assert page["data"] == []
    assert [d["userId"] for d in api.get("/v2/customers/search?q=quentin").json()["data"]] == ids


def search_ids(api: Api, q: str) -> list[int]:
    response = api.get("/v2/customers/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [d["userId"] for d in response.json()["data"]]


def test_search_follows_a_renamed_profile(api: Api) -> None:
    customer_id = register(api, registration(profile(firstName="Ulrich", lastName="Umber")))
    body = {"profiles": [{"firstName": "Viktor", "lastName": "Vane", "source": "INSTORE"}]}
    response = api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body)
    assert response.status_code == 200, response.text
    assert search_ids(api, "ulrich") == []
    assert search_ids(api, "umber") == []
    assert search_ids(api, "VIK") == [customer_id]
    (found,) = api.get("/v2/customers/search?q=vane").json()["data"]
    assert found["matchedIdentifiers"] == [
        {"idType": "lastName", "idValue": "Vane", "source": "INSTORE", "accountId": ""}
    ]


def test_search_follows_changed_identifiers(api: Api) -> None:
    customer_id = register(
        api,
        registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": unique_mobile()},
                    {"type": "externalId", "value": "Wanda-Old-1"},
                ]
            )
        ),
    )
    assert search_ids(api, "wanda-old") == [customer_id]
    body = {
        "add": [{"type": "externalId", "value": "Xena-New-1"}],
        "remove": [{"type": "externalId", "value": "Wanda-Old-1"}],
    }
    path = f"/v2/customers/{customer_id}/changeIdentifier?source=INSTORE"
    assert api.put(path, json=body).status_code == 200
    assert search_ids(api, "wanda-old") == []
    (found,) = api.get("/v2/customers/search?q=xENA-new").json()["data"]
    assert found["userId"] == customer_id
    assert found["matchedIdentifiers"] == [
        {"idType": "externalId", "idValue": "Xena-New-1", "source": "INSTORE", "accountId": ""}
    ]
