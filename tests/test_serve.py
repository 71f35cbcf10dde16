"""`patron serve` on an empty data directory: migrates, creates the demo org, serves the API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from patron.kit.secrets import md5_hex
from tests.factories import register_sample


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_creates_demo_org_and_answers_documented_calls(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PATRON_DATA_DIR": str(tmp_path / "data"), "PATRON_LOG_JSON": "false"}
    env.pop("PATRON_DATABASE_URL", None)
    patron = Path(sys.executable).parent / "patron"
    proc = subprocess.Popen(
        [str(patron), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        auth = ("demo.till", md5_hex("demo123"))
        created = httpx.post(f"{base}/v2/customers", json=register_sample(), auth=auth).json()[
            "createdId"
        ]
        token = httpx.post(
            f"{base}/v3/oauth/token/generate", json={"key": "demo-key", "secret": "demo-secret"}
        ).json()["data"]["accessToken"]
        fetched = httpx.get(
            f"{base}/v2/customers/{created}", headers={"X-CAP-API-OAUTH-TOKEN": token}
        )
        assert fetched.json()["id"] == created
        assert (tmp_path / "data" / "patron.db").exists()
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    assert "Demo org 100 created" in output
    assert "demo.till" in output
    assert "demo-secret" in output
