"""A PII deletion keeps the customer's points and financial records but blanks their free text."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from patron.customers.deletion import scrub_customer
from patron.customers.models import Customer
from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.kit.blobs import FileSystemBlobStore
from patron.loyalty import ledger
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import Bill, Entry
from tests.api.helpers import register
from tests.conftest import Api
from tests.factories import profile


def test_scrub_keeps_points_and_blanks_notes(api: Api, db: Database, tmp_path: Path) -> None:
    customer_id = register(
        api, {"loyaltyInfo": {"loyaltyType": "loyalty"}, "profiles": [profile()]}
    )
    now = clock.now()
    with unit_of_work(db.write_session) as session:
        account = ledger.find_account(session, api.org.org_id, customer_id, 1, lock=True)
        assert account is not None
        note = Posting(Cause.MANUAL, None, None, now, notes="called from +91 98450 12345")
        ledger.debit(session, account, Kind.ADJUSTMENT, Decimal(10), note)
        session.add(
            Bill(
                org_id=api.org.org_id,
                customer_id=customer_id,
                program_id=1,
                type="REGULAR",
                bill_number="PII-1",
                purchase_key="PII-1",
                amount=Decimal(500),
                billing_date=now,
                till_id=0,
                details={
                    "note": "deliver to Tom at 12 Baker St",
                    "lineItemsV2": [{"itemCode": "A"}],
                },
                created_at=now,
            )
        )
        customer = session.get(Customer, customer_id)
        assert customer is not None
        customer.deletion_requested_at = now
        customer.deletion_requested_by = customer.created_by
    with unit_of_work(db.write_session) as session:
        assert scrub_customer(session, customer_id, FileSystemBlobStore(tmp_path))
    with unit_of_work(db.read_session) as session:
        account = ledger.find_account(session, api.org.org_id, customer_id, 1)
        assert account is not None
        assert account.points == 90
        notes = {e.notes for e in session.query(Entry).filter(Entry.account_id == account.id)}
        assert notes == {""}
        bill = session.query(Bill).filter(Bill.customer_id == customer_id).one()
        assert bill.amount == 500
        assert bill.details == {"lineItemsV2": [{"itemCode": "A"}]}
