"""The outbox: a registration commits exactly one customerAdded event, a rollback none."""

from __future__ import annotations

import uuid

import pytest

from patron.auth.service import AuthCaches, load_principal
from patron.customers.registration import register_customer
from patron.customers.schemas import RegisterCustomerIn
from patron.db import Database, unit_of_work
from patron.events.catalogue import EventName
from patron.events.outbox import list_events
from patron.orgs import repository as orgs_repo
from tests.conftest import Api, OrgCredentials
from tests.factories import profile, registration, unique_mobile


def events_of(db: Database, org_id: int) -> list:  # type: ignore[type-arg]
    with unit_of_work(db.read_session) as session:
        return list_events(session, org_id)


def test_committed_registration_leaves_exactly_one_filled_event(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    body = registration(
        profile(
            mobile,
            identifiers=[
                {"type": "mobile", "value": mobile},
                {"type": "email", "value": "t@example.com"},
            ],
            fields={"city": "Pune"},
        ),
        profile(
            source="WECHAT",
            account_id="WECHAT-CM",
            identifiers=[{"type": "wechat", "value": "wx-9"}],
        ),
        extendedFields={"gender": "Female"},
    )
    response = api.post("/v2/customers", json=body, headers={"X-CAP-REQUEST-ID": "rq-outbox-1"})
    customer_id = response.json()["createdId"]
    (event,) = events_of(db, api.org.org_id)
    assert event.event_name == EventName.CUSTOMER_ADDED
    assert uuid.UUID(event.event_id)
    assert event.ref_id == f"{api.org.org_id}_{customer_id}"
    assert event.api_request_id == "rq-outbox-1"
    assert event.entity_id == customer_id
    data = event.data
    assert data["loyaltyType"] == "loyalty"
    assert data["enteredBy"]["till"] == {
        "code": api.org.till_code,
        "name": f"Till {api.org.org_id}",
    }
    assert data["enteredBy"]["store"]["code"] == f"store.{api.org.org_id}"
    assert data["enteredBy"]["store"]["externalId"] == f"EXT{api.org.org_id}"
    idents = data["customerIdentifiers"]
    assert idents["customerId"] == customer_id
    assert idents["instore"]["mobile"] == mobile
    assert idents["instore"]["email"] == "t@example.com"
    assert idents["wechat"] == {
        "accounts": [
            {
                "accountId": "WECHAT-CM",
                "identifiers": [{"identifierType": "wechat", "identifierValue": "wx-9"}],
            }
        ]
    }
    assert data["extendedFields"] == [{"key": "gender", "value": "Female"}]
    assert isinstance(data["enteredAt"], int)


def test_failed_request_leaves_no_event(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    api.post("/v2/customers", json=registration(profile(mobile)))
    failed = api.post("/v2/customers", json=registration(profile(mobile)))
    assert failed.status_code == 409
    assert len(events_of(db, api.org.org_id)) == 1


def test_rolled_back_unit_of_work_leaves_no_event_and_no_customer(
    org: OrgCredentials, db: Database
) -> None:
    caches = AuthCaches.create(60, 5)
    mobile = unique_mobile()
    seen: list[int] = []

    def write_then_fail() -> None:
        with unit_of_work(db.write_session) as session:
            till = orgs_repo.find_till_by_code(session, org.till_code)
            assert till is not None
            principal = load_principal(session, caches, till.id)
            assert principal is not None
            body = RegisterCustomerIn.model_validate(registration(profile(mobile)))
            register_customer(session, principal, body, "rq")
            seen.append(len(list_events(session, org.org_id)))
            raise RuntimeError("the unit of work fails after the write")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert seen == [1]
    assert events_of(db, org.org_id) == []
