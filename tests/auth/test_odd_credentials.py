"""Odd credentials (control characters, NUL, very long, not UTF-8) answer 401 on every backend."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from patron.kit.secrets import md5_hex
from tests.auth.conftest import WRONG_MD5
from tests.conftest import OrgCredentials

PATH = "/v2/extendedFields"

BASIC = {
    "nul-in-code": b"till\x00code:" + WRONG_MD5.encode(),
    "control-in-code": b"till\x01\x1b\x7f:" + WRONG_MD5.encode(),
    "c1-control-in-code": "till\x85:".encode() + WRONG_MD5.encode(),
    "tab-in-code": b"till\tcode:" + WRONG_MD5.encode(),
    "long-code": b"t" * 5000 + b":" + WRONG_MD5.encode(),
    "code-longer-than-its-column": b"t" * 101 + b":" + WRONG_MD5.encode(),
    "code-not-utf8": b"\xff\xfe\xfd:" + WRONG_MD5.encode(),
    "nul-in-password": b"till:\x00" + WRONG_MD5.encode(),
    "long-password": b"till:" + b"0" * 20_000,
    "password-not-utf8": b"till:\xff" + WRONG_MD5.encode(),
}


def _basic_header(raw: bytes) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", b"Basic " + base64.b64encode(raw))]


def assert_401(response: object) -> None:
    assert response.status_code == 401, response.text  # type: ignore[attr-defined]
    assert response.json()["errors"][0]["code"] == 401  # type: ignore[attr-defined]


@pytest.mark.parametrize("raw", BASIC.values(), ids=BASIC.keys())
def test_odd_basic_credentials_answer_401(client: TestClient, raw: bytes) -> None:
    assert_401(client.get(PATH, headers=_basic_header(raw)))


def test_odd_credentials_of_an_existing_till_answer_401(
    client: TestClient, org: OrgCredentials
) -> None:
    right = md5_hex(org.till_password)
    for raw in (
        f"{org.till_code}\x00:{right}".encode(),
        f"{org.till_code}:{right}\x00".encode(),
        f"{org.till_code}\x01:{right}".encode(),
    ):
        assert_401(client.get(PATH, headers=_basic_header(raw)))


@pytest.mark.parametrize(
    "header",
    [b"Basic \xe9\xe9", b"Basic \x00\x00", b"Basic " + b"A" * 20_000, b"\xff\xfe"],
    ids=["latin1", "nul", "long", "binary"],
)
def test_odd_authorization_headers_answer_401(client: TestClient, header: bytes) -> None:
    assert_401(client.get(PATH, headers=[(b"authorization", header)]))


TOKENS = {
    "nul": b"tok\x00en",
    "control": b"tok\x01\x1b\x7fen",
    "long": b"t" * 20_000,
    "not-utf8": b"\xff\xfe\xfd",
    "blank": b"   ",
}


@pytest.mark.parametrize("token", TOKENS.values(), ids=TOKENS.keys())
def test_odd_oauth_tokens_answer_401(client: TestClient, token: bytes) -> None:
    assert_401(client.get(PATH, headers=[(b"x-cap-api-oauth-token", token)]))


@pytest.mark.parametrize(
    "key",
    ["key\x01\x1b", "k" * 5000, "key\u0085", "ключ"],
    ids=["control", "long", "c1-control", "cyrillic"],
)
def test_odd_api_client_keys_answer_401(client: TestClient, key: str) -> None:
    response = client.post("/v3/oauth/token/generate", json={"key": key, "secret": "s" * 5000})
    assert_401(response)
