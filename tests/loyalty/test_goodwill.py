"""Goodwill requests: filed PENDING, decided by another till, credited once by their approved value."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from patron.db import Database, unit_of_work
from patron.loyalty.audit import check_org
from patron.loyalty.ledger import find_account
from patron.orgs.demo import DEMO_PROGRAM
from tests.api.helpers import codes, register
from tests.conftest import Api, OrgCredentials, make_org
from tests.factories import profile, registration, unique_mobile

ZERO = Decimal(0)


def loyal_customer(api: Api) -> int:
    """Register a loyalty customer and return its id."""
    return register(api, registration())


def goodwill_body(customer_id: int, points: Any = 100, **extra: Any) -> dict[str, Any]:
    """Return a goodwill points request for the customer."""
    body: dict[str, Any] = {
        "type": "GOODWILL",
        "baseType": "POINTS",
        "goodwillRequest": {"points": points, "reason": "late delivery", "comments": "sorry"},
        "earningEntityType": "CUSTOMER",
        "customerId": customer_id,
        "comments": "goodwill",
    }
    body.update(extra)
    return body


def ask(api: Api, body: dict[str, Any]) -> int:
    """File a request and return its id."""
    response = api.post("/v2/requests", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["warnings"] == []
    return int(response.json()["createdId"])


def decision(
    request_id: Any,
    status: str = "APPROVED",
    kind: tuple[str, str] = ("GOODWILL", "POINTS"),
    **extra: Any,
) -> dict[str, Any]:
    """Return one item of ``PUT /v2/requests``."""
    return {"type": kind[0], "baseType": kind[1], "id": request_id, "status": status, **extra}


def decide(api: Api, *items: dict[str, Any]) -> list[dict[str, Any]]:
    """Decide requests and return the items of the answer (400 when none succeeded)."""
    response = api.put("/v2/requests", json=list(items))
    body = response.json()
    assert body["warnings"] == [], response.text
    assert body["errors"] == [], response.text
    data: list[dict[str, Any]] = body["data"]
    assert response.status_code == (200 if any(not o["errors"] for o in data) else 400)
    return data


def item_codes(outcome: dict[str, Any]) -> list[int]:
    """Return the error codes of one outcome."""
    return [e["code"] for e in outcome["errors"]]


def balance(db: Database, org_id: int, customer_id: int, program_id: int = 1) -> Decimal:
    """Return the customer's redeemable points in the program, read from the database."""
    with unit_of_work(db.read_session) as session:
        account = find_account(session, org_id, customer_id, program_id)
        return ZERO if account is None else account.points


def goodwill_items(api: Api, customer_id: int, query: str = "") -> list[dict[str, Any]]:
    """Return the customer's goodwill requests as the view lists them."""
    response = api.get(f"/v2/customers/{customer_id}/goodwillRequest{query}")
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def auto_approving_org(db: Database) -> OrgCredentials:
    """Create an org whose program 1 auto-approves goodwill and program 2 does not."""
    return make_org(
        db,
        loyaltyPrograms=[
            {**DEMO_PROGRAM, "autoApproveGoodwill": True},
            {**DEMO_PROGRAM, "programId": 2, "name": "Manual", "default": False},
        ],
    )


def test_a_goodwill_request_stays_pending(api: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, goodwill_body(customer_id))
    [item] = goodwill_items(api, customer_id)
    assert (item["id"], item["goodwillStatus"]) == (request_id, "PENDING")
    assert "approvedValue" not in item
    assert "updatedComments" not in item
    assert balance(db, api.org.org_id, customer_id) == before


def test_the_till_that_asked_cannot_approve(api: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, goodwill_body(customer_id))
    [outcome] = decide(api, decision(request_id))
    assert item_codes(outcome) == [9051]
    assert outcome["status"] == "PENDING"
    assert balance(db, api.org.org_id, customer_id) == before


def test_another_till_approves_and_the_approved_value_is_credited(
    api: Api, approver: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, goodwill_body(customer_id, 100))
    [outcome] = decide(approver, decision(request_id, approvedValue=80, comments="ok"))
    assert outcome["errors"] == []
    assert outcome["status"] == "APPROVED"
    assert outcome["sideEffects"][0]["awardedPoints"] == 80.0
    assert balance(db, api.org.org_id, customer_id) == before + 80
    [item] = goodwill_items(api, customer_id)
    assert item["goodwillStatus"] == "APPROVED"
    assert item["approvedValue"] == "80"
    assert item["updatedComments"] == "ok"
    assert item["addedBy"]["code"] == f"till.{api.org.org_id}"
    assert item["updatedBy"]["code"] == f"approver.{api.org.org_id}"


