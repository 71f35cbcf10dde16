"""The four membership events of user groups, delivered to a real local receiver and compared
key by key with the seed's raw samples (and the enriched format derived from them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from patron.db import Database
from patron.webhooks.dispatcher import Dispatcher
from tests.api.helpers import events
from tests.conftest import Api
from tests.events.samples import (
    ENRICHED,
    RAW,
    key_structure,
    raw_to_enriched_structure,
    sample,
)
from tests.events.test_customer_event_shapes import everywhere
from tests.factories import unique_mobile
from tests.groups.test_group_members import leave
from tests.groups.test_group_transfer import transfer
from tests.groups.test_user_groups import (
    GROUPS,
    create,
    customer,
    join,
    joined,
    member,
)
from tests.reliability.receiver import Receiver
from tests.webhooks.support import Hooks, hooks, local_api, receiver, start_dispatcher

__all__ = ["hooks", "local_api", "receiver", "start_dispatcher"]

GROUP_EVENTS = ["groupCreated", "groupMemberAdded", "groupMemberRemoved", "groupUpdated"]


def subscribe(hooks: Hooks, receiver: Receiver, path: str, payload_format: str) -> None:
    hooks.create(receiver.url(path), eventNames=GROUP_EVENTS, payloadFormat=payload_format)


def received(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    """Wait for ``count`` deliveries; return their payloads (raw ones in the order written)."""
    requests = receiver.wait_for(lambda seen: len(seen) >= count)
    assert len(requests) == count
    payloads = [r.payload for r in requests]
    return sorted(payloads, key=lambda p: p.get("eventLogId", 0))


def a_group_lived(api: Api) -> dict[str, int]:
    """Create a group with a primary member, add a member, take it out, rename the group."""
    primary, joiner = everywhere(api, unique_mobile()), everywhere(api, unique_mobile())
    group_id = create(api, primaryUserId=primary, groupName="Sawyers")
    joined(api, group_id, member(joiner))
    assert leave(api, group_id, "id", joiner).status_code == 200
    assert api.put(GROUPS, json={"id": group_id, "groupName": "Renamed"}).status_code == 200
    return {"group": group_id, "primary": primary, "joiner": joiner}


def without_trace(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "traceAttributes"}


def test_raw_payloads_have_the_samples_keys_and_the_changes_values(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    subscribe(hooks, receiver, "/raw", "RAW")
    start_dispatcher()
    api = hooks.api
    ids = a_group_lived(api)
    payloads = received(receiver, 4)
    assert [p["eventName"] for p in payloads] == GROUP_EVENTS
    for payload in payloads:
        expected = {"eventLogId": 0, **sample(payload["eventName"], RAW)}
        assert key_structure(without_trace(payload)) == key_structure(without_trace(expected))
        data = payload["data"]
        assert payload["refId"] == f"{api.org.org_id}_{ids['group']}"
        assert payload["orgId"] == api.org.org_id
        assert data["groupId"] == ids["group"]
        assert data["primaryMember"]["customerIdentifiers"]["customerId"] == ids["primary"]
        assert data["primaryMember"]["role"] == "PRIMARY"
        assert data["enteredBy"]["till"]["code"] == api.org.till_code
    created, added, removed, updated = (p["data"] for p in payloads)
    assert created["groupName"] == added["groupName"] == removed["groupName"] == "Sawyers"
    assert updated["groupName"] == "Renamed"
    for change, key in ((added, "memberAdded"), (removed, "memberRemoved")):
        assert change[key]["customerIdentifiers"]["customerId"] == ids["joiner"]
        assert change[key]["role"] == "MEMBER"
        assert change[key]["firstName"] == "Tom"


def test_enriched_payloads_are_the_raw_samples_reduced(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    subscribe(hooks, receiver, "/enriched", "ENRICHED")
    start_dispatcher()
    api = hooks.api
    ids = a_group_lived(api)
    payloads = received(receiver, 4)
    envelope = sample("customerAdded", ENRICHED)
    assert sorted(p["attributes"]["eventName"] for p in payloads) == sorted(GROUP_EVENTS)
    for payload in payloads:
        attributes = payload["attributes"]
        expected = raw_to_enriched_structure(key_structure(sample(attributes["eventName"], RAW)))
        assert key_structure(attributes["data"]) == expected["data"]
        assert set(payload) == set(envelope)
        assert set(attributes) == set(envelope["attributes"])
        assert payload["eventType"] == f"{api.org.org_id}_{attributes['eventName']}"
        assert attributes["refId"] == f"{api.org.org_id}_{ids['group']}"
        assert attributes["data"]["groupId"] == ids["group"]
        assert "user" not in attributes["data"]["enteredBy"]


def test_a_transfer_delivers_the_leave_leg_then_the_join_leg(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    api = hooks.api
    subscribe(hooks, receiver, "/transfer", "RAW")
    start_dispatcher()
    source, target, user = create(api), create(api), customer(api)
    joined(api, source, member(user))
    assert transfer(api, source, target, user).status_code == 200
    # groupCreated twice and the join come first.
    removed, added = received(receiver, 5)[3:]
    assert (removed["eventName"], added["eventName"]) == ("groupMemberRemoved", "groupMemberAdded")
    assert (removed["data"]["groupId"], added["data"]["groupId"]) == (source, target)
    assert (removed["refId"], added["refId"]) == (
        f"{api.org.org_id}_{source}",
        f"{api.org.org_id}_{target}",
    )
    assert removed["data"]["memberRemoved"]["customerIdentifiers"]["customerId"] == user
    assert added["data"]["memberAdded"]["customerIdentifiers"]["customerId"] == user


def test_a_deletion_delivers_group_updated_naming_the_primary_member(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    api = hooks.api
    subscribe(hooks, receiver, "/deleted", "RAW")
    start_dispatcher()
    primary = customer(api)
    group_id = create(api, primaryUserId=primary, groupName="Gone")
    assert api.delete(GROUPS, params={"id": group_id}).status_code == 200
    created, updated = received(receiver, 2)
    assert created["eventName"] == "groupCreated"
    assert updated["eventName"] == "groupUpdated"
    assert (updated["data"]["groupId"], updated["data"]["groupName"]) == (group_id, "Gone")
    assert updated["data"]["primaryMember"]["customerIdentifiers"]["customerId"] == primary


def test_a_group_created_without_a_primary_user_has_no_primary_member(
    api: Api, db: Database
) -> None:
    group_id = create(api)
    [created] = events(db, api.org.org_id, "groupCreated")
    assert created.entity_id == group_id
    assert created.data["primaryMember"] is None
    assert created.ref_id == f"{api.org.org_id}_{group_id}"


def test_a_join_writes_one_event_per_member_added_and_none_for_failures(
    api: Api, db: Database
) -> None:
    group_id, first, second = create(api, maxGroupSize=1), customer(api), customer(api)
    response = join(api, group_id, member(first), member(second), member(999999999))
    assert response.json()["failureCount"] == 2
    added = events(db, api.org.org_id, "groupMemberAdded")
    assert [e.data["memberAdded"]["customerIdentifiers"]["customerId"] for e in added] == [first]
    assert added[0].api_request_id == response.headers["X-CAP-REQUEST-ID"]


def test_a_transfer_that_cannot_join_writes_neither_leg(api: Api, db: Database) -> None:
    source, target, user = create(api), create(api, maxGroupSize=1), customer(api)
    joined(api, source, member(user))
    joined(api, target, member(customer(api)))
    before = len(events(db, api.org.org_id))
    assert transfer(api, source, target, user).json()["failureCount"] == 1
    assert len(events(db, api.org.org_id)) == before


def test_an_update_that_changes_nothing_writes_no_event(api: Api, db: Database) -> None:
    group_id = create(api, groupName="Same", maxGroupSize=4)
    response = api.put(GROUPS, json={"id": group_id, "groupName": "Same", "maxGroupSize": 4})
    assert response.status_code == 200
    assert events(db, api.org.org_id, "groupUpdated") == []
