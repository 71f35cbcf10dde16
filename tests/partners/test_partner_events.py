"""The four partner program events, delivered to a real local receiver and compared key by key
with the seed's samples: raw payloads with the raw samples, enriched ones with the enriched
samples (partnerProgramLinked, partnerProgramDelinked) or the flat ones (partnerProgramUpdated,
supplementaryMembershipExpiryReminder)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from patron.customers.tasks import run_pii_deletions
from patron.db import Database
from patron.kit import clock
from patron.partners.tasks import run_partner_sweep
from patron.webhooks.dispatcher import Dispatcher
from tests.conftest import Api
from tests.events.samples import (
    ENRICHED,
    FLAT,
    RAW,
    key_structure,
    raw_to_enriched_structure,
    sample,
)
from tests.events.test_customer_event_shapes import everywhere
from tests.factories import unique_mobile
from tests.groups.test_membership_lifecycle import request_deletion
from tests.partners.support import PLUS, code, day, delink, link, update
from tests.reliability.receiver import Receiver
from tests.webhooks.support import Hooks, hooks, local_api, receiver, start_dispatcher

__all__ = ["hooks", "local_api", "receiver", "start_dispatcher"]

LINKED = "partnerProgramLinked"
UPDATED = "partnerProgramUpdated"
DELINKED = "partnerProgramDelinked"
REMINDER = "supplementaryMembershipExpiryReminder"
PARTNER_EVENTS = [LINKED, UPDATED, DELINKED, REMINDER]
# Written in this order by ``a_membership_lived``.
ORDER = [LINKED, LINKED, UPDATED, REMINDER, DELINKED]


def without_trace(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "traceAttributes"}


def a_membership_lived(api: Api, db: Database) -> int:
    """Link DemoPlus and DemoPartner, upgrade DemoPartner, remind DemoPlus, delink DemoPartner."""
    mobile = unique_mobile()
    customer_id = everywhere(api, mobile)
    assert code(link(api, mobile, PLUS)) == 200
    assert code(link(api, mobile, partnerTierExpiryDate=day(20))) == 200
    assert code(update(api, mobile, "UPGRADE", updatedTierName="Black")) == 200
    remind_at = clock.now() + dt.timedelta(days=360)
    assert run_partner_sweep(db, remind_at, api.org.org_id)["reminded"] == 1
    assert code(delink(api, mobile)) == 200
    return customer_id


def matches(name: str, data: dict[str, Any], documented: dict[str, Any]) -> None:
    """Compare enriched ``data`` with the documented sample's keys; the identifiers (of a
    customer known in every source) with the raw sample's, reduced as the enriched format."""
    raw = raw_to_enriched_structure(key_structure(sample(name, RAW)))["data"]
    assert key_structure(data["customerIdentifiers"]) == raw["customerIdentifiers"]
    rest = {k: v for k, v in data.items() if k != "customerIdentifiers"}
    assert key_structure(rest) == key_structure(
        {k: v for k, v in documented.items() if k != "customerIdentifiers"}
    )


def received(receiver: Receiver, count: int, key: Callable[[dict[str, Any]], Any]) -> list[Any]:
    requests = receiver.wait_for(lambda seen: len(seen) >= count)
    assert len(requests) == count
    return sorted((r.payload for r in requests), key=key)


