"""PUT /v2/customers/lookup/status: a reason longer than 500 characters is refused."""

from __future__ import annotations

import pytest

from tests.api.helpers import codes, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile


def status_url(mobile: str) -> str:
    return (
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    )


@pytest.mark.parametrize("label", ["Suspended", "Pending Deletion"])
def test_a_reason_over_500_characters_is_refused_with_the_limit(api: Api, label: str) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    response = api.put(status_url(mobile), json={"reason": "x" * 501, "label": label})
    assert response.status_code == 400
    assert codes(response) == [400]
    assert "at most 500 characters" in response.json()["errors"][0]["message"]
    assert api.get(f"/v2/customers/{customer_id}/statusLog").json()["data"] == []


def test_a_reason_of_500_characters_is_accepted(api: Api) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    response = api.put(status_url(mobile), json={"reason": "x" * 500, "label": "Suspended"})
    assert response.status_code == 200, response.text
    (logged,) = api.get(f"/v2/customers/{customer_id}/statusLog").json()["data"]
    assert logged["reason"] == "x" * 500
