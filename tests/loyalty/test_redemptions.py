"""POST /v2/customers/{id}/redemptions and POST /v2/points/reverse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty import accounts, ledger
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import Account, Entry, Lot, Redemption
from patron.orgs.demo import DEMO_PROGRAM
from patron.orgs.service import load_org_config
from tests.api.helpers import codes, register, warning_codes
from tests.conftest import Api, make_org
from tests.factories import profile, registration, unique_mobile

ZERO = Decimal(0)


def loyal(api: Api, mobile: str | None = None) -> int:
    """Register a loyalty customer and return its id."""
    return register(api, registration(profile(mobile or unique_mobile())))


def seed(
    db: Database,
    org_id: int,
    customer_id: int,
    points: int,
    *,
    expires_in: dt.timedelta = dt.timedelta(days=365),
    program_id: int = 1,
) -> int:
    """Credit ``points`` in a new lot expiring ``expires_in`` from now; return the lot's id."""
    with unit_of_work(db.write_session) as session:
        org = load_org_config(session, org_id)
        assert org is not None
        program = org.program(program_id)
        assert program is not None
        at = clock.now()
        account = accounts.enrol(session, org, program, customer_id, at)
        posting = Posting(cause=Cause.MANUAL, cause_id=None, till_id=None, at=at)
        _, lot = ledger.credit(
            session, account, Kind.GOODWILL, Decimal(points), posting, expires_at=at + expires_in
        )
        assert lot is not None
        return lot.id


def account_of(db: Database, org_id: int, customer_id: int, program_id: int = 1) -> Account | None:
    """Return the customer's account as stored (detached)."""
    with unit_of_work(db.read_session) as session:
        account = ledger.find_account(session, org_id, customer_id, program_id)
        if account is not None:
            session.expunge(account)
        return account


def balance(db: Database, org_id: int, customer_id: int, program_id: int = 1) -> Decimal:
    """Return the customer's redeemable points (0 without an account)."""
    account = account_of(db, org_id, customer_id, program_id)
    return account.points if account is not None else ZERO


def lot_remaining(db: Database, lot_id: int) -> Decimal:
    """Return what is left of a lot."""
    with unit_of_work(db.read_session) as session:
        lot = session.get(Lot, lot_id)
        assert lot is not None
        return lot.remaining


def redemption_body(points: Any = 50, **extra: Any) -> dict[str, Any]:
    """Return a redemption body."""
    return {
        "redemptionType": "POINTS",
        "points": points,
        "transactionNumber": "BILL-1",
        "validationCode": "1234",
        "source": "INSTORE",
        "commit": True,
        **extra,
    }


def redeem(api: Api, customer_id: int, points: Any = 50, **extra: Any) -> Any:
    """Post a redemption and return the response."""
    return api.post(
        f"/v2/customers/{customer_id}/redemptions", json=redemption_body(points, **extra)
    )


def redemptions(db: Database, org_id: int) -> list[Redemption]:
    """Return the org's redemptions."""
    with unit_of_work(db.read_session) as session:
        query = select(Redemption).where(Redemption.org_id == org_id).order_by(Redemption.id)
        return list(session.scalars(query))


def test_redeeming_50_points_succeeds(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200)
    before = account_of(db, api.org.org_id, customer)
    assert before is not None
    response = redeem(api, customer, 50, externalReferenceNumber="EXT-1")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "redemptionId",
        "customerId",
        "points",
        "pointsToCurrency",
        "balance",
        "programId",
        "transactionNumber",
        "externalReferenceNumber",
        "commit",
        "redeemedOn",
        "warnings",
        "errors",
    }
    assert body["points"] == 50.0
    assert body["pointsToCurrency"] == 12.5  # the demo ratio 0.25
    assert body["balance"] == float(before.points - 50)
    assert body["programId"] == 1
    assert body["customerId"] == customer
    assert body["transactionNumber"] == "BILL-1"
    assert body["externalReferenceNumber"] == "EXT-1"
    assert body["commit"] is True
    assert body["redeemedOn"].endswith("+00:00")
    assert body["warnings"] == []
    assert body["errors"] == []
    after = account_of(db, api.org.org_id, customer)
    assert after is not None
    assert after.points == before.points - 50
    assert after.redeemed == before.redeemed + 50
    (stored,) = redemptions(db, api.org.org_id)
    assert stored.id == body["redemptionId"]
    assert stored.bill_number == "BILL-1"
    assert stored.points == 50
    with unit_of_work(db.read_session) as session:
        entry = session.get(Entry, stored.entry_id)
        assert entry is not None
        assert (entry.kind, entry.points, entry.cause_type, entry.cause_id) == (
            "REDEMPTION",
            Decimal(-50),
            "redemption",
            stored.id,
        )
        assert entry.key == "redemption:EXT-1"


