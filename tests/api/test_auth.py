"""Authentication: Basic till credentials and OAuth tokens."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from sqlalchemy import update

from patron.auth.models import OAuthToken
from patron.db import Database, unit_of_work
from tests.conftest import Api


def error_code(response: Any) -> int:
    return int(response.json()["errors"][0]["code"])


def test_no_credentials_is_401_with_envelope(app_client: Any) -> None:
    response = app_client.get("/v2/customers/1")
    assert response.status_code == 401
    assert error_code(response) == 401
    assert response.json()["warnings"] == []


def test_wrong_password_is_401(api: Api) -> None:
    token = base64.b64encode(f"{api.org.till_code}:{'0' * 32}".encode()).decode()
    response = api.client.get("/v2/customers/1", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401


def test_plain_password_instead_of_md5_is_401(api: Api) -> None:
    token = base64.b64encode(f"{api.org.till_code}:{api.org.till_password}".encode()).decode()
    assert (
        api.client.get(
            "/v2/extendedFields", headers={"Authorization": f"Basic {token}"}
        ).status_code
        == 401
    )


def test_malformed_basic_header_is_401(app_client: Any) -> None:
    for header in ("Basic !!!", "Bearer abc", "Basic " + base64.b64encode(b"no-colon").decode()):
        assert (
            app_client.get("/v2/extendedFields", headers={"Authorization": header}).status_code
            == 401
        )


def test_oauth_token_flow(api: Api) -> None:
    response = api.client.post(
        "/v3/oauth/token/generate",
        json={"key": api.org.client_key, "secret": api.org.client_secret},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["errors"] is None
    assert body["data"]["ttlSeconds"] == 3600
    token = body["data"]["accessToken"]
    assert (
        api.client.get("/v2/extendedFields", headers={"X-CAP-API-OAUTH-TOKEN": token}).status_code
        == 200
    )


def test_oauth_bad_secret_and_bad_token(api: Api) -> None:
    bad = api.client.post(
        "/v3/oauth/token/generate", json={"key": api.org.client_key, "secret": "wrong"}
    )
    assert bad.status_code == 401
    missing = api.client.post("/v3/oauth/token/generate", json={"key": api.org.client_key})
    assert missing.status_code == 400
    assert (
        api.client.get(
            "/v2/extendedFields", headers={"X-CAP-API-OAUTH-TOKEN": "forged"}
        ).status_code
        == 401
    )


def test_expired_token_is_rejected(api: Api, db: Database) -> None:
    token = api.client.post(
        "/v3/oauth/token/generate",
        json={"key": api.org.client_key, "secret": api.org.client_secret},
    ).json()["data"]["accessToken"]
    with unit_of_work(db.write_session) as session:
        session.execute(
            update(OAuthToken)
            .where(OAuthToken.org_id == api.org.org_id)
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    api.client.app.state.auth_caches.clear()  # type: ignore[attr-defined]
    assert (
        api.client.get("/v2/extendedFields", headers={"X-CAP-API-OAUTH-TOKEN": token}).status_code
        == 401
    )


def test_writes_are_attributed_to_the_oauth_clients_till(api: Api) -> None:
    token = api.client.post(
        "/v3/oauth/token/generate",
        json={"key": api.org.client_key, "secret": api.org.client_secret},
    ).json()["data"]["accessToken"]
    headers = {"X-CAP-API-OAUTH-TOKEN": token}
    from tests.factories import registration

    created = api.client.post("/v2/customers", json=registration(), headers=headers).json()[
        "createdId"
    ]
    fetched = api.client.get(f"/v2/customers/{created}", headers=headers).json()
    assert fetched["profiles"][0]["attribution"]["createdBy"]["code"] == api.org.till_code
