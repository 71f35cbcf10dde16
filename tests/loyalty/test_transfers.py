"""POST /v2/points/isTransferrable, POST /v2/points/transfer and GET /{id}/pointsTransfers."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from patron.db import Database, unit_of_work
from patron.loyalty.models import Account, Lot, Transfer
from patron.orgs.demo import DEMO_PROGRAM
from tests.api.helpers import codes, register
from tests.conftest import Api, make_org
from tests.factories import profile, registration, unique_mobile
from tests.loyalty.test_redemptions import account_of, balance, loyal, seed

# The seed's "Get Points Transfer Summary of Customer" sample, first item.
SEED_SUMMARY_ITEM: dict[str, Any] = {
    "pointsTransferDate": "2019-10-16 15:53:42",
    "pointsTransferred": 15.0,
    "transferId": 100,
    "transferType": "DEDUCTION",
    "transferredFrom": {"userId": 343015431, "firstName": "Tom", "lastName": "Sawyer"},
    "transferredTo": {"userId": 343015432, "firstName": "James", "lastName": "Thomas"},
    "notes": "",
    "programName": "Nightly_ApiAutoDefaultProgram",
}
TRANSFER_ITEM_KEYS = set(SEED_SUMMARY_ITEM) | {
    "toEntityId",
    "toEntityType",
    "fromEntityId",
    "fromEntityType",
}
LOCAL_DATETIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def same_shape(actual: Any, sample: Any) -> None:
    """Assert ``actual`` has the sample's keys (recursively) and JSON types."""
    if isinstance(sample, dict):
        assert isinstance(actual, dict)
        assert set(actual) == set(sample)
        for key, value in sample.items():
            same_shape(actual[key], value)
    else:
        assert type(actual) is type(sample), (actual, sample)


def by_mobile(mobile: str) -> dict[str, str]:
    return {"type": "MOBILE", "value": mobile}


def by_id(customer_id: int) -> dict[str, Any]:
    return {"type": "ID", "value": customer_id}