def test_49_points_are_below_the_minimum(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200)
    response = redeem(api, customer, 49)
    assert response.status_code == 400
    assert codes(response) == [821]


def test_more_than_the_balance_is_refused(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 60)
    before = balance(db, api.org.org_id, customer)
    response = redeem(api, customer, int(before) + 1)
    assert response.status_code == 400
    assert codes(response) == [804]
    assert balance(db, api.org.org_id, customer) == before


def test_points_must_be_whole(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200)
    assert codes(redeem(api, customer, 50.5)) == [807]


def test_points_must_be_a_multiple_of_the_program_step(db: Database, app_client: Any) -> None:
    program = {**DEMO_PROGRAM, "redemption": {"minimum": "0", "multiplesOf": "25"}}
    api = Api(app_client, make_org(db, loyaltyPrograms=[program]))
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200)
    assert codes(redeem(api, customer, 60)) == [807]
    assert redeem(api, customer, 75).status_code == 200


def test_more_than_the_maximum_is_refused(db: Database, app_client: Any) -> None:
    program = {**DEMO_PROGRAM, "redemption": {"minimum": "50", "maximum": "100"}}
    api = Api(app_client, make_org(db, loyaltyPrograms=[program]))
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 500)
    response = redeem(api, customer, 101)
    assert response.status_code == 400
    assert codes(response) == [819]
    assert redeem(api, customer, 100).status_code == 200


def test_points_must_be_a_positive_number(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200)
    for points in (None, "abc", "NaN", "Infinity", -50, 0, True, [50], {"p": 1}, 10**13):
        response = redeem(api, customer, points)
        assert response.status_code == 400, response.text
        assert codes(response) == [801], points


def test_points_may_be_numeric_text(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200)
    assert redeem(api, customer, "60").json()["points"] == 60.0


def test_commit_false_checks_without_writing(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200)
    before = balance(db, api.org.org_id, customer)
    response = redeem(api, customer, 80, commit=False, externalReferenceNumber="DRY")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["commit"] is False
    assert body["redemptionId"] is None
    assert body["redeemedOn"] is None
    assert body["balance"] == float(before - 80)
    assert balance(db, api.org.org_id, customer) == before
    assert redemptions(db, api.org.org_id) == []
    # The same rules apply: a dry run of too much is refused as a real one would be.
    assert codes(redeem(api, customer, int(before) + 1, commit=False)) == [804]
    assert codes(redeem(api, customer, 49, commit=False)) == [821]
    # The reference stays free: the real redemption under it succeeds without a warning.
    real = redeem(api, customer, 80, externalReferenceNumber="DRY")
    assert real.status_code == 200
    assert real.json()["warnings"] == []


def test_points_are_taken_from_the_lot_expiring_first(api: Api, db: Database) -> None:
    customer = loyal(api)
    others = balance(db, api.org.org_id, customer)  # registration points, expiring in a year
    later = seed(db, api.org.org_id, customer, 100, expires_in=dt.timedelta(days=2000))
    sooner = seed(db, api.org.org_id, customer, 100, expires_in=dt.timedelta(days=10))
    assert redeem(api, customer, 60).status_code == 200
    assert lot_remaining(db, sooner) == 40
    assert lot_remaining(db, later) == 100
    assert redeem(api, customer, 50).status_code == 200
    assert lot_remaining(db, sooner) == 0
    assert lot_remaining(db, later) == 100 - max(ZERO, 10 - others)


