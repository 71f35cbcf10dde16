"""Webhook date-times are rendered in the org's time zone; the event log keeps epoch ms."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from patron.db import Database
from tests.conftest import Api, make_org
from tests.webhooks.support import Hooks

URL = "http://127.0.0.1:9/hook"
KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def kolkata_hooks(app_client: TestClient, db: Database) -> Iterator[Hooks]:
    """Webhook helpers of an org in Asia/Kolkata allowed to deliver to loopback."""
    api = Api(app_client, make_org(db, allowPrivateWebhooks=True, timezone="Asia/Kolkata"))
    helper = Hooks(api, db)
    yield helper
    helper.cleanup()


def local(hooks: Hooks, webhook_id: int, attr: str) -> str:
    moment = getattr(hooks.webhook(webhook_id), attr)
    return str(moment.astimezone(KOLKATA).isoformat(timespec="seconds"))


def test_webhook_attribution_is_in_the_orgs_zone(kolkata_hooks: Hooks) -> None:
    created = kolkata_hooks.create(URL)
    read = kolkata_hooks.api.get(f"/v3/webHooks/{created['webHookId']}").json()["data"]
    listed = kolkata_hooks.api.get("/v3/webHooks").json()["data"][0]
    for data in (created, read, listed):
        attribution = data["attribution"]
        assert attribution["createdOn"] == local(kolkata_hooks, created["webHookId"], "created_at")
        assert attribution["lastUpdatedOn"] == local(
            kolkata_hooks, created["webHookId"], "updated_at"
        )


def test_previous_secret_expiry_is_in_the_orgs_zone(kolkata_hooks: Hooks) -> None:
    created = kolkata_hooks.create(URL)
    rotated = kolkata_hooks.api.post(f"/v3/webHooks/{created['webHookId']}/rotateSecret")
    expires = rotated.json()["data"]["previousSecretExpiresOn"]
    assert expires == local(kolkata_hooks, created["webHookId"], "previous_secret_until")
    assert expires.endswith("+05:30")