def test_approval_without_a_value_credits_the_points_asked_for(
    api: Api, approver: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, goodwill_body(customer_id, "12.5"))
    [outcome] = decide(approver, decision(request_id))
    assert outcome["errors"] == []
    assert balance(db, api.org.org_id, customer_id) == before + Decimal("12.5")
    assert goodwill_items(api, customer_id)[0]["approvedValue"] == "12.5"


def test_a_second_approval_answers_9052_and_credits_nothing(
    api: Api, approver: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    request_id = ask(api, goodwill_body(customer_id, 100))
    decide(approver, decision(request_id))
    after_first = balance(db, api.org.org_id, customer_id)
    [again] = decide(approver, decision(request_id, approvedValue=500))
    assert item_codes(again) == [9052]
    assert again["status"] == "APPROVED"
    assert balance(db, api.org.org_id, customer_id) == after_first


def test_the_same_request_twice_in_one_call_is_credited_once(
    api: Api, approver: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, goodwill_body(customer_id, 30))
    first, second = decide(approver, decision(request_id), decision(request_id))
    assert first["errors"] == []
    assert item_codes(second) == [9052]
    assert balance(db, api.org.org_id, customer_id) == before + 30


def test_a_rejected_request_is_reopened_before_it_is_approved(
    api: Api, approver: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, goodwill_body(customer_id, 40))
    [rejected] = decide(approver, decision(request_id, "REJECTED", comments="no"))
    assert rejected["status"] == "REJECTED"
    assert goodwill_items(api, customer_id)[0]["updatedComments"] == "no"
    [direct] = decide(approver, decision(request_id))
    assert item_codes(direct) == [9052]
    [reopened] = decide(api, decision(request_id, "PENDING"))
    assert reopened["errors"] == []
    assert reopened["status"] == "PENDING"
    [approved] = decide(approver, decision(request_id))
    assert approved["status"] == "APPROVED"
    assert balance(db, api.org.org_id, customer_id) == before + 40


def test_a_rejection_credits_nothing_and_cannot_be_repeated(
    api: Api, approver: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, goodwill_body(customer_id))
    decide(approver, decision(request_id, "REJECTED"))
    [again] = decide(approver, decision(request_id, "REJECTED"))
    assert item_codes(again) == [9052]
    [unknown] = decide(approver, decision(request_id, "CANCELLED"))
    assert item_codes(unknown) == [9052]
    assert balance(db, api.org.org_id, customer_id) == before


def test_a_program_that_auto_approves_credits_at_once(app_client: TestClient, db: Database) -> None:
    org = auto_approving_org(db)
    api = Api(app_client, org)
    customer_id = loyal_customer(api)
    before = balance(db, org.org_id, customer_id)
    ask(api, goodwill_body(customer_id, 450, goodwillRequest={"points": 450, "comments": "sample"}))
    assert balance(db, org.org_id, customer_id) == before + 450
    [item] = goodwill_items(api, customer_id)
    assert item["goodwillStatus"] == "APPROVED"
    assert item["approvedValue"] == "450"
    assert item["updatedComments"] == "sample; AUTO_APPROVED"
    ask(api, goodwill_body(customer_id, 5, programId=2))
    assert balance(db, org.org_id, customer_id, 2) == ZERO
    with unit_of_work(db.read_session) as session:
        assert check_org(session, org.org_id) == []


def test_the_customer_may_be_named_by_an_identifier(api: Api, approver: Api, db: Database) -> None:
    body = registration()
    mobile = body["profiles"][0]["identifiers"][0]["value"]
    customer_id = register(api, body)
    request = goodwill_body(customer_id, 10)
    del request["customerId"]
    in_query = ask(
        api, request | {"identifierName": "mobile", "identifierValue": mobile, "source": "INSTORE"}
    )
    response = api.post(
        f"/v2/requests?identifierName=mobile&identifierValue={mobile}&source=INSTORE",
        json=request,
    )
    assert response.status_code == 200, response.text
    assert {i["userId"] for i in goodwill_items(api, customer_id)} == {customer_id}
    assert {i["id"] for i in goodwill_items(api, customer_id)} == {
        in_query,
        response.json()["createdId"],
    }


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"type": "BONUS"}, 9006),
        ({"type": None}, 9006),
        ({"baseType": "COUPON"}, 400),
        ({"baseType": "COUPON", "goodwillRequest": {"seriesId": 987654}}, 707),
        ({"baseType": "COUPON", "goodwillRequest": {"seriesId": "x"}}, 707),
        ({"baseType": "RETRO"}, 9008),
        ({"earningEntityType": "USERGROUP2"}, 93026),
        ({"earningEntityType": "STORE"}, 400),
        ({"programId": 99}, 1101),
        ({"programId": "x"}, 1101),
        ({"goodwillRequest": {"points": 0}}, 801),
        ({"goodwillRequest": {"points": -5}}, 801),
        ({"goodwillRequest": {"points": "many"}}, 801),
        ({"goodwillRequest": {"points": "0.0001"}}, 801),
        ({"goodwillRequest": {"reason": "no points"}}, 801),
        ({"goodwillRequest": None}, 400),
        ({"customerId": 987654321}, 8015),
        ({"customerId": "abc"}, 400),
        ({"customerId": None}, 400),
        ({"customerId": "²"}, 400),
        ({"customerId": None, "identifierName": "mobile", "identifierValue": "1"}, 8012),
        ({"comments": "x" * 501}, 400),
    ],
)
def test_a_bad_request_answers_its_code(
    api: Api, db: Database, change: dict[str, Any], code: int
) -> None:
    customer_id = loyal_customer(api)
    body = goodwill_body(customer_id) | change
    response = api.post("/v2/requests", json=body)
    assert codes(response) == [code], response.text
    assert response.status_code in (400, 404)
    assert goodwill_items(api, customer_id) == []


