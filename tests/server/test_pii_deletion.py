"""Over real sockets: PII deletion follows the status change at once, not the next sweep."""

from __future__ import annotations

import time

from tests.server.process import Server
from tests.server.test_read_after_write import mobile, ok, register


def test_pending_deletion_is_carried_out_right_after_the_request(server: Server) -> None:
    number = mobile()
    by_identifier = {"source": "INSTORE", "identifierName": "mobile", "identifierValue": number}
    with server.client() as client, server.client() as other:
        customer = register(client, number)
        ok(
            client.put(
                "/v2/customers/lookup/status",
                params=by_identifier,
                json={"reason": "erase me", "label": "Pending Deletion"},
            )
        )
        # The server sweeps only hourly: a deletion seen now was started by the request.
        deadline = time.monotonic() + 10
        while True:
            log = ok(other.get(f"/v2/customers/{customer}/statusLog"))["data"]
            if log[0]["label"] == "Deleted":
                break
            assert time.monotonic() < deadline, f"still {log[0]['label']}"
            time.sleep(0.1)
        fetched = ok(other.get(f"/v2/customers/{customer}", params={"source": "ALL"}))
        assert fetched["profiles"][0]["identifiers"] == []
        assert fetched["profiles"][0]["firstName"] == ""
        # The mobile is free again, and writers were never held up by the deletion.
        assert register(other, number) != customer
