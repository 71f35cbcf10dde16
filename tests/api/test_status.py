"""PUT /v2/customers/lookup/status, the status log, and PII deletion."""

from __future__ import annotations

from patron.customers.models import Customer
from patron.customers.tasks import run_pii_deletions
from patron.db import Database, unit_of_work
from tests.api.helpers import codes, events, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile


def status_url(mobile: str) -> str:
    return (
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    )


def test_status_change_is_logged_and_emitted(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    body = {"reason": "chargebacks", "label": "Suspended", "createdOn": "2021-09-16T12:10:45Z"}
    response = api.put(status_url(mobile), json=body)
    assert response.status_code == 200
    assert response.json() == {"warnings": [], "error": []}
    log = api.get(f"/v2/customers/{customer_id}/statusLog").json()["data"]
    assert log[0]["label"] == "Suspended"
    assert log[0]["prevLabel"] == "Active"
    assert log[0]["status"] == "SUSPENDED"
    assert log[0]["reason"] == "chargebacks"
    assert log[0]["isActive"] is True
    (event,) = events(db, api.org.org_id, "customerUpdated")
    assert event.data["updatedFields"] == []
    assert event.data["customerStatus"] == {
        "previousStatus": "ACTIVE",
        "previousLabel": "Active",
        "currentStatus": "SUSPENDED",
        "currentLabel": "Suspended",
        "reason": "chargebacks",
    }
    again = api.put(status_url(mobile), json=body)
    assert again.status_code == 200
    assert len(events(db, api.org.org_id, "customerUpdated")) == 1
    # A status change is in the status log only, never a change request.
    history = api.get(f"/v2/customers/{customer_id}/changeRequest").json()
    assert history["pagination"]["total"] == 0


def test_status_bad_input(api: Api) -> None:
    mobile = unique_mobile()
    register(api, registration(profile(mobile)))
    assert codes(api.put(status_url(mobile), json={"label": "Active"})) == [400]
    assert codes(api.put(status_url(mobile), json={"reason": "x"})) == [400]
    unknown = api.put(status_url(mobile), json={"reason": "x", "label": "Platinum"})
    assert unknown.status_code == 400
    assert "Invalid status label" in unknown.json()["errors"][0]["message"]
    assert codes(api.put(status_url("919800011122"), json={"reason": "x", "label": "Active"})) == [
        8015
    ]


def test_pii_deletion_scrubs_and_frees_identifiers(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(
        api,
        registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": mobile},
                    {"type": "email", "value": "gone@example.com"},
                ],
                fields={"city": "Pune"},
                commChannels=[{"type": "email", "value": "gone@example.com"}],
            ),
            extendedFields={"gender": "Male"},
        ),
    )
    response = api.put(
        status_url(mobile),
        json={"reason": "User marked deleted using request feature", "label": "Pending Deletion"},
    )
    assert response.status_code == 200
    run_pii_deletions(db, api.client.app.state.blobs)  # type: ignore[attr-defined]
    fetched = api.get(f"/v2/customers/{customer_id}").json()
    assert fetched["profiles"][0]["firstName"] == ""
    assert fetched["profiles"][0]["identifiers"] == []
    assert fetched["profiles"][0]["commChannels"] == []
    assert fetched["profiles"][0]["fields"] == {}
    assert fetched["extendedFields"] == {}
    assert (
        api.get(
            f"/v2/customers/lookup?source=ALL&identifierName=mobile&identifierValue={mobile}"
        ).status_code
        == 404
    )
    assert api.get(f"/v2/customers/{customer_id}/statusLog").json()["data"][0]["label"] == "Deleted"
    deleted = events(db, api.org.org_id, "customerUpdated")[-1]
    assert deleted.api_request_id == ""
    assert deleted.data["customerStatus"]["currentLabel"] == "Deleted"
    assert deleted.data["customerStatus"]["reason"] == "User marked deleted using request feature"
    assert deleted.data["customerIdentifiers"]["instore"]["email"] == "gone@example.com"
    assert deleted.data["customFields"] == [{"key": "city", "value": "Pune"}]
    assert deleted.data["updatedFields"] == []
    again = register(api, registration(profile(mobile)))
    assert again != customer_id
    blocked = api.put(status_url(mobile), json={"reason": "x", "label": "Active"})
    assert blocked.status_code == 200


def test_leaving_pending_deletion_cancels_it(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    with unit_of_work(db.write_session) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        customer.status_label = "Pending Deletion"
        customer.deletion_requested_at = customer.created_at
        customer.deletion_requested_by = customer.created_by
    assert (
        api.put(status_url(mobile), json={"reason": "changed mind", "label": "Active"}).status_code
        == 200
    )
    assert run_pii_deletions(db, api.client.app.state.blobs) == 0  # type: ignore[attr-defined]
    assert api.get(f"/v2/customers/{customer_id}").json()["profiles"][0]["identifiers"] != []