def test_raw_payloads_have_the_samples_keys_and_the_memberships_values(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher], db: Database
) -> None:
    hooks.create(receiver.url("/raw"), eventNames=PARTNER_EVENTS, payloadFormat="RAW")
    start_dispatcher()
    api = hooks.api
    customer_id = a_membership_lived(api, db)
    payloads = received(receiver, 5, lambda p: p.get("eventLogId", 0))
    assert [p["eventName"] for p in payloads] == ORDER
    for payload in payloads:
        expected = {"eventLogId": 0, **sample(payload["eventName"], RAW)}
        assert key_structure(without_trace(payload)) == key_structure(without_trace(expected))
        assert payload["refId"] == f"{api.org.org_id}_{customer_id}"
        data = payload["data"]
        assert data["customerIdentifiers"]["customerId"] == customer_id
        assert (data["loyaltyProgramId"], payload["orgId"]) == (1, api.org.org_id)
    plus, partner, upgraded, reminded, delinked = (p["data"] for p in payloads)
    assert (plus["partnerProgramName"], plus["partnerProgramType"]) == (PLUS, "SUPPLEMENTARY")
    expiry = plus["customerPartnerProgramDetails"]["membershipExpiryDate"]
    assert plus["customerPartnerProgramDetails"]["partnerTierNumber"] is None
    assert partner["customerPartnerProgramDetails"] == {
        "partnerTierExpiryDate": day(20),
        "partnerTierNumber": 1,
        "membershipNumber": "M-1",
        "membershipExpiryDate": None,
    }
    assert upgraded["updateType"] == "UPGRADE"
    assert upgraded["customerPartnerProgramDetails"]["partnerTierNumber"] == 2
    assert (reminded["partnerProgramId"], reminded["scheduledExpiryDate"]) == (2, expiry)
    assert (delinked["partnerProgramId"], delinked["partnerProgramType"]) == (1, "EXTERNAL")


def test_enriched_payloads_have_the_enriched_or_flat_samples_keys(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher], db: Database
) -> None:
    hooks.create(receiver.url("/enriched"), eventNames=PARTNER_EVENTS, payloadFormat="ENRICHED")
    start_dispatcher()
    api = hooks.api
    customer_id = a_membership_lived(api, db)
    payloads = received(receiver, 5, lambda p: p["attributes"]["createdAt"])
    by_name: dict[str, list[dict[str, Any]]] = {}
    for payload in payloads:
        by_name.setdefault(payload["attributes"]["eventName"], []).append(payload)
    assert sorted(by_name) == sorted(PARTNER_EVENTS)
    plus = by_name[LINKED][0]
    for name, payload in ((LINKED, plus), (DELINKED, by_name[DELINKED][0])):
        expected = sample(name, ENRICHED)
        assert set(payload) == set(expected)
        assert set(payload["attributes"]) == set(expected["attributes"])
        matches(name, payload["attributes"]["data"], expected["attributes"]["data"])
        assert payload["eventType"] == f"{api.org.org_id}_{name}"
    for name in (UPDATED, REMINDER):
        [payload] = by_name[name]
        flat = sample(name, FLAT)
        matches(name, payload["attributes"]["data"], flat["data"])
    partner_details = by_name[LINKED][1]["attributes"]["data"]["customerPartnerProgramDetails"]
    assert partner_details == {
        "partnerTierExpiryDate": day(20),
        "partnerTierNumber": 1,
        "membershipNumber": "M-1",
    }
    for payload in payloads:
        assert payload["attributes"]["refId"] == f"{api.org.org_id}_{customer_id}"


def test_a_customers_deleted_data_delinks_each_membership_with_the_samples_payload(
    hooks: Hooks, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher], db: Database
) -> None:
    hooks.create(receiver.url("/raw"), eventNames=[DELINKED], payloadFormat="RAW")
    start_dispatcher()
    api = hooks.api
    mobile = unique_mobile()
    customer_id = everywhere(api, mobile)
    assert code(link(api, mobile, PLUS)) == 200
    assert code(link(api, mobile)) == 200
    request_deletion(api, mobile)
    # The request starts the deletion; a sweep finishes it if the request has not yet.
    run_pii_deletions(db, api.client.app.state.blobs)  # type: ignore[attr-defined]
    payloads = received(receiver, 2, lambda p: p["data"]["partnerProgramId"])
    for payload in payloads:
        expected = {"eventLogId": 0, **sample(DELINKED, RAW)}
        assert key_structure(without_trace(payload)) == key_structure(without_trace(expected))
        data = payload["data"]
        # Written before the scrub removed the identifiers: the customer as it was.
        assert data["customerIdentifiers"]["customerId"] == customer_id
        assert data["customerIdentifiers"]["instore"]["mobile"] == mobile
        assert data["entityInformation"] == {"entityType": "USER", "entityId": customer_id}
        assert payload["refId"] == f"{api.org.org_id}_{customer_id}"
    assert [(p["data"]["partnerProgramId"], p["data"]["partnerProgramType"]) for p in payloads] == [
        (1, "EXTERNAL"),
        (2, "SUPPLEMENTARY"),
    ]
