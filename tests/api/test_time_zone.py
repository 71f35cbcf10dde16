"""Date-times are rendered in the org's time zone (+05:30 in Kolkata, +08:00 in Shanghai)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from patron.customers.models import ChangeRequest, Customer, Identifier, Profile, StatusLogEntry
from patron.db import Database, unit_of_work
from tests.api.helpers import register
from tests.conftest import Api, make_org
from tests.factories import profile, registration, unique_mobile

KOLKATA = ZoneInfo("Asia/Kolkata")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 20:00 UTC is already the next day in both zones.
EVENING_UTC = dt.datetime(2024, 1, 1, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def kolkata(app_client: TestClient, db: Database) -> Api:
    """A client of an org in Asia/Kolkata."""
    return Api(app_client, make_org(db, timezone="Asia/Kolkata"))


@pytest.fixture
def shanghai(app_client: TestClient, db: Database) -> Api:
    """A client of an org in Asia/Shanghai."""
    return Api(app_client, make_org(db, timezone="Asia/Shanghai"))


def local(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def stored_customer(db: Database, customer_id: int) -> Customer:
    with unit_of_work(db.read_session) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        return customer


def stored_profile(db: Database, customer_id: int) -> Profile:
    with unit_of_work(db.read_session) as session:
        found = session.scalar(select(Profile).where(Profile.customer_id == customer_id))
        assert found is not None
        return found


def status_url(mobile: str) -> str:
    return (
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    )


def test_fetch_renders_profile_attribution_in_the_orgs_zone(kolkata: Api, db: Database) -> None:
    customer_id = register(kolkata, registration(profile()))
    stored = stored_profile(db, customer_id)
    fetched = kolkata.get(f"/v2/customers/{customer_id}").json()["profiles"][0]
    assert fetched["attribution"]["createDate"] == local(stored.created_at, KOLKATA)
    assert fetched["attribution"]["modifiedDate"] == local(stored.updated_at, KOLKATA)
    assert fetched["autoUpdateTime"] == local(stored.updated_at, KOLKATA)
    assert fetched["attribution"]["createDate"].endswith("+05:30")


def test_fetch_renders_loyalty_attribution_in_the_orgs_zone(shanghai: Api, db: Database) -> None:
    customer_id = register(shanghai, registration(profile()))
    stored = stored_customer(db, customer_id)
    attribution = shanghai.get(f"/v2/customers/{customer_id}").json()["loyaltyInfo"][
        "attributionV2"
    ]
    assert attribution["createDate"] == local(stored.created_at, SHANGHAI)
    assert attribution["modifiedDate"] == local(stored.updated_at, SHANGHAI)
    assert attribution["createDate"].endswith("+08:00")


def test_customer_details_render_in_the_orgs_zone(shanghai: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(shanghai, registration(profile(mobile)))
    stored = stored_customer(db, customer_id)
    details = shanghai.get(
        "/v2/customers/lookup/customerDetails?source=INSTORE"
        f"&identifierName=mobile&identifierValue={mobile}"
    ).json()
    assert details["loyaltyInfo"]["attributionV2"]["createDate"] == local(
        stored.created_at, SHANGHAI
    )
    assert details["profiles"][0]["attribution"]["createDate"].endswith("+08:00")


def test_card_dates_are_those_of_the_orgs_zone(kolkata: Api, db: Database) -> None:
    card = f"CARD-{unique_mobile()}"
    customer_id = register(
        kolkata,
        registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": unique_mobile()},
                    {"type": "cardnumber", "value": card},
                ]
            )
        ),
    )
    with unit_of_work(db.write_session) as session:
        ident = session.scalar(select(Identifier).where(Identifier.value == card))
        assert ident is not None
        ident.created_at = EVENING_UTC
    (details,) = kolkata.get(f"/v2/customers/{customer_id}").json()["cardDetails"]
    assert details["issuedDate"] == "2024-01-02T01:30:00+05:30"
    assert details["createdDate"] == "2024-01-02"


def test_status_log_renders_in_the_orgs_zone(kolkata: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(kolkata, registration(profile(mobile)))
    body = {"reason": "chargebacks", "label": "Suspended"}
    assert kolkata.put(status_url(mobile), json=body).status_code == 200
    with unit_of_work(db.read_session) as session:
        entry = session.scalar(
            select(StatusLogEntry).where(StatusLogEntry.customer_id == customer_id)
        )
        assert entry is not None
    (logged,) = kolkata.get(f"/v2/customers/{customer_id}/statusLog").json()["data"]
    assert logged["createdOn"] == local(entry.created_on, KOLKATA)


def add_email(api: Api, customer_id: int) -> None:
    response = api.post(
        f"/v2/customers/{customer_id}/changeIdentifier?source=INSTORE",
        json={"add": [{"type": "email", "value": f"{unique_mobile()}@example.com"}]},
    )
    assert response.status_code == 200, response.text


def test_change_requests_render_in_the_orgs_zone(shanghai: Api, db: Database) -> None:
    customer_id = register(shanghai, registration(profile()))
    add_email(shanghai, customer_id)
    with unit_of_work(db.read_session) as session:
        row = session.scalar(select(ChangeRequest).where(ChangeRequest.customer_id == customer_id))
        assert row is not None
    (listed,) = shanghai.get(f"/v2/customers/{customer_id}/changeRequest").json()["data"]
    assert listed["addedOn"] == local(row.added_on, SHANGHAI)
    assert listed["updatedOn"] == local(row.updated_on, SHANGHAI)


def change_request_total(api: Api, customer_id: int, day: str) -> int:
    answer = api.get(
        f"/v2/customers/{customer_id}/changeRequest?startDate={day}&endDate={day}"
    ).json()
    return int(answer["pagination"]["total"])


def test_change_request_days_are_days_of_the_orgs_zone(kolkata: Api, db: Database) -> None:
    customer_id = register(kolkata, registration(profile()))
    add_email(kolkata, customer_id)
    with unit_of_work(db.write_session) as session:
        row = session.scalar(select(ChangeRequest).where(ChangeRequest.customer_id == customer_id))
        assert row is not None
        row.added_on = EVENING_UTC
    assert change_request_total(kolkata, customer_id, "2024-01-02") == 1
    assert change_request_total(kolkata, customer_id, "2024-01-01") == 0


def test_image_last_modified_is_the_orgs_local_time(kolkata: Api) -> None:
    customer_id = register(kolkata, registration(profile()))
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    answer = kolkata.post(
        f"/v2/customers/{customer_id}/setImage", files={"file": ("p.png", png, "image/png")}
    ).json()
    after = dt.datetime.now(dt.UTC)
    shown = dt.datetime.strptime(answer["data"][0]["file"]["lastModified"], "%Y-%m-%d %H:%M:%S")
    moment = shown.replace(tzinfo=KOLKATA)
    assert before <= moment <= after
    embedded = kolkata.get(f"/v2/customers/{customer_id}?embed=CUSTOMERIMAGE").json()
    assert embedded["customerImage"][0]["file"]["lastModified"] == shown.strftime(
        "%Y-%m-%d %H:%M:%S"
    )
