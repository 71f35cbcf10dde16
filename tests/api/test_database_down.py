"""When the database cannot be reached, requests fail with 503 in the envelope, never 500."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from patron.app import create_app
from patron.config import Settings
from tests.factories import registration


def test_unreachable_database_answers_503(tmp_path: Path) -> None:
    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=1",
        data_dir=tmp_path,
        dispatcher=False,
        pii_sweep_seconds=0,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["errors"][0]["code"] == 503
        assert health.headers["X-CAP-REQUEST-ID"]
        write = client.post("/v2/customers", json=registration(), auth=("demo.till", "x" * 32))
        assert write.status_code == 503
        assert write.json()["errors"][0]["code"] == 503