def test_customer_must_exist_and_be_in_loyalty(api: Api) -> None:
    unknown = redeem(api, 987654321)
    assert unknown.status_code == 404
    assert codes(unknown) == [8015]
    outsider = register(api, registration(profile(), loyalty_type="non_loyalty"))
    assert codes(redeem(api, outsider)) == [881]


def test_unknown_program_is_885(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200)
    for program_id in (99, 0, -1, "abc", 1.5):
        assert codes(redeem(api, customer, 50, programId=program_id)) == [885], program_id
    assert redeem(api, customer, 50, programId="1").status_code == 200


def test_no_account_in_the_program_is_804(db: Database, app_client: Any) -> None:
    second = {**DEMO_PROGRAM, "programId": 2, "name": "Second", "default": False}
    api = Api(app_client, make_org(db, loyaltyPrograms=[DEMO_PROGRAM, second]))
    customer = loyal(api)
    assert account_of(db, api.org.org_id, customer, 2) is None
    assert codes(redeem(api, customer, 50, programId=2)) == [804]


def test_bad_source_and_type(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200)
    assert codes(redeem(api, customer, 50, source="NOWHERE")) == [8012]
    assert codes(redeem(api, customer, 50, redemptionType="COUPON")) == [400]


def test_a_repeated_reference_answers_the_first_redemption(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 300)
    first = redeem(api, customer, 60, externalReferenceNumber="POS-77").json()
    left = balance(db, api.org.org_id, customer)
    again = redeem(api, customer, 60, externalReferenceNumber="POS-77")
    assert again.status_code == 200
    assert warning_codes(again) == [409]
    assert again.json()["redemptionId"] == first["redemptionId"]
    assert again.json()["redeemedOn"] == first["redeemedOn"]
    assert again.json()["balance"] == float(left)
    assert balance(db, api.org.org_id, customer) == left
    other = redeem(api, customer, 70, externalReferenceNumber="POS-77")
    assert other.status_code == 409
    assert codes(other) == [409]
    someone = loyal(api)
    seed(db, api.org.org_id, someone, 300)
    assert codes(redeem(api, someone, 60, externalReferenceNumber="POS-77")) == [409]
    assert len(redemptions(db, api.org.org_id)) == 1


def reverse(api: Api, redemption_id: Any, points: Any = None, **extra: Any) -> Any:
    """Post a reversal and return the response."""
    body: dict[str, Any] = {"redemptionId": redemption_id, **extra}
    if points is not None:
        body["pointsToBeReversed"] = points
    return api.post("/v2/points/reverse", json=body)


def test_reversal_gives_points_back(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer = loyal(api, mobile)
    seed(db, api.org.org_id, customer, 300)
    redemption_id = redeem(api, customer, 80).json()["redemptionId"]
    before = account_of(db, api.org.org_id, customer)
    assert before is not None
    identifier = {"type": "MOBILE", "value": mobile}
    response = reverse(api, redemption_id, 30, identifier=identifier)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "redemptionId",
        "pointsToBeReversed",
        "orgId",
        "identifier",
        "customerId",
        "pointsReversed",
        "reversalId",
        "warnings",
    }
    assert body["redemptionId"] == redemption_id
    assert body["pointsToBeReversed"] == 30.0
    assert body["pointsReversed"] == 30.0
    assert body["orgId"] == api.org.org_id
    assert body["customerId"] == customer
    assert body["identifier"] == identifier
    assert isinstance(body["reversalId"], int)
    after = account_of(db, api.org.org_id, customer)
    assert after is not None
    assert after.points == before.points + 30
    assert after.redeemed == before.redeemed - 30
    # Without pointsToBeReversed, whatever is left is reversed.
    rest = reverse(api, redemption_id, identifier={"type": "ID", "value": str(customer)})
    assert rest.json()["pointsReversed"] == 50.0
    assert balance(db, api.org.org_id, customer) == before.points + 80
    (stored,) = redemptions(db, api.org.org_id)
    assert stored.reversed == stored.points == 80
    done = reverse(api, redemption_id, 1)
    assert done.status_code == 400
    assert codes(done) == [3802]
    assert codes(reverse(api, redemption_id)) == [3802]


