"""Retro requests: a not-interested bill becomes the customer's purchase, and earns, once approved."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty.ledger import find_account
from patron.loyalty.models import Bill
from patron.orgs.models import Till
from tests.api.helpers import codes, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile
from tests.loyalty.test_goodwill import (
    ask,
    balance,
    decide,
    decision,
    goodwill_body,
    item_codes,
    loyal_customer,
)

RETRO = ("TRANSACTION_UPDATE", "RETRO")
_numbers = itertools.count(1)


def bill_number() -> str:
    """Return a bill number unused in the test's org."""
    return f"NI-{next(_numbers)}"


def not_interested_bill(
    db: Database,
    org_id: int,
    customer_id: int,
    amount: str = "2000",
    bill_type: str = "NOT_INTERESTED",
) -> Bill:
    """Store a bill of ``bill_type`` for the customer, as the org's till made it."""
    number = bill_number()
    now = clock.now()
    with unit_of_work(db.write_session) as session:
        till = session.scalars(select(Till).where(Till.code == f"till.{org_id}")).one()
        bill = Bill(
            org_id=org_id,
            customer_id=customer_id,
            type=bill_type,
            bill_number=number,
            purchase_key=number,
            amount=Decimal(amount),
            billing_date=now,
            till_id=till.id,
            source="INSTORE",
            details={},
            created_at=now,
        )
        session.add(bill)
        session.flush()
        session.expunge(bill)
    return bill


def retro_body(customer_id: int, **extra: Any) -> dict[str, Any]:
    """Return a retro request for the customer."""
    return {
        "type": "TRANSACTION_UPDATE",
        "baseType": "RETRO",
        "customerId": customer_id,
        "reason": "forgot the card",
        "comments": "retro",
        **extra,
    }


def stored_bill(db: Database, bill_id: int) -> Bill:
    """Read a bill back."""
    with unit_of_work(db.read_session) as session:
        bill = session.get(Bill, bill_id)
        assert bill is not None
        session.expunge(bill)
        return bill


def purchases(db: Database, org_id: int, customer_id: int) -> Decimal:
    """Return the customer's lifetime purchases in the demo program."""
    with unit_of_work(db.read_session) as session:
        account = find_account(session, org_id, customer_id, 1)
        return Decimal(0) if account is None else account.purchases


def test_an_approved_retro_request_earns_and_counts_in_purchases(
    api: Api, approver: Api, db: Database
) -> None:
    stranger = register(api, registration(loyalty_type="non_loyalty"))
    customer_id = loyal_customer(api)
    bill = not_interested_bill(db, api.org.org_id, stranger, "2050")
    before = balance(db, api.org.org_id, customer_id)
    bought = purchases(db, api.org.org_id, customer_id)
    request_id = ask(api, retro_body(customer_id, transactionId=bill.id))
    assert balance(db, api.org.org_id, customer_id) == before
    [outcome] = decide(approver, decision(request_id, kind=RETRO, comments="verified"))
    assert outcome["errors"] == []
    assert outcome["status"] == "APPROVED"
    assert outcome["sideEffects"][0]["awardedPoints"] == 21.0  # 1 % of 2050, half up
    assert balance(db, api.org.org_id, customer_id) == before + 21
    assert purchases(db, api.org.org_id, customer_id) == bought + Decimal("2050")
    converted = stored_bill(db, bill.id)
    assert (converted.type, converted.customer_id) == ("REGULAR", customer_id)
    assert converted.purchase_key == bill.bill_number
    assert converted.points == 21


def test_a_retro_request_may_name_the_bill_by_its_number(
    api: Api, approver: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    bill = not_interested_bill(db, api.org.org_id, customer_id, "1000")
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, retro_body(customer_id, billNumber=bill.bill_number))
    decide(approver, decision(request_id, kind=RETRO))
    assert balance(db, api.org.org_id, customer_id) == before + 10


