"""fraudDetails of customerDetails: the fraud status of the label, who set it and since when."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from patron.customers.models import Customer, StatusLogEntry
from patron.customers.views import render_customer
from patron.db import Database, unit_of_work
from patron.orgs.service import load_org_config
from tests.api.helpers import register
from tests.conftest import Api, make_org
from tests.factories import profile, registration, unique_mobile

REGISTERED = dt.datetime(2023, 5, 1, 9, 0, tzinfo=dt.UTC)
FIRST = dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.UTC)
SECOND = dt.datetime(2024, 2, 1, 10, 0, tzinfo=dt.UTC)


def customer_with_labels(api: Api, db: Database, *labels: str) -> int:
    """Register a customer, move it through ``labels`` and date the steps FIRST, SECOND…"""
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    url = (
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    )
    for label in labels:
        response = api.put(url, json={"reason": "review", "label": label})
        assert response.status_code == 200, response.text
    with unit_of_work(db.write_session) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        customer.created_at = REGISTERED
        entries = session.scalars(
            select(StatusLogEntry)
            .where(StatusLogEntry.customer_id == customer_id)
            .order_by(StatusLogEntry.id)
        )
        for entry, moment in zip(entries, (FIRST, SECOND), strict=False):
            entry.created_on = moment
    return customer_id


def fraud_details(db: Database, org_id: int, customer_id: int) -> dict[str, Any]:
    """Render the customer as customerDetails does and return its fraudDetails."""
    with unit_of_work(db.read_session) as session:
        customer = session.get(Customer, customer_id)
        org = load_org_config(session, org_id)
        assert customer is not None
        assert org is not None
        rendered = render_customer(session, org, customer, None, with_fraud_details=True)
    assert list(rendered)[:4] == ["id", "profiles", "loyaltyInfo", "fraudDetails"]
    details: dict[str, Any] = rendered["fraudDetails"]
    return details


@pytest.fixture
def kolkata(app_client: TestClient, db: Database) -> Api:
    """A client of an org in Asia/Kolkata."""
    return Api(app_client, make_org(db, timezone="Asia/Kolkata"))


def test_a_customer_never_marked_is_not_fraud_since_registration(api: Api, db: Database) -> None:
    customer_id = customer_with_labels(api, db)
    assert fraud_details(db, api.org.org_id, customer_id) == {
        "markedBy": {},
        "modifiedOn": "2023-05-01T09:00:00+00:00",
        "status": "NOT_FRAUD",
    }


def test_a_status_change_outside_fraud_keeps_not_fraud_since_registration(
    api: Api, db: Database
) -> None:
    customer_id = customer_with_labels(api, db, "Suspended")
    details = fraud_details(db, api.org.org_id, customer_id)
    assert (details["status"], details["modifiedOn"]) == (
        "NOT_FRAUD",
        "2023-05-01T09:00:00+00:00",
    )


def test_fraud_suspected_is_marked_by_the_till_that_set_it(kolkata: Api, db: Database) -> None:
    customer_id = customer_with_labels(kolkata, db, "Fraud Suspected")
    details = fraud_details(db, kolkata.org.org_id, customer_id)
    assert details["status"] == "MARKED"
    assert details["modifiedOn"] == "2024-01-01T15:30:00+05:30"
    assert details["markedBy"]["code"] == kolkata.org.till_code
    assert details["markedBy"]["type"] == "TILL"


def test_fraud_confirmed_counts_from_its_confirmation(api: Api, db: Database) -> None:
    customer_id = customer_with_labels(api, db, "Fraud Suspected", "Fraud Confirmed")
    details = fraud_details(db, api.org.org_id, customer_id)
    assert (details["status"], details["modifiedOn"]) == (
        "CONFIRMED",
        "2024-02-01T10:00:00+00:00",
    )


def test_the_internal_label_is_internal(api: Api, db: Database) -> None:
    customer_id = customer_with_labels(api, db, "Internal")
    assert fraud_details(db, api.org.org_id, customer_id)["status"] == "INTERNAL"


def test_a_cleared_fraud_label_is_not_fraud_since_it_was_cleared(api: Api, db: Database) -> None:
    customer_id = customer_with_labels(api, db, "Fraud Suspected", "Active")
    assert fraud_details(db, api.org.org_id, customer_id) == {
        "markedBy": {},
        "modifiedOn": "2024-02-01T10:00:00+00:00",
        "status": "NOT_FRAUD",
    }


def test_a_customer_fetch_has_no_fraud_details_unless_asked(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    assert "fraudDetails" not in api.get(f"/v2/customers/{customer_id}").json()
