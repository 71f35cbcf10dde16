"""PUT /v2/customers/{id} and /lookup: each body profile changes the profile of its source."""

from __future__ import annotations

from typing import Any

import pytest

from patron.db import Database
from tests.api.helpers import codes, events, register, warning_codes
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile

WECHAT = {"source": "WECHAT", "accountId": "WECHAT-CM"}


def with_wechat(api: Api, mobile: str | None = None) -> int:
    """Register an INSTORE customer and give it a WECHAT-CM profile."""
    customer_id = register(api, registration(profile(mobile)))
    response = api.post(
        f"/v2/customers/{customer_id}/changeIdentifier?source=WECHAT&accountId=WECHAT-CM",
        json={"add": [{"type": "wechat", "value": f"wx-{customer_id}"}]},
    )
    assert response.status_code == 200, response.text
    return customer_id


def profile_of(api: Api, customer_id: int, query: str) -> dict[str, Any]:
    (found,) = api.get(f"/v2/customers/{customer_id}?{query}").json()["profiles"]
    return dict(found)


def test_a_profile_of_another_source_changes_that_profile(api: Api) -> None:
    customer_id = with_wechat(api)
    body = {"profiles": [{**WECHAT, "firstName": "Wei"}]}
    response = api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["warnings"] == []
    assert profile_of(api, customer_id, "source=WECHAT&accountId=WECHAT-CM")["firstName"] == "Wei"
    assert profile_of(api, customer_id, "source=INSTORE")["firstName"] == "Tom"


def test_lookup_update_applies_a_profile_of_another_source(api: Api) -> None:
    mobile = unique_mobile()
    customer_id = with_wechat(api, mobile)
    body = {"profiles": [{**WECHAT, "fields": {"city": "Shanghai"}}]}
    response = api.put(
        f"/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue={mobile}",
        json=body,
    )
    assert response.status_code == 200, response.text
    wechat = profile_of(api, customer_id, "source=WECHAT&accountId=WECHAT-CM")
    assert wechat["fields"] == {"city": "Shanghai"}


def test_profiles_of_several_sources_change_in_one_request(api: Api) -> None:
    customer_id = with_wechat(api)
    body = {"profiles": [{"firstName": "Thomas"}, {**WECHAT, "lastName": "Zhang"}]}
    assert api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body).status_code == 200
    assert profile_of(api, customer_id, "source=INSTORE")["firstName"] == "Thomas"
    wechat = profile_of(api, customer_id, "source=WECHAT&accountId=WECHAT-CM")
    assert (wechat["firstName"], wechat["lastName"]) == ("", "Zhang")


@pytest.mark.parametrize(
    ("named", "code"),
    [
        ({"source": "WECHAT", "accountId": "WECHAT-CM"}, 91016),
        ({"source": "WEB_ENGAGE", "accountId": "WE-DEMO"}, 91017),
        ({"source": "FACEBOOK", "accountId": "FB-DEMO"}, 8065),
        ({"source": "ECOMMERCE"}, 8065),
    ],
)
def test_a_profile_the_customer_lacks_is_skipped_with_a_warning(
    api: Api, db: Database, named: dict[str, str], code: int
) -> None:
    customer_id = register(api, registration(profile()))
    body = {"profiles": [{**named, "firstName": "Nobody"}]}
    response = api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body)
    assert response.status_code == 200, response.text
    assert warning_codes(response) == [code]
    assert named["source"] in response.json()["warnings"][0]["message"]
    assert profile_of(api, customer_id, "source=INSTORE")["firstName"] == "Tom"
    assert events(db, api.org.org_id, "customerUpdated") == []


@pytest.mark.parametrize(
    ("named", "code"),
    [
        ({"source": "MOON"}, 8012),
        ({"source": "WECHAT", "accountId": "NO-SUCH"}, 8011),
        ({"source": "WECHAT"}, 8045),
    ],
)
def test_an_invalid_named_source_account_is_refused(
    api: Api, named: dict[str, str], code: int
) -> None:
    customer_id = register(api, registration(profile()))
    body = {"profiles": [{**named, "firstName": "Nobody"}]}
    response = api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body)
    assert response.status_code == 400
    assert codes(response) == [code]


def test_two_profiles_naming_one_source_account_are_refused(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    body = {"profiles": [{"firstName": "A"}, {"source": "INSTORE", "firstName": "B"}]}
    response = api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body)
    assert response.status_code == 400
    assert codes(response) == [400]
    assert profile_of(api, customer_id, "source=INSTORE")["firstName"] == "Tom"


def test_one_event_carries_the_changes_of_every_source(api: Api, db: Database) -> None:
    customer_id = with_wechat(api)
    before = len(events(db, api.org.org_id, "customerUpdated"))
    body = {"profiles": [{"firstName": "Thomas"}, {**WECHAT, "firstName": "Wei"}]}
    assert api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=body).status_code == 200
    updated = events(db, api.org.org_id, "customerUpdated")[before:]
    assert len(updated) == 1
    assert [
        (f["fieldName"], f["currentValue"], f["source"], f["accountId"])
        for f in updated[0].data["updatedFields"]
    ] == [
        ("firstName", "Thomas", "INSTORE", ""),
        ("firstName", "Wei", "WECHAT", "WECHAT-CM"),
    ]
