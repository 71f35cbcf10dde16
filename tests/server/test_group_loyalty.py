"""Over real sockets, on the demo org: a bill tagged with a user group credits the group, and
the group's loyalty details read it back on another connection (with two workers, often
another process); a group transfer to a member shows on both.

The group is made in the server's database through the membership service, as the user
group API would make it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from patron.auth.service import principal_of_till
from patron.config import Settings
from patron.customers.lookup import get_customer
from patron.db import Database, open_database, unit_of_work
from patron.groups.membership import create_group, join_group
from patron.orgs import repository as orgs_repository
from patron.orgs.demo import DEMO_TILL_CODE
from tests.server.process import Server
from tests.server.test_loyalty import ok, register


def mobile() -> str:
    return f"9195{uuid.uuid4().int % 10**8:08d}"


@pytest.fixture
def server_db(server: Server) -> Iterator[Database]:
    """The running server's database, opened by the test."""
    url = server.database_url or f"sqlite:///{server.sqlite_path}"
    database = open_database(
        Settings(database_url=url, data_dir=server.data_dir, create_demo_org=False)
    )
    yield database
    database.dispose()


def make_group(db: Database, member_ids: list[int]) -> int:
    """Create a group of the demo org with ``member_ids`` as members; return its id."""
    with unit_of_work(db.write_session) as session:
        till = orgs_repository.find_till_by_code(session, DEMO_TILL_CODE)
        assert till is not None
        principal = principal_of_till(session, till.id)
        assert principal is not None
        group = create_group(
            session,
            principal,
            "",
            external_id=f"srv-{uuid.uuid4().hex[:12]}",
            name="Fleet",
            max_size=5,
        )
        for member_id in member_ids:
            join_group(
                session, principal, group, get_customer(session, principal.org_id, member_id), ""
            )
        return group.id


@pytest.fixture
def writer(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def reader(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def group_details(client: httpx.Client, group_id: int) -> dict[str, Any]:
    item: dict[str, Any] = ok(client.get(f"/v2/userGroup2/loyaltyDetails?id={group_id}"))["data"][0]
    return item


def tagged_purchase(client: httpx.Client, number: str, amount: float, group_id: int) -> Any:
    params = {"identifierName": "mobile", "identifierValue": number, "source": "INSTORE"}
    body = {
        "type": "REGULAR",
        "billNumber": f"GL-{uuid.uuid4().hex[:16]}",
        "billAmount": amount,
        "userGroup2Id": group_id,
    }
    return ok(client.post("/v2/transactions", params=params, json=body))


def test_tagged_bills_are_read_back_in_the_groups_details_at_once(
    writer: httpx.Client, reader: httpx.Client, server_db: Database
) -> None:
    number = mobile()
    member = register(writer, number)["createdId"]
    group_id = make_group(server_db, [member])
    misses = []
    for count in range(1, 11):
        answer = tagged_purchase(writer, number, 1000, group_id)
        assert answer["sideEffects"][0]["entityType"] == "USERGROUP2"
        item = group_details(reader, group_id)
        if (item["loyaltyPoints"], item["cumulativePurchases"]) != (10.0 * count, 1000.0 * count):
            misses.append(item)
    assert misses == []
    own = ok(reader.get(f"/v2/customers/{member}/loyaltyDetails"))["data"][0]
    assert own["loyaltyPoints"] == 100.0  # the registration points only


def test_a_group_transfer_to_a_member_shows_on_both(
    writer: httpx.Client, reader: httpx.Client, server_db: Database
) -> None:
    number = mobile()
    member = register(writer, number)["createdId"]
    group_id = make_group(server_db, [member])
    tagged_purchase(writer, number, 5000, group_id)
    body = {
        "pointsTobeTransferred": 20,
        "fromUserGroup2Id": group_id,
        "toCustomerIdentifier": {"type": "ID", "value": str(member)},
    }
    ok(writer.post("/v2/points/userGroup2/transfer", json=body))
    assert group_details(reader, group_id)["loyaltyPoints"] == 30.0
    own = ok(reader.get(f"/v2/customers/{member}/loyaltyDetails"))["data"][0]
    assert own["loyaltyPoints"] == 120.0