def test_reversing_more_than_is_left_is_refused(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 300)
    redemption_id = redeem(api, customer, 80).json()["redemptionId"]
    assert reverse(api, redemption_id, 50).status_code == 200
    assert codes(reverse(api, redemption_id, 31)) == [905]
    assert codes(reverse(api, redemption_id, 0)) == [801]
    assert codes(reverse(api, redemption_id, "lots")) == [801]


def test_reversal_ids_and_customers_are_checked(api: Api, db: Database) -> None:
    customer = loyal(api)
    other_mobile = unique_mobile()
    loyal(api, other_mobile)
    seed(db, api.org.org_id, customer, 300)
    redemption_id = redeem(api, customer, 80).json()["redemptionId"]
    assert codes(reverse(api, None)) == [901]
    assert codes(reverse(api, "x1")) == [901]
    missing = reverse(api, redemption_id + 1000)
    assert missing.status_code == 404
    assert codes(missing) == [902]
    other = reverse(api, redemption_id, identifier={"type": "MOBILE", "value": other_mobile})
    assert other.status_code == 400
    assert codes(other) == [904]
    unknown = reverse(api, redemption_id, identifier={"type": "MOBILE", "value": "919800000001"})
    assert unknown.status_code == 404
    assert codes(unknown) == [903]
    assert codes(reverse(api, redemption_id, identifier={"type": "CARD", "value": "1"})) == [903]
    assert redemptions(db, api.org.org_id)[0].reversed == 0


def reversal_lot(db: Database, reversal_id: int) -> Lot:
    """Return the lot a reversal opened."""
    with unit_of_work(db.read_session) as session:
        (lot,) = ledger.lots_of_entry(session, reversal_id)
        session.expunge(lot)
        return lot


def test_reversed_points_expire_with_the_latest_redeemed_lot(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 50, expires_in=dt.timedelta(days=3))
    seed(db, api.org.org_id, customer, 50, expires_in=dt.timedelta(days=5))
    with unit_of_work(db.read_session) as session:
        lots = session.scalars(
            select(Lot)
            .join(Account, Account.id == Lot.account_id)
            .where(Account.customer_id == customer, Lot.remaining > 0)
        ).all()
        soonest = sorted(lot.expires_at for lot in lots if lot.expires_at is not None)
    redemption_id = redeem(api, customer, 100).json()["redemptionId"]
    reversal_id = reverse(api, redemption_id, 10).json()["reversalId"]
    # 100 points took the two lots expiring first; the reversal expires with the later one.
    assert reversal_lot(db, reversal_id).expires_at == soonest[1]


def test_reversed_points_of_expired_lots_get_a_fresh_expiry(api: Api, db: Database) -> None:
    customer = loyal(api)
    seed(db, api.org.org_id, customer, 200, expires_in=dt.timedelta(days=1))
    redemption_id = redeem(api, customer, 60).json()["redemptionId"]
    with unit_of_work(db.write_session) as session:
        stored = session.get(Redemption, redemption_id)
        assert stored is not None
        taken = [lot.id for _, lot in ledger.moves_of_entry(session, stored.entry_id)]
        past = clock.now() - dt.timedelta(days=2)
        session.execute(update(Lot).where(Lot.id.in_(taken)).values(expires_at=past))
    reversal_id = reverse(api, redemption_id).json()["reversalId"]
    expected = DEMO_PROGRAM["expiry"]["value"]
    expires_at = reversal_lot(db, reversal_id).expires_at
    assert expires_at is not None
    assert (expires_at.date() - clock.now().date()).days == expected
