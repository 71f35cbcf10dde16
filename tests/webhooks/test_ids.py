"""Surrogate ids are never given twice, also after the newest row is deleted (SQLite too)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from patron.db import Database
from patron.tables import metadata
from tests.webhooks.support import Hooks

URL = "http://127.0.0.1:9/hook"


def test_a_deleted_webhooks_id_is_never_given_again(hooks: Hooks) -> None:
    first = hooks.create(URL)["webHookId"]
    assert hooks.api.delete(f"/v3/webHooks/{first}").status_code == 200
    second = hooks.create(URL)["webHookId"]
    assert second > first


def test_a_deleted_deliverys_id_is_never_given_again(hooks: Hooks) -> None:
    [event_id] = hooks.register()

    def deliver_to_new_webhook() -> tuple[int, int]:
        webhook_id = hooks.create(URL)["webHookId"]
        replay = hooks.api.post(
            f"/v3/webHooks/eventLog/{event_id}/replay", json={"webHookId": webhook_id}
        )
        assert replay.json()["data"]["replayed"] == 1
        [delivery] = hooks.deliveries(webhook_id)
        return webhook_id, delivery.id

    webhook_id, first = deliver_to_new_webhook()
    # Deleting the webhook deletes its delivery, the newest of the table.
    assert hooks.api.delete(f"/v3/webHooks/{webhook_id}").status_code == 200
    _, second = deliver_to_new_webhook()
    assert second > first


def test_every_surrogate_key_is_autoincrement_in_the_sqlite_schema(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL sequences never reuse a number")
    keyed = sorted(t.name for t in metadata.sorted_tables if t.autoincrement_column is not None)
    with db.reader.connect() as conn:
        rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        schema: dict[str, str] = {str(name): str(sql) for name, sql in rows}
    assert [name for name in keyed if "AUTOINCREMENT" not in schema[name]] == []
    assert [
        name for name in keyed if not metadata.tables[name].kwargs.get("sqlite_autoincrement")
    ] == []
