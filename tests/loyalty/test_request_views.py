"""GET goodwillRequest and retroRequest: the seed samples key for key, and every query parameter."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from patron.db import Database, unit_of_work
from patron.loyalty.models import Request
from patron.orgs.demo import DEMO_PROGRAM
from tests.api.helpers import codes
from tests.conftest import Api, make_org
from tests.loyalty.test_goodwill import (
    ask,
    decide,
    decision,
    goodwill_body,
    loyal_customer,
)
from tests.loyalty.test_retro import RETRO, not_interested_bill, retro_body

SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def sample_pairs(name: str) -> Any:
    """Load a seed sample keeping every key in order (duplicates too), as lists of pairs."""
    text = (SEEDS / name).read_text()
    return json.loads(text, object_pairs_hook=lambda pairs: pairs)


def keys(pairs: list[tuple[str, Any]]) -> list[str]:
    return [k for k, _ in pairs]


def field(pairs: list[tuple[str, Any]], name: str) -> Any:
    return next(v for k, v in pairs if k == name)


GOODWILL = sample_pairs("goodwill_request.json")
RETRO_SAMPLE = sample_pairs("retro_request.json")


def set_request(db: Database, request_id: int, **columns: Any) -> None:
    """Change stored columns of a request (states the API cannot reach, or past dates)."""
    with unit_of_work(db.write_session) as session:
        request = session.get(Request, request_id)
        assert request is not None
        for name, value in columns.items():
            setattr(request, name, value)


def view(api: Api, path: str, status: int = 200) -> dict[str, Any]:
    response = api.get(path)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["data"]]


def test_goodwill_items_have_the_sample_keys(api: Api, approver: Api) -> None:
    customer_id = loyal_customer(api)
    pending = ask(api, goodwill_body(customer_id))
    approved = ask(api, goodwill_body(customer_id, 450))
    rejected = ask(api, goodwill_body(customer_id))
    decide(approver, decision(approved), decision(rejected, "REJECTED"))
    body = view(api, f"/v2/customers/{customer_id}/goodwillRequest")
    assert list(body) == keys(GOODWILL)
    assert list(body["pagination"]) == keys(field(GOODWILL, "pagination"))
    assert body["pagination"] == {"limit": 10, "offset": 0, "total": 3}
    assert (body["warnings"], body["errors"]) == ([], [])
    by_id = {item["id"]: item for item in body["data"]}
    sample_approved, sample_pending = field(GOODWILL, "data")
    assert list(by_id[approved]) == keys(sample_approved)
    # The sample's pending item names its attribution ``enteredBy`` twice: a defect of the
    # sample, rendered as addedBy and updatedBy like every other item.
    pending_keys = keys(sample_pending)
    assert pending_keys.count("enteredBy") == 2
    pending_keys[pending_keys.index("enteredBy")] = "addedBy"
    pending_keys[pending_keys.index("enteredBy")] = "updatedBy"
    assert list(by_id[pending]) == pending_keys
    assert list(by_id[rejected]) == [k for k in keys(sample_approved) if k != "approvedValue"]
    entity = keys(field(sample_approved, "addedBy"))
    for item in body["data"]:
        assert list(item["addedBy"]) == entity
        assert list(item["updatedBy"]) == entity
        assert ISO.fullmatch(item["addedOn"])
        assert ISO.fullmatch(item["updatedOn"])
        assert item["userId"] == customer_id
        assert item["requestId"] == item["id"]
        assert (item["goodwillType"], item["oneStep"]) == ("POINTS", False)
    item = by_id[approved]
    assert item["addedBy"] == {
        "id": item["addedBy"]["id"],
        "code": f"till.{api.org.org_id}",
        "description": "",
        "name": f"Till {api.org.org_id}",
        "type": "TILL",
        "adminType": "GENERAL",
        "isActive": True,
        "isOuEnabled": False,
        "timeZoneId": 0,
        "currencyId": 0,
        "languageId": 0,
    }
    assert item["updatedBy"]["code"] == f"approver.{api.org.org_id}"
    assert (item["goodwillStatus"], item["approvedValue"]) == ("APPROVED", "450")
    assert (item["comments"], item["reason"]) == ("sorry", "late delivery")


def test_goodwill_requests_are_listed_newest_first_and_paged(api: Api) -> None:
    customer_id = loyal_customer(api)
    made = [ask(api, goodwill_body(customer_id, n)) for n in (1, 2, 3)]
    path = f"/v2/customers/{customer_id}/goodwillRequest"
    assert ids(view(api, path)) == made[::-1]
    first = view(api, f"{path}?limit=2")
    assert ids(first) == [made[2], made[1]]
    assert first["pagination"] == {"limit": 2, "offset": 0, "total": 3}
    rest = view(api, f"{path}?limit=2&offset=2")
    assert ids(rest) == [made[0]]
    assert rest["pagination"] == {"limit": 2, "offset": 2, "total": 3}
    assert codes(api.get(f"{path}?limit=0")) == [400]
    assert codes(api.get(f"{path}?offset=-1")) == [400]


def test_goodwill_filters_by_request_id_and_one_step(api: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    first, second = (ask(api, goodwill_body(customer_id)) for _ in range(2))
    set_request(db, second, is_one_step=True)
    path = f"/v2/customers/{customer_id}/goodwillRequest"
    assert ids(view(api, f"{path}?requestId={first}")) == [first]
    assert view(api, f"{path}?requestId={first}")["pagination"]["total"] == 1
    assert ids(view(api, f"{path}?is_one_step_change=true")) == [second]
    assert ids(view(api, f"{path}?is_one_step_change=false")) == [first]
    assert view(api, f"{path}?requestId={second}")["data"][0]["oneStep"] is True
    assert codes(api.get(f"{path}?requestId=0")) == [400]
    assert codes(api.get(f"{path}?is_one_step_change=maybe")) == [400]


def test_goodwill_filters_by_program_and_auto_approval(
    app_client: TestClient, db: Database
) -> None:
    org = make_org(
        db,
        loyaltyPrograms=[
            DEMO_PROGRAM,
            {
                **DEMO_PROGRAM,
                "programId": 2,
                "name": "Instant",
                "default": False,
                "autoApproveGoodwill": True,
            },
        ],
    )
    api = Api(app_client, org)
    customer_id = loyal_customer(api)
    manual = ask(api, goodwill_body(customer_id))
    instant = ask(api, goodwill_body(customer_id, programId=2))
    path = f"/v2/customers/{customer_id}/goodwillRequest"
    assert ids(view(api, f"{path}?programId=1")) == [manual]
    assert ids(view(api, f"{path}?programId=2")) == [instant]
    assert ids(view(api, f"{path}?autoApprove=true")) == [instant]
    assert ids(view(api, f"{path}?autoApprove=false")) == [manual]
    assert ids(view(api, f"{path}?programId=1&autoApprove=true")) == []
    assert codes(api.get(f"{path}?programId=99")) == [1101]
    assert codes(api.get(f"{path}?programId=abc")) == [400]


def test_the_views_answer_8015_for_an_unknown_customer(api: Api) -> None:
    for name in ("goodwillRequest", "retroRequest"):
        response = api.get(f"/v2/customers/987654321/{name}")
        assert codes(response) == [8015]
        assert response.status_code == 404


def test_retro_items_have_the_sample_keys(api: Api, approver: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    approved_bill = not_interested_bill(db, api.org.org_id, customer_id)
    pending_bill = not_interested_bill(db, api.org.org_id, customer_id)
    approved = ask(api, retro_body(customer_id, transactionId=approved_bill.id))
    pending = ask(api, retro_body(customer_id, transactionId=pending_bill.id))
    decide(approver, decision(approved, kind=RETRO))
    body = view(api, f"/v2/customers/{customer_id}/retroRequest")
    assert list(body) == keys(RETRO_SAMPLE)
    assert list(body["pagination"]) == keys(field(RETRO_SAMPLE, "pagination"))
    assert body["pagination"] == {"limit": 10, "offset": 0, "total": 2}
    samples = field(RETRO_SAMPLE, "data")
    entity = keys(field(samples[0], "addedBy"))
    # The sample's first items were decided by an admin user (no description); a till
    # decides here, as in the sample's last item.
    till_entity = keys(field(samples[2], "updatedBy"))
    assert ids(body) == [pending, approved]
    for item in body["data"]:
        assert list(item) == keys(samples[0])
        assert list(item["addedBy"]) == entity
        assert list(item["updatedBy"]) == till_entity
        assert list(item["addedByParent"]) == keys(field(samples[0], "addedByParent"))
        assert ISO.fullmatch(item["addedOn"])
        assert ISO.fullmatch(item["updatedOn"])
        assert (item["baseType"], item["reqAdd"], item["oneStep"]) == ("RETRO", True, False)
        assert (item["userId"], item["requestId"], item["warnings"]) == (
            customer_id,
            item["id"],
            [],
        )
        assert (item["reason"], item["comments"]) == ("forgot the card", "retro")
    newest, oldest = body["data"]
    assert (newest["status"], newest["transactionId"]) == ("PENDING", pending_bill.id)
    assert (oldest["status"], oldest["transactionId"]) == ("APPROVED", approved_bill.id)
    assert oldest["updatedBy"]["code"] == f"approver.{api.org.org_id}"
    assert newest["addedByParent"] == {
        "id": newest["addedByParent"]["id"],
        "code": f"store.{api.org.org_id}",
        "description": "",
        "name": f"Store {api.org.org_id}",
        "type": "STORE",
        "adminType": "GENERAL",
        "isActive": True,
        "isOuEnabled": False,
        "timeZoneId": 0,
        "currencyId": 0,
        "languageId": 0,
    }


def retro_requests(api: Api, db: Database, customer_id: int, count: int) -> list[int]:
    """File ``count`` retro requests for the customer, oldest first."""
    made = []
    for _ in range(count):
        bill = not_interested_bill(db, api.org.org_id, customer_id)
        made.append(ask(api, retro_body(customer_id, transactionId=bill.id)))
    return made


def test_retro_filters_by_change_type(api: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    [made] = retro_requests(api, db, customer_id, 1)
    ask(api, goodwill_body(customer_id))
    path = f"/v2/customers/{customer_id}/retroRequest"
    assert ids(view(api, path)) == [made]
    assert ids(view(api, f"{path}?changeType=RETRO")) == [made]
    assert ids(view(api, f"{path}?changeType=retro")) == [made]
    for other in ("MOBILE", "POINTS", "TIER"):
        empty = view(api, f"{path}?changeType={other}")
        assert empty["data"] == []
        assert empty["pagination"]["total"] == 0
    assert codes(api.get(f"{path}?changeType=BOGUS")) == [400]


def test_retro_filters_by_days_of_the_org_zone(app_client: TestClient, db: Database) -> None:
    api = Api(app_client, make_org(db, timezone="Asia/Kolkata"))
    customer_id = loyal_customer(api)
    late, recent = retro_requests(api, db, customer_id, 2)
    # 20:00 UTC on 10 May is already 11 May in Kolkata.
    set_request(db, late, added_at=dt.datetime(2020, 5, 10, 20, 0, tzinfo=dt.UTC))
    path = f"/v2/customers/{customer_id}/retroRequest"
    shown = {item["id"]: item for item in view(api, path)["data"]}
    assert shown[late]["addedOn"] == "2020-05-11T01:30:00+05:30"
    assert ids(view(api, f"{path}?startDate=2020-05-11&endDate=2020-05-11")) == [late]
    assert ids(view(api, f"{path}?endDate=2020-05-10")) == []
    assert ids(view(api, f"{path}?startDate=2020-05-12")) == [recent]
    assert ids(view(api, f"{path}?endDate=2020-05-11")) == [late]
    for bad in ("startDate=2020-13-01", "endDate=yesterday", "startDate=11/05/2020"):
        assert codes(api.get(f"{path}?{bad}")) == [400], bad


def test_retro_filters_by_id_range_and_pages(api: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    made = retro_requests(api, db, customer_id, 3)
    path = f"/v2/customers/{customer_id}/retroRequest"
    assert ids(view(api, f"{path}?startId={made[1]}")) == [made[2], made[1]]
    assert ids(view(api, f"{path}?endId={made[1]}")) == [made[1], made[0]]
    assert ids(view(api, f"{path}?startId={made[1]}&endId={made[1]}")) == [made[1]]
    page = view(api, f"{path}?limit=1&offset=1")
    assert ids(page) == [made[1]]
    assert page["pagination"] == {"limit": 1, "offset": 1, "total": 3}
    assert codes(api.get(f"{path}?startId=abc")) == [400]


@pytest.mark.parametrize("name", ["goodwillRequest", "retroRequest"])
def test_the_views_list_only_the_customers_own_requests(api: Api, db: Database, name: str) -> None:
    customer_id = loyal_customer(api)
    other = loyal_customer(api)
    retro_requests(api, db, other, 1)
    ask(api, goodwill_body(other))
    body = view(api, f"/v2/customers/{customer_id}/{name}")
    assert body["data"] == []
    assert body["pagination"]["total"] == 0