def body(
    points: Any, sender: dict[str, Any], receiver: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """Return a transfer body."""
    return {
        "pointsTobeTransferred": points,
        "fromCustomerIdentifier": sender,
        "toCustomerIdentifier": receiver,
        **extra,
    }


def transfer(api: Api, *args: Any, **extra: Any) -> Any:
    return api.post("/v2/points/transfer", json=body(*args, **extra))


def check(api: Api, *args: Any, **extra: Any) -> Any:
    return api.post("/v2/points/isTransferrable", json=body(*args, **extra))


def lots(db: Database, org_id: int, customer_id: int) -> list[tuple[Decimal, dt.datetime | None]]:
    """Return the customer's lots with points left, as (remaining, expiry), expiring first."""
    with unit_of_work(db.read_session) as session:
        query = (
            select(Lot.remaining, Lot.expires_at)
            .join(Account, Account.id == Lot.account_id)
            .where(Account.org_id == org_id, Account.customer_id == customer_id, Lot.remaining > 0)
            .order_by(Lot.expires_at, Lot.id)
        )
        return [(remaining, expires) for remaining, expires in session.execute(query)]


def test_transfer_shows_on_both_customers(api: Api, db: Database) -> None:
    sender_mobile = unique_mobile()
    sender = loyal(api, sender_mobile)
    receiver = register(api, registration(profile(firstName="James", lastName="Thomas")))
    seed(db, api.org.org_id, sender, 100)
    before = (balance(db, api.org.org_id, sender), balance(db, api.org.org_id, receiver))
    response = transfer(api, 40, by_mobile(sender_mobile), by_id(receiver), notes="gift")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["warnings"] == []
    assert answer["errors"] == []
    (item,) = answer["data"]
    assert set(item) == TRANSFER_ITEM_KEYS
    assert (item["fromEntityId"], item["fromEntityType"]) == (sender, "CUSTOMER")
    assert (item["toEntityId"], item["toEntityType"]) == (receiver, "CUSTOMER")
    assert item["transferType"] == "DEDUCTION"
    assert item["pointsTransferred"] == 40.0
    assert LOCAL_DATETIME.fullmatch(item["pointsTransferDate"])
    assert item["programName"] == "DemoLoyalty"
    assert item["notes"] == "gift"
    assert item["transferredFrom"] == {"userId": sender, "firstName": "Tom", "lastName": "Sawyer"}
    assert item["transferredTo"] == {"userId": receiver, "firstName": "James", "lastName": "Thomas"}
    assert balance(db, api.org.org_id, sender) == before[0] - 40
    assert balance(db, api.org.org_id, receiver) == before[1] + 40

    sent = api.get(f"/v2/customers/{sender}/pointsTransfers")
    received = api.get(f"/v2/customers/{receiver}/pointsTransfers")
    assert sent.status_code == received.status_code == 200
    for view in (sent.json(), received.json()):
        assert set(view) == {"data", "warnings", "errors"}
        assert view["warnings"] == []
        assert view["errors"] == []
        (row,) = view["data"]
        same_shape(row, SEED_SUMMARY_ITEM)
    (deduction,) = sent.json()["data"]
    (addition,) = received.json()["data"]
    assert deduction["transferType"] == "DEDUCTION"
    assert addition["transferType"] == "ADDITION"
    assert deduction["transferId"] == addition["transferId"] == item["transferId"]
    for row in (deduction, addition):
        assert row["transferredFrom"]["userId"] == sender
        assert row["transferredTo"]["userId"] == receiver
        assert row["pointsTransferred"] == 40.0
        assert row["pointsTransferDate"] == item["pointsTransferDate"]


def test_transfers_are_listed_newest_first(api: Api, db: Database) -> None:
    a, b = loyal(api), loyal(api)
    seed(db, api.org.org_id, a, 100)
    seed(db, api.org.org_id, b, 100)
    first = transfer(api, 10, by_id(a), by_id(b)).json()["data"][0]["transferId"]
    second = transfer(api, 5, by_id(b), by_id(a)).json()["data"][0]["transferId"]
    rows = api.get(f"/v2/customers/{a}/pointsTransfers").json()["data"]
    assert [(r["transferId"], r["transferType"]) for r in rows] == [
        (second, "ADDITION"),
        (first, "DEDUCTION"),
    ]
    assert api.get("/v2/customers/987654321/pointsTransfers").json()["errors"][0]["code"] == 8015


def test_moved_points_keep_their_expiry(api: Api, db: Database) -> None:
    sender, receiver = loyal(api), loyal(api)
    seed(db, api.org.org_id, sender, 30, expires_in=dt.timedelta(days=5))
    seed(db, api.org.org_id, sender, 30, expires_in=dt.timedelta(days=9))
    expiries = [expires for _, expires in lots(db, api.org.org_id, sender)]
    received_before = lots(db, api.org.org_id, receiver)
    assert transfer(api, 45, by_id(sender), by_id(receiver)).status_code == 200
    arrived = [lot for lot in lots(db, api.org.org_id, receiver) if lot not in received_before]
    assert arrived == [(Decimal(30), expiries[0]), (Decimal(15), expiries[1])]
    assert lots(db, api.org.org_id, sender)[0] == (Decimal(15), expiries[1])
    sender_account = account_of(db, api.org.org_id, sender)
    assert sender_account is not None
    assert sender_account.transferred_out == 45


def test_is_transferrable_writes_nothing(api: Api, db: Database) -> None:
    a, b = loyal(api), loyal(api)
    seed(db, api.org.org_id, a, 100)
    before = balance(db, api.org.org_id, a)
    response = check(api, 50, by_id(a), by_id(b))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": [
            {
                "pointsTobeTransferred": 50.0,
                "transferFrom": a,
                "transferTo": b,
                "transferrable": True,
            }
        ],
        "warnings": [],
        "errors": [],
    }
    assert balance(db, api.org.org_id, a) == before
    with unit_of_work(db.read_session) as session:
        assert (
            session.scalars(select(Transfer).where(Transfer.org_id == api.org.org_id)).all() == []
        )
    too_much = check(api, int(before) + 1, by_id(a), by_id(b))
    assert too_much.status_code == 400
    assert codes(too_much) == [804]


