"""Failed logins are limited per till code, API client key and client address (429)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from patron.kit.secrets import md5_hex
from tests.auth.conftest import LIMITS, WRONG_MD5, ClientFactory, ScryptCalls, basic, wrong_basic
from tests.conftest import OrgCredentials

PATH = "/v2/extendedFields"
TOKEN = "/v3/oauth/token/generate"
PER_TILL = LIMITS["login_failures_per_till"]
PER_CLIENT = LIMITS["login_failures_per_client"]
PER_ADDRESS = LIMITS["login_failures_per_address"]
WINDOW = LIMITS["login_failure_window_seconds"]


def fail_logins(client: TestClient, headers: dict[str, str], times: int) -> None:
    for _ in range(times):
        assert client.get(PATH, headers=headers).status_code == 401


def test_failed_logins_of_a_till_answer_429_with_retry_after(
    client: TestClient, org: OrgCredentials
) -> None:
    fail_logins(client, wrong_basic(org), PER_TILL)
    response = client.get(PATH, headers=wrong_basic(org))
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= WINDOW
    body = response.json()
    assert body["warnings"] == []
    [error] = body["errors"]
    assert error["status"] is False
    assert error["code"] == 429
    assert "retry after" in error["message"].lower()


def test_a_limited_login_costs_no_scrypt_even_with_the_right_password(
    client: TestClient, org: OrgCredentials, scrypt_calls: ScryptCalls
) -> None:
    fail_logins(client, wrong_basic(org), PER_TILL)
    right = basic(org.till_code, md5_hex(org.till_password))
    scrypt_calls.reset()
    assert client.get(PATH, headers=right).status_code == 429
    assert scrypt_calls.count == 0


def test_a_cached_login_is_served_while_its_till_is_limited(
    client: TestClient, org: OrgCredentials
) -> None:
    right = basic(org.till_code, md5_hex(org.till_password))
    assert client.get(PATH, headers=right).status_code == 200
    fail_logins(client, wrong_basic(org), PER_TILL)
    assert client.get(PATH, headers=wrong_basic(org)).status_code == 429
    assert client.get(PATH, headers=right).status_code == 200


def test_a_till_limited_from_one_address_is_limited_from_every_address(
    client_from: ClientFactory, org: OrgCredentials
) -> None:
    for n in range(PER_TILL):
        client = client_from(f"198.51.100.{n + 1}")
        assert client.get(PATH, headers=wrong_basic(org)).status_code == 401
    assert client_from("198.51.100.99").get(PATH, headers=wrong_basic(org)).status_code == 429


def test_failed_logins_from_one_address_are_limited_across_till_codes(
    client_from: ClientFactory, org: OrgCredentials
) -> None:
    client = client_from("203.0.113.7")
    for n in range(PER_ADDRESS):
        assert client.get(PATH, headers=basic(f"no-such-till-{n}", WRONG_MD5)).status_code == 401
    response = client.get(PATH, headers=basic("yet-another-till", WRONG_MD5))
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    other = client_from("203.0.113.8")
    assert other.get(PATH, headers=basic("yet-another-till", WRONG_MD5)).status_code == 401
    assert other.get(PATH, headers=org.basic).status_code == 200


def test_oauth_token_misses_are_limited_per_address(client_from: ClientFactory) -> None:
    client = client_from("203.0.113.20")
    for n in range(PER_ADDRESS):
        forged = {"X-CAP-API-OAUTH-TOKEN": f"forged-{n}"}
        assert client.get(PATH, headers=forged).status_code == 401
    limited = client.get(PATH, headers={"X-CAP-API-OAUTH-TOKEN": "forged-again"})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    # The address is limited for Basic logins too; another address is not.
    assert client.get(PATH, headers=basic("no-such-till", WRONG_MD5)).status_code == 429
    other = client_from("203.0.113.21")
    assert other.get(PATH, headers={"X-CAP-API-OAUTH-TOKEN": "forged-again"}).status_code == 401


def test_a_valid_oauth_token_is_served_from_a_limited_address(
    client_from: ClientFactory, org: OrgCredentials
) -> None:
    client = client_from("203.0.113.30")
    body = {"key": org.client_key, "secret": org.client_secret}
    token = client.post(TOKEN, json=body).json()["data"]["accessToken"]
    assert client.get(PATH, headers={"X-CAP-API-OAUTH-TOKEN": token}).status_code == 200
    for n in range(PER_ADDRESS):
        assert client.get(PATH, headers={"X-CAP-API-OAUTH-TOKEN": f"x{n}"}).status_code == 401
    assert client.get(PATH, headers={"X-CAP-API-OAUTH-TOKEN": token}).status_code == 200


def test_token_requests_are_limited_per_client_key_without_scrypt(
    client_from: ClientFactory, org: OrgCredentials, scrypt_calls: ScryptCalls
) -> None:
    for n in range(PER_CLIENT):
        client = client_from(f"198.51.100.{n + 101}")
        bad = {"key": org.client_key, "secret": "wrong"}
        assert client.post(TOKEN, json=bad).status_code == 401
    client = client_from("198.51.100.200")
    right = {"key": org.client_key, "secret": org.client_secret}
    scrypt_calls.reset()
    response = client.post(TOKEN, json=right)
    assert scrypt_calls.count == 0
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= WINDOW
    assert response.json()["errors"][0]["code"] == 429


def test_token_requests_are_limited_per_address_across_keys(client_from: ClientFactory) -> None:
    client = client_from("203.0.113.40")
    for n in range(PER_ADDRESS):
        bad = {"key": f"no-such-key-{n}", "secret": "wrong"}
        assert client.post(TOKEN, json=bad).status_code == 401
    assert client.post(TOKEN, json={"key": "another", "secret": "x"}).status_code == 429
    other = client_from("203.0.113.41")
    assert other.post(TOKEN, json={"key": "another", "secret": "x"}).status_code == 401