def test_a_body_that_is_no_object_answers_400(api: Api) -> None:
    assert codes(api.post("/v2/requests", json=[1])) == [400]
    assert codes(api.put("/v2/requests", json={"id": 1})) == [400]
    assert codes(api.put("/v2/requests", json=[])) == [400]
    assert codes(api.put("/v2/requests", json=[1])) == [400]


def test_a_non_loyalty_customer_gets_no_goodwill(api: Api) -> None:
    customer_id = register(api, registration(loyalty_type="non_loyalty"))
    assert codes(api.post("/v2/requests", json=goodwill_body(customer_id))) == [881]


def test_a_merged_customer_answers_8069(api: Api) -> None:
    holder_mobile = unique_mobile()
    holder = register(api, registration(profile(holder_mobile, source="WEBSITE")))
    merged = loyal_customer(api)
    response = api.post(
        f"/v2/customers/{merged}/changeIdentifier?source=INSTORE",
        json={"add": [{"type": "mobile", "value": holder_mobile}]},
    )
    assert response.json()["createdId"] == holder, response.text
    assert codes(api.post("/v2/requests", json=goodwill_body(merged))) == [8069]


def test_decisions_answer_9050_9006_and_801_per_item(api: Api, approver: Api) -> None:
    customer_id = loyal_customer(api)
    request_id = ask(api, goodwill_body(customer_id))
    outcomes = decide(
        approver,
        decision(987654321),
        decision("abc"),
        decision(request_id, kind=("TRANSACTION_UPDATE", "RETRO")),
        decision(request_id, kind=("BONUS", "POINTS")),
        decision(request_id, kind=("GOODWILL", "COUPON")),
        decision(request_id, approvedValue=0),
        decision(request_id, approvedValue=25),
    )
    assert [item_codes(o) for o in outcomes] == [[9050], [9050], [9050], [9006], [9050], [801], []]
    assert outcomes[-1]["status"] == "APPROVED"
    assert [o["id"] for o in outcomes] == [987654321, "abc", *[request_id] * 5]


def test_more_than_ten_decisions_answer_1060(api: Api, approver: Api) -> None:
    customer_id = loyal_customer(api)
    request_id = ask(api, goodwill_body(customer_id))
    response = approver.put("/v2/requests", json=[decision(request_id)] * 11)
    assert codes(response) == [1060]
    assert goodwill_items(api, customer_id)[0]["goodwillStatus"] == "PENDING"
    assert decide(approver, *[decision(request_id)] * 10)[0]["errors"] == []


def test_a_request_of_another_org_is_not_found(
    app_client: TestClient, api: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    request_id = ask(api, goodwill_body(customer_id))
    other = Api(app_client, make_org(db))
    [outcome] = decide(other, decision(request_id))
    assert item_codes(outcome) == [9050]
    assert outcome["status"] is None


def test_concurrent_approvals_credit_once(
    backend: str, api: Api, approver: Api, db: Database
) -> None:
    if backend != "postgresql":
        pytest.skip("real write concurrency needs PostgreSQL")
    customer_id = loyal_customer(api)
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, goodwill_body(customer_id, 70))
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def run(i: int) -> None:
        barrier.wait()
        results[i] = approver.put("/v2/requests", json=[decision(request_id)]).json()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = sorted(tuple(item_codes(r["data"][0])) for r in results)
    assert errors == [(), (9052,)]
    assert balance(db, api.org.org_id, customer_id) == before + 70