def test_transfer_to_oneself_is_418(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    a = loyal(api, mobile)
    seed(db, api.org.org_id, a, 100)
    assert codes(transfer(api, 10, by_mobile(mobile), by_id(a))) == [418]
    assert codes(check(api, 10, by_id(a), by_id(a))) == [418]


def test_transfer_with_a_merged_customer_is_419(api: Api, db: Database) -> None:
    holder_mobile, victim_mobile = unique_mobile(), unique_mobile()
    holder = register(
        api, registration(profile(holder_mobile, source="WECHAT", account_id="WECHAT-CM"))
    )
    victim = loyal(api, victim_mobile)
    merged = api.post(
        f"/v2/customers/{victim}/changeIdentifier?source=INSTORE",
        json={
            "add": [{"type": "mobile", "value": holder_mobile}],
            "remove": [{"type": "mobile", "value": victim_mobile}],
        },
    )
    assert merged.status_code == 200, merged.text
    seed(db, api.org.org_id, holder, 100)
    assert codes(transfer(api, 10, by_id(holder), by_id(victim))) == [419]
    assert codes(transfer(api, 10, by_id(victim), by_id(holder))) == [419]


def test_transfer_beyond_the_balance_is_refused(api: Api, db: Database) -> None:
    a, b = loyal(api), loyal(api)
    seed(db, api.org.org_id, a, 30)
    before = (balance(db, api.org.org_id, a), balance(db, api.org.org_id, b))
    response = transfer(api, int(before[0]) + 1, by_id(a), by_id(b))
    assert response.status_code == 400
    assert codes(response) == [804]
    assert (balance(db, api.org.org_id, a), balance(db, api.org.org_id, b)) == before


def test_points_must_be_given_and_whole(api: Api, db: Database) -> None:
    a, b = loyal(api), loyal(api)
    seed(db, api.org.org_id, a, 100)
    missing = api.post(
        "/v2/points/transfer",
        json={"fromCustomerIdentifier": by_id(a), "toCustomerIdentifier": by_id(b)},
    )
    assert missing.status_code == 400
    assert codes(missing) == [422]
    for points in (10.5, 0, -5, "ten", True):
        assert codes(transfer(api, points, by_id(a), by_id(b))) == [807], points
    assert transfer(api, "10", by_id(a), by_id(b)).status_code == 200


def test_customers_and_program_are_checked(api: Api, db: Database) -> None:
    a, b = loyal(api), loyal(api)
    seed(db, api.org.org_id, a, 100)
    assert codes(transfer(api, 10, by_id(a), by_id(b), programId=7)) == [885]
    assert codes(transfer(api, 10, by_id(a), by_id(b), programId="x")) == [885]
    unknown = transfer(api, 10, by_id(a), by_mobile("919800000003"))
    assert unknown.status_code == 404
    assert codes(unknown) == [8015]
    assert codes(transfer(api, 10, by_id(a), {"type": "CARD", "value": "1"})) == [8013]
    assert codes(transfer(api, 10, by_id(a), None)) == [8013]
    outsider = register(api, registration(profile(), loyalty_type="non_loyalty"))
    assert codes(transfer(api, 10, by_id(a), by_id(outsider))) == [881]


def test_fraud_customers_cannot_transfer(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    a, b = loyal(api, mobile), loyal(api)
    seed(db, api.org.org_id, a, 100)
    seed(db, api.org.org_id, b, 100)
    marked = api.put(
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}",
        json={"reason": "chargebacks", "label": "Fraud Suspected"},
    )
    assert marked.status_code == 200, marked.text
    assert codes(transfer(api, 10, by_id(a), by_id(b))) == [414]
    assert codes(transfer(api, 10, by_id(b), by_id(a))) == [415]


def test_programs_may_forbid_transfers(db: Database, app_client: Any) -> None:
    closed = {**DEMO_PROGRAM, "allowTransfer": False}
    api = Api(app_client, make_org(db, loyaltyPrograms=[closed]))
    a, b = loyal(api), loyal(api)
    seed(db, api.org.org_id, a, 100)
    response = transfer(api, 10, by_id(a), by_id(b))
    assert response.status_code == 403
    assert codes(response) == [403]


def test_sender_without_points_in_the_program_is_818(db: Database, app_client: Any) -> None:
    second = {**DEMO_PROGRAM, "programId": 2, "name": "Second", "default": False}
    api = Api(app_client, make_org(db, loyaltyPrograms=[DEMO_PROGRAM, second]))
    a, b = loyal(api), loyal(api)
    assert codes(transfer(api, 10, by_id(a), by_id(b), programId=2)) == [818]
    # A receiver without an account in the program gets one.
    seed(db, api.org.org_id, a, 100, program_id=2)
    assert account_of(db, api.org.org_id, b, 2) is None
    response = transfer(api, 10, by_id(a), by_id(b), programId=2)
    assert response.status_code == 200, response.text
    assert response.json()["data"][0]["programName"] == "Second"
    assert balance(db, api.org.org_id, b, 2) == 10
