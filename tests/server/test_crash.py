"""SIGKILL under load: every registration answered 200 exists afterwards, with its event."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx
import pytest

from tests.server.conftest import start_server
from tests.server.process import Server
from tests.server.test_read_after_write import mobile

WRITERS = 6
LOAD_SECONDS = 3.0


@dataclass(frozen=True)
class Acknowledged:
    customer_id: int
    mobile: str


def _register_until_refused(
    server: Server, acked: list[Acknowledged], lock: threading.Lock
) -> None:
    with server.client(timeout=10) as client:
        while True:
            number = mobile()
            body = {
                "loyaltyInfo": {"loyaltyType": "loyalty"},
                "profiles": [
                    {
                        "firstName": "Crash",
                        "source": "INSTORE",
                        "identifiers": [{"type": "mobile", "value": number}],
                    }
                ],
            }
            try:
                answer = client.post("/v2/customers", json=body)
            except httpx.TransportError:
                return  # the server is gone
            if answer.status_code == 200:
                with lock:
                    acked.append(Acknowledged(int(answer.json()["createdId"]), number))


def test_sigkill_loses_no_acknowledged_registration(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = start_server(backend, tmp_path_factory)
    acked: list[Acknowledged] = []
    lock = threading.Lock()
    writers = [
        threading.Thread(target=_register_until_refused, args=(server, acked, lock))
        for _ in range(WRITERS)
    ]
    try:
        for writer in writers:
            writer.start()
        time.sleep(LOAD_SECONDS)
        server.kill()
        for writer in writers:
            writer.join(timeout=60)
        assert len(acked) > 50, server.log_tail()
        restarted = Server(server.data_dir, server.database_url, server.workers, server.env)
        restarted.start()
    finally:
        server.kill()
    try:
        missing, without_event = [], []
        with restarted.client() as client:
            for item in acked:
                found = client.get(
                    "/v2/customers/lookup",
                    params={
                        "source": "INSTORE",
                        "identifierName": "mobile",
                        "identifierValue": item.mobile,
                    },
                )
                if found.status_code != 200 or found.json()["entity"] != item.customer_id:
                    missing.append(item)
                    continue
                log = client.get(
                    "/v3/webHooks/eventLog", params={"refId": f"100_{item.customer_id}"}
                )
                names = [entry["eventName"] for entry in log.json()["data"]]
                if "customerAdded" not in names:
                    without_event.append(item)
        assert missing == []
        assert without_event == []
    finally:
        restarted.stop()
        restarted.drop_database()
