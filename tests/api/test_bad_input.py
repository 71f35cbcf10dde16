"""Input the databases cannot hold is refused with the same documented answer on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import codes, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile

TOO_BIG = "9223372036854775808"  # 2^63: one more than a 64-bit key holds


def _raw_registration(first_name: bytes) -> bytes:
    """A registration that would be stored but for its first name (a raw JSON string)."""
    return (
        b'{"loyaltyInfo": {"loyaltyType": "loyalty"}, "profiles": [{"source": "INSTORE", '
        b'"firstName": '
        + first_name
        + b', "identifiers": [{"type": "mobile", "value": "'
        + unique_mobile().encode()
        + b'"}]}]}'
    )


@pytest.mark.parametrize(
    "first_name",
    [b'"a\\u0000b"', b'"\\ud800"', b'"\\udc00x"'],
    ids=["nul", "lone-high-surrogate", "lone-low-surrogate"],
)
def test_unstorable_strings_in_a_body_are_400(api: Api, first_name: bytes) -> None:
    answer = api.post(
        "/v2/customers",
        content=_raw_registration(first_name),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert codes(answer) == [400]


def test_nul_in_extended_fields_and_identifiers_is_400(api: Api) -> None:
    nul_field = registration(profile(), extendedFields={"city": "Pu\x00ne"})
    nul_identifier = registration(profile(identifiers=[{"type": "email", "value": "a\x00@x.io"}]))
    for body in (nul_field, nul_identifier):
        answer = api.post("/v2/customers", json=body)
        assert answer.status_code == 400, answer.text
        assert codes(answer) == [400]


@pytest.mark.parametrize(
    "path",
    [
        "/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue=91%00",
        "/v2/customers/search?q=to%00m",
        "/v3/webHooks/eventLog?refId=100_%00",
        "/v3/webHooks/eventLog/abc%00def",
    ],
)
def test_nul_in_a_query_or_path_is_400(api: Api, path: str) -> None:
    answer = api.get(path)
    assert answer.status_code == 400
    assert codes(answer) == [400]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/v2/customers/{TOO_BIG}?source=ALL", None),
        ("PUT", f"/v2/customers/{TOO_BIG}?source=INSTORE", {"profiles": []}),
        ("GET", f"/v2/customers/{TOO_BIG}/changeRequest", None),
        ("GET", f"/v2/customers/{TOO_BIG}/statusLog", None),
        ("GET", f"/v2/customers/{TOO_BIG}/image", None),
        ("GET", f"/v2/customers/{TOO_BIG}/subscriptions", None),
        ("GET", f"/v3/webHooks/{TOO_BIG}", None),
        ("DELETE", f"/v3/webHooks?webHookId={TOO_BIG}", None),
        ("PUT", "/v3/webHooks", {"webHookId": int(TOO_BIG)}),
        ("GET", f"/v2/customers/search?q=tom&offset={TOO_BIG}", None),
        ("GET", f"/v2/customers/1/changeRequest?startId={TOO_BIG}", None),
    ],
)
def test_ids_beyond_64_bits_are_400(
    api: Api, method: str, path: str, body: dict[str, Any] | None
) -> None:
    answer = api.request(method, path, json=body)
    assert answer.status_code == 400, answer.text
    # Subscriptions answer their documented "invalid identifier" code.
    assert codes(answer) in ([400], [1104])


def test_a_query_parameter_given_twice_is_400(api: Api) -> None:
    answer = api.get("/v2/customers/search?q=tom&q=jerry")
    assert answer.status_code == 400
    assert "q" in answer.json()["errors"][0]["message"]


def test_a_body_over_the_limit_is_413(api: Api) -> None:
    limit = api.client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    answer = api.post(
        "/v2/customers",
        content=b'{"pad": "' + b"x" * limit + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert codes(answer) == [413]


@pytest.mark.parametrize("path", ["/v2/customers/wishlist?email=a@x.io", "/v2/customers/notes"])
def test_paths_patron_does_not_serve_are_404_in_the_envelope(api: Api, path: str) -> None:
    answer = api.get(path)
    assert answer.status_code == 404
    assert codes(answer) == [404]


def test_customer_details_carry_fraud_details(api: Api) -> None:
    mobile = unique_mobile()
    register(api, registration(profile(mobile)))
    details = api.get(
        "/v2/customers/lookup/customerDetails",
        params={"source": "INSTORE", "identifierName": "mobile", "identifierValue": mobile},
    ).json()
    assert details["fraudDetails"]["status"] == "NOT_FRAUD"
    assert details["fraudDetails"]["markedBy"] == {}
    assert list(details)[:4] == ["id", "profiles", "loyaltyInfo", "fraudDetails"]
