"""pointsContributionToGroup: each member's bill that credits its group writes one, delivered
to a real local receiver and compared key by key with the seed's raw sample (and the enriched
format derived from it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from patron.db import Database, unit_of_work
from patron.loyalty.audit import check_org
from patron.webhooks.dispatcher import Dispatcher
from tests.api.helpers import events
from tests.conftest import Api
from tests.events.samples import ENRICHED, RAW, key_structure, raw_to_enriched_structure, sample
from tests.events.test_customer_event_shapes import everywhere
from tests.factories import unique_mobile
from tests.groups.test_pooling import fleet, make_group, return_body
from tests.loyalty.test_transactions import customer, ok, post, purchase
from tests.reliability.receiver import Receiver
from tests.webhooks.support import Hooks, hooks, local_api, receiver, start_dispatcher

__all__ = ["hooks", "local_api", "receiver", "start_dispatcher"]

EVENT = "pointsContributionToGroup"


def contributed(api: Api, db: Database) -> dict[str, Any]:
    """A member known in every source buys for 1000 into its group (primary known everywhere
    too); return the ids involved."""
    primary_mobile, member_mobile = unique_mobile(), unique_mobile()
    primary, member = everywhere(api, primary_mobile), everywhere(api, member_mobile)
    group_id = make_group(db, api.org.org_id, [member], primary=primary, name="Lee family")
    bill = ok(post(api, member_mobile, purchase(1000, userGroup2Id=group_id)))["createdId"]
    return {"group": group_id, "primary": primary, "member": member, "bill": bill}


def without_trace(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "traceAttributes"}


def ledger_is_clean(api: Api, db: Database) -> None:
    with unit_of_work(db.read_session) as session:
        assert check_org(session, api.org.org_id) == []


def test_the_raw_payload_has_the_samples_keys_and_the_bills_values(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher], db: Database
) -> None:
    hooks.create(receiver.url("/raw"), eventNames=[EVENT], payloadFormat="RAW")
    start_dispatcher()
    api = hooks.api
    ids = contributed(api, db)
    [request] = receiver.wait_for(lambda seen: len(seen) >= 1)
    payload = request.payload
    expected = {"eventLogId": 0, **sample(EVENT, RAW)}
    assert key_structure(without_trace(payload)) == key_structure(without_trace(expected))
    data = payload["data"]
    assert (payload["eventName"], payload["orgId"]) == (EVENT, api.org.org_id)
    assert payload["refId"] == f"{api.org.org_id}_{ids['group']}"
    assert (data["groupId"], data["groupName"]) == (ids["group"], "Lee family")
    assert data["primaryMember"]["customerIdentifiers"]["customerId"] == ids["primary"]
    assert data["primaryMember"]["role"] == "PRIMARY"
    contributing = data["contributingMember"]
    assert (contributing["customerIdentifiers"]["customerId"], contributing["role"]) == (
        ids["member"],
        "MEMBER",
    )
    assert data["pointsContributedToGroup"] == 10.0
    activity = data["triggeringActivity"]
    assert activity["name"] == "TRANSACTION_ADD"
    assert activity["entityInformation"] == {"entityType": "TRANSACTION", "entityId": ids["bill"]}
    assert activity["enteredBy"]["till"]["code"] == api.org.till_code
    assert [i["key"] for i in activity["identifiers"]] == ["billNumber"]
    program = data["loyaltyProgramDetails"]
    assert (program["id"], program["name"], program["isDefault"]) == (1, "DemoLoyalty", True)
    assert [t["tierName"] for t in program["tiers"]] == ["BRONZE", "SILVER", "GOLD"]
    assert data["loyaltyProgramId"] == 1
    ledger_is_clean(api, db)


def test_the_enriched_payload_is_the_raw_sample_reduced(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher], db: Database
) -> None:
    hooks.create(receiver.url("/enriched"), eventNames=[EVENT], payloadFormat="ENRICHED")
    start_dispatcher()
    api = hooks.api
    ids = contributed(api, db)
    [request] = receiver.wait_for(lambda seen: len(seen) >= 1)
    payload = request.payload
    attributes = payload["attributes"]
    expected = raw_to_enriched_structure(key_structure(sample(EVENT, RAW)))
    assert key_structure(attributes["data"]) == expected["data"]
    envelope = sample("customerAdded", ENRICHED)
    assert set(payload) == set(envelope)
    assert set(attributes) == set(envelope["attributes"])
    assert payload["eventType"] == f"{api.org.org_id}_{EVENT}"
    assert attributes["refId"] == f"{api.org.org_id}_{ids['group']}"
    assert attributes["data"]["groupId"] == ids["group"]
    assert attributes["data"]["pointsContributedToGroup"] == 10.0
    assert "user" not in attributes["data"]["triggeringActivity"]["enteredBy"]
    ledger_is_clean(api, db)


def test_a_fleet_drivers_bill_names_the_driver_and_its_role(api: Api, db: Database) -> None:
    owner, _ = customer(api)
    driver, mobile = customer(api)
    group_id = fleet(db, api.org.org_id, owner, [driver])
    bill = ok(post(api, mobile, purchase(2500)))["createdId"]
    (event,) = events(db, api.org.org_id, EVENT)
    assert (event.entity_id, event.ref_id) == (group_id, f"{api.org.org_id}_{group_id}")
    data = event.data
    assert data["contributingMember"]["role"] == "DRIVER"
    assert data["primaryMember"]["role"] == "OWNER"
    assert data["pointsContributedToGroup"] == 25.0
    assert data["triggeringActivity"]["entityInformation"]["entityId"] == bill


def test_each_contributing_bill_writes_one_event(api: Api, db: Database) -> None:
    member, mobile = customer(api)
    group_id = make_group(db, api.org.org_id, [member])
    for amount in (1000, 2000):
        ok(post(api, mobile, purchase(amount, userGroup2Id=group_id)))
    written = events(db, api.org.org_id, EVENT)
    assert [e.data["pointsContributedToGroup"] for e in written] == [10.0, 20.0]


def test_bills_that_credit_no_group_write_none(api: Api, db: Database) -> None:
    member, mobile = customer(api)
    group_id = make_group(db, api.org.org_id, [member])
    ok(post(api, mobile, purchase(1000)))  # its own
    ok(post(api, mobile, purchase(0, userGroup2Id=group_id)))  # nothing to contribute
    tagged = purchase(1000, userGroup2Id=group_id)
    ok(post(api, mobile, tagged))
    ok(post(api, mobile, return_body(tagged["billNumber"])))  # a return contributes nothing
    assert len(events(db, api.org.org_id, EVENT)) == 1