def test_a_not_interested_transaction_is_converted(api: Api, approver: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    number = bill_number()
    added = api.post(
        f"/v2/transactions?identifierName=mobile&identifierValue={mobile}&source=INSTORE",
        json={"type": "NOT_INTERESTED", "billNumber": number, "billAmount": 3000},
    )
    assert added.status_code == 200, added.text
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, retro_body(customer_id, billNumber=number))
    [outcome] = decide(approver, decision(request_id, kind=RETRO))
    assert outcome["errors"] == []
    assert balance(db, api.org.org_id, customer_id) == before + 30


def test_a_retro_request_is_decided_by_another_till(api: Api, approver: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    bill = not_interested_bill(db, api.org.org_id, customer_id)
    request_id = ask(api, retro_body(customer_id, transactionId=bill.id))
    [outcome] = decide(api, decision(request_id, kind=RETRO))
    assert item_codes(outcome) == [9051]
    assert stored_bill(db, bill.id).type == "NOT_INTERESTED"


def test_a_rejected_retro_request_converts_nothing_until_reopened_and_approved(
    api: Api, approver: Api, db: Database
) -> None:
    customer_id = loyal_customer(api)
    bill = not_interested_bill(db, api.org.org_id, customer_id, "500")
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, retro_body(customer_id, transactionId=bill.id))
    decide(approver, decision(request_id, "REJECTED", kind=RETRO))
    assert stored_bill(db, bill.id).type == "NOT_INTERESTED"
    assert balance(db, api.org.org_id, customer_id) == before
    decide(approver, decision(request_id, "PENDING", kind=RETRO))
    decide(approver, decision(request_id, kind=RETRO))
    assert stored_bill(db, bill.id).type == "REGULAR"
    assert balance(db, api.org.org_id, customer_id) == before + 5


def test_a_retro_approval_earns_once(api: Api, approver: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    bill = not_interested_bill(db, api.org.org_id, customer_id, "1000")
    before = balance(db, api.org.org_id, customer_id)
    request_id = ask(api, retro_body(customer_id, transactionId=bill.id))
    first, second = decide(
        approver, decision(request_id, kind=RETRO), decision(request_id, kind=RETRO)
    )
    assert first["errors"] == []
    assert item_codes(second) == [9052]
    assert balance(db, api.org.org_id, customer_id) == before + 10


def test_a_bill_has_one_live_retro_request(api: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    bill = not_interested_bill(db, api.org.org_id, customer_id)
    ask(api, retro_body(customer_id, transactionId=bill.id))
    again = api.post("/v2/requests", json=retro_body(customer_id, transactionId=bill.id))
    assert codes(again) == [9009]


def test_only_a_not_interested_bill_is_converted(api: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    bill = not_interested_bill(db, api.org.org_id, customer_id, bill_type="REGULAR")
    response = api.post("/v2/requests", json=retro_body(customer_id, transactionId=bill.id))
    assert codes(response) == [9009]


def test_an_unknown_bill_answers_625(api: Api) -> None:
    customer_id = loyal_customer(api)
    for field in ({"transactionId": 987654321}, {"transactionId": "x"}, {"billNumber": "none"}):
        response = api.post("/v2/requests", json=retro_body(customer_id, **field))
        assert codes(response) == [625], response.text
        assert response.status_code == 404


def test_a_retro_request_needs_a_bill_and_a_retro_base_type(api: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    assert codes(api.post("/v2/requests", json=retro_body(customer_id))) == [400]
    bill = not_interested_bill(db, api.org.org_id, customer_id)
    wrong = retro_body(customer_id, transactionId=bill.id, baseType="POINTS")
    assert codes(api.post("/v2/requests", json=wrong)) == [9008]


def test_a_retro_request_is_not_a_goodwill_request(api: Api, approver: Api, db: Database) -> None:
    customer_id = loyal_customer(api)
    bill = not_interested_bill(db, api.org.org_id, customer_id)
    retro_id = ask(api, retro_body(customer_id, transactionId=bill.id))
    goodwill_id = ask(api, goodwill_body(customer_id))
    as_goodwill, as_retro = decide(approver, decision(retro_id), decision(goodwill_id, kind=RETRO))
    assert item_codes(as_goodwill) == [9050]
    assert item_codes(as_retro) == [9050]
