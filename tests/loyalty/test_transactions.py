"""Purchases through ``POST /v2/transactions``: earning per tier, rounding, upgrades, side
effects, not-interested and non-loyalty bills, bill numbers, fields and the input codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from patron.db import Database, unit_of_work
from patron.loyalty import ledger
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import Account, Bill, Entry, Redemption
from patron.orgs.demo import DEMO_PROGRAM_ID
from tests.api.helpers import codes, register, warning_codes
from tests.conftest import Api
from tests.factories import profile, unique_mobile


def customer(api: Api, *, loyalty: bool = True) -> tuple[int, str]:
    """Register a customer; return its id and mobile."""
    mobile = unique_mobile()
    body = {
        "loyaltyInfo": {"loyaltyType": "loyalty" if loyalty else "non_loyalty"},
        "profiles": [profile(mobile)],
    }
    return register(api, body), mobile


def post(api: Api, mobile: str, body: dict[str, Any], query: str = "", **kwargs: Any) -> Any:
    """Post a transaction of the customer holding ``mobile``."""
    path = f"/v2/transactions?identifierName=mobile&identifierValue={mobile}&source=INSTORE"
    return api.post(path + query, json=body, **kwargs)


def purchase(amount: float | str, number: str | None = None, **extra: Any) -> dict[str, Any]:
    """A REGULAR body."""
    return {
        "type": "REGULAR",
        "billNumber": number or f"B-{unique_mobile()}",
        "billAmount": amount,
        **extra,
    }


def account(db: Database, org_id: int, customer_id: int) -> Account | None:
    """The customer's account in the demo program, read from the database."""
    with unit_of_work(db.read_session) as session:
        return ledger.find_account(session, org_id, customer_id, DEMO_PROGRAM_ID)


def points(db: Database, org_id: int, customer_id: int) -> Decimal:
    """The customer's redeemable points (0 without an account)."""
    found = account(db, org_id, customer_id)
    return found.points if found is not None else Decimal(0)


def bill(db: Database, bill_id: int) -> Bill:
    """A bill, read from the database."""
    with unit_of_work(db.read_session) as session:
        found = session.get(Bill, bill_id)
        assert found is not None
        return found


def points_effect(response: Any) -> float:
    """The ``awardedPoints`` of the answer's points side effect."""
    (effect,) = [e for e in response.json()["sideEffects"] if e["type"] == "points"]
    return float(effect["awardedPoints"])


def slab_effects(response: Any) -> list[dict[str, Any]]:
    """The answer's tier-change side effects."""
    return [e for e in response.json()["sideEffects"] if e["type"] == "slab"]


def ok(response: Any) -> dict[str, Any]:
    """Assert a 200 answer and return its body."""
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# Earning


def test_purchase_earns_one_percent_in_bronze(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    before = points(db, api.org.org_id, cid)
    answer = ok(post(api, mobile, purchase(1000)))
    assert answer["sideEffects"] == [
        {"entityType": "USER", "rawAwardedPoints": 10.0, "awardedPoints": 10.0, "type": "points"}
    ]
    assert points(db, api.org.org_id, cid) == before + 10
    found = account(db, api.org.org_id, cid)
    assert found is not None
    assert found.purchases == 1000
    assert found.tier_number == 1
    stored = bill(db, answer["createdId"])
    assert (stored.type, stored.amount, stored.points, stored.customer_id) == (
        "REGULAR",
        Decimal(1000),
        Decimal(10),
        cid,
    )


@pytest.mark.parametrize(("amount", "raw", "awarded"), [(1050, 10.5, 11), (1049, 10.49, 10)])
def test_points_round_half_up(
    api: Api, db: Database, amount: int, raw: float, awarded: int
) -> None:
    cid, mobile = customer(api)
    before = points(db, api.org.org_id, cid)
    answer = ok(post(api, mobile, purchase(amount)))
    (effect,) = answer["sideEffects"]
    assert (effect["rawAwardedPoints"], effect["awardedPoints"]) == (raw, awarded)
    assert points(db, api.org.org_id, cid) == before + awarded


def test_raw_points_of_more_than_three_decimals_are_cut_and_rounded_from_the_exact_value(
    api: Api, db: Database
) -> None:
    cid, mobile = customer(api)
    before = points(db, api.org.org_id, cid)
    answer = ok(post(api, mobile, purchase(1049.99), "&rawSideEffects=true"))  # 10.4999
    (effect,) = answer["sideEffects"]
    assert (effect["rawAwardedPoints"], effect["awardedPoints"]) == (10.499, 10)
    assert answer["rawSideEffects"][0]["pointsBeforeCapping"] == 10.499
    ok(post(api, mobile, purchase(10.05)))  # 0.1005
    assert points(db, api.org.org_id, cid) == before + 10


def test_purchase_crossing_silver_earns_at_bronze_then_upgrades(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(4000)))
    crossing = post(api, mobile, purchase(6000))
    assert points_effect(crossing) == 60  # 1 % of 6,000: the rule of BRONZE
    (slab,) = slab_effects(crossing)
    assert slab == {
        "entityType": "USER",
        "previousSlabName": "BRONZE",
        "previousSlabNumber": 1,
        "upgradedSlabName": "SILVER",
        "upgradedSlabNumber": 2,
        "slabExpiryDate": slab["slabExpiryDate"],
        "type": "slab",
    }
    found = account(db, api.org.org_id, cid)
    assert found is not None
    assert (found.tier_number, found.purchases) == (2, Decimal(10000))
    assert crossing.json()["loyaltyDetails"][0]["currentSlab"] == "SILVER"
    before = points(db, api.org.org_id, cid)
    following = post(api, mobile, purchase(1000))
    assert points_effect(following) == 15  # 1.5 % in SILVER
    assert slab_effects(following) == []
    assert points(db, api.org.org_id, cid) == before + 15


def test_gold_at_fifty_thousand_earns_two_percent(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    crossing = post(api, mobile, purchase(50000))
    assert points_effect(crossing) == 500  # made in BRONZE
    (slab,) = slab_effects(crossing)
    assert (slab["previousSlabName"], slab["upgradedSlabName"]) == ("BRONZE", "GOLD")
    assert points_effect(post(api, mobile, purchase(1000))) == 20
    found = account(db, api.org.org_id, cid)
    assert found is not None
    assert found.tier_number == 3


def test_first_purchase_opens_the_account(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(200)))
    found = account(db, api.org.org_id, cid)
    assert found is not None
    assert found.lifetime >= 2


def test_raw_side_effects_describe_the_award(api: Api) -> None:
    _, mobile = customer(api)
    answer = ok(post(api, mobile, purchase(1050, "RAW-1"), "&rawSideEffects=true"))
    (raw,) = answer["rawSideEffects"]
    assert raw["awardOn"] == "BILL"
    assert raw["billNumber"] == "RAW-1"
    assert (raw["points"], raw["pointsBeforeCapping"]) == (11, 10.5)
    assert raw["programId"] == DEMO_PROGRAM_ID
    assert (raw["pointTypeName"], raw["pointTypeIsRedeemable"]) == ("Main", True)
    assert (raw["sourceType"], raw["type"], raw["isReferrer"]) == ("Bill", "AWARD", False)
    awarded = dt.datetime.fromisoformat(raw["awardedOn"])
    expires = dt.datetime.fromisoformat(raw["expiryDate"])
    assert (expires.date() - awarded.date()).days == 365
    assert raw["expiryDateMillis"] == int(expires.timestamp() * 1000)
    assert set(raw) >= {"awardStrategyId", "awardedOnMillis", "expiryStrategyId", "lineItemId"}
    assert set(raw) >= {"promoId", "ruleId"}


def test_answer_without_raw_side_effects_by_default(api: Api) -> None:
    cid, mobile = customer(api)
    answer = ok(post(api, mobile, purchase(100)))
    assert "rawSideEffects" not in answer
    assert answer["errors"] == []
    assert answer["warnings"] == []
    assert answer["customerInfo"] == {"firstName": "Tom", "lastName": "Sawyer"}
    (details,) = answer["loyaltyDetails"]
    assert details["programId"] == DEMO_PROGRAM_ID
    assert details["loyaltyId"] == cid
    assert details["cumulativePurchases"] == 100


@pytest.mark.parametrize(
    ("query", "headers"),
    [("&use_async=true", {}), ("", {"X-CAP-DIRECT-REPLAY": "true"})],
    ids=["use_async", "direct_replay"],
)
def test_deferred_loyalty_answers_no_side_effects_but_earns_at_once(
    api: Api, db: Database, query: str, headers: dict[str, str]
) -> None:
    cid, mobile = customer(api)
    before = points(db, api.org.org_id, cid)
    answer = ok(post(api, mobile, purchase(1000), query + "&rawSideEffects=true", headers=headers))
    assert answer["sideEffects"] == []
    assert answer["rawSideEffects"] == []
    assert points(db, api.org.org_id, cid) == before + 10


def test_customer_found_by_id(api: Api, db: Database) -> None:
    cid, _ = customer(api)
    response = api.post(
        f"/v2/transactions?identifierName=id&identifierValue={cid}", json=purchase(300)
    )
    assert points_effect(response) == 3
    assert bill(db, response.json()["createdId"]).customer_id == cid


def test_customer_found_without_a_source(api: Api) -> None:
    _, mobile = customer(api)
    response = api.post(
        f"/v2/transactions?identifierName=mobile&identifierValue={mobile}", json=purchase(300)
    )
    assert points_effect(response) == 3


# Bills that earn nothing


def test_not_interested_bill_earns_nothing_and_takes_its_number(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(100)))
    before = account(db, api.org.org_id, cid)
    body = {"type": "NOT_INTERESTED", "billNumber": "NI-1", "billAmount": 5000}
    answer = ok(post(api, mobile, {**body, "notInterestedReason": "no card"}))
    assert answer["sideEffects"] == []
    after = account(db, api.org.org_id, cid)
    assert before is not None
    assert after is not None
    assert (after.points, after.purchases) == (before.points, before.purchases)
    stored = bill(db, answer["createdId"])
    assert (stored.type, stored.points, stored.program_id) == ("NOT_INTERESTED", Decimal(0), None)
    assert stored.details["notInterestedReason"] == "no card"
    again = post(api, mobile, purchase(100, "NI-1"))
    assert (again.status_code, codes(again)) == (409, [604])


def test_non_loyalty_customer_earns_nothing(api: Api, db: Database) -> None:
    cid, mobile = customer(api, loyalty=False)
    answer = ok(post(api, mobile, purchase(20000)))
    assert answer["sideEffects"] == []
    assert account(db, api.org.org_id, cid) is None
    stored = bill(db, answer["createdId"])
    assert (stored.amount, stored.points, stored.program_id) == (Decimal(20000), Decimal(0), None)
    assert all(item["loyaltyId"] == -1 for item in answer["loyaltyDetails"])


# Bill numbers


def test_bill_number_twice_answers_604_and_earns_once(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(1000, "DUP-1")))
    before = points(db, api.org.org_id, cid)
    again = post(api, mobile, purchase(2000, "DUP-1"))
    assert (again.status_code, codes(again)) == (409, [604])
    _, other_mobile = customer(api)
    assert codes(post(api, other_mobile, purchase(2000, "DUP-1"))) == [604]
    assert points(db, api.org.org_id, cid) == before
    with unit_of_work(db.read_session) as session:
        bills = session.scalars(
            select(Bill).where(Bill.org_id == api.org.org_id, Bill.bill_number == "DUP-1")
        ).all()
        assert [(b.customer_id, b.amount) for b in bills] == [(cid, Decimal(1000))]


def test_bill_number_is_trimmed_and_numbers_are_accepted(api: Api, db: Database) -> None:
    _, mobile = customer(api)
    answer = ok(post(api, mobile, {"type": "regular", "billNumber": 12345, "billAmount": "99.5"}))
    stored = bill(db, answer["createdId"])
    assert (stored.bill_number, stored.amount) == ("12345", Decimal("99.5"))
    assert codes(post(api, mobile, purchase(1, " 12345 "))) == [604]


# What the bill keeps


def test_details_keep_lines_payments_and_statuses(api: Api, db: Database) -> None:
    _, mobile = customer(api)
    body = purchase(
        900,
        billingDate="2025-03-01T10:00:00+05:30",
        discount=100,
        grossAmount=1000,
        note="gift",
        deliveryStatus="shipped",
        outlierStatus="NORMAL",
        currencyCode="INR",
        paymentModes=[{"mode": "CARD", "value": 900, "attributes": {"bank": "X"}}],
        lineItemsV2=[
            {
                "itemCode": "SKU1",
                "rate": 500,
                "qty": 2,
                "value": 1000,
                "discount": 100,
                "amount": 900,
            }
        ],
    )
    stored = bill(db, ok(post(api, mobile, body))["createdId"])
    assert stored.billing_date == dt.datetime(2025, 3, 1, 4, 30, tzinfo=dt.UTC)
    assert stored.details["deliveryStatus"] == "SHIPPED"
    assert stored.details["outlierStatus"] == "NORMAL"
    assert stored.details["paymentModes"] == [
        {"mode": "CARD", "value": 900.0, "attributes": {"bank": "X"}}
    ]
    (line,) = stored.details["lineItemsV2"]
    assert (line["itemCode"], line["amount"], line["qty"]) == ("SKU1", 900.0, 2.0)
    assert (stored.details["note"], stored.details["currencyCode"]) == ("gift", "INR")


def test_custom_fields_keep_scalars_and_warn_669_for_others(api: Api, db: Database) -> None:
    _, mobile = customer(api)
    body = purchase(100, customFields={"channel": "app", "count": 3, "nested": {"a": 1}})
    response = post(api, mobile, body)
    assert warning_codes(response) == [669]
    stored = bill(db, response.json()["createdId"])
    assert stored.details["customFields"] == {"channel": "app", "count": 3}


def test_extended_fields_outside_the_transaction_catalogue_warn_91016(
    api: Api, db: Database
) -> None:
    _, mobile = customer(api)
    # ``city`` is a customer extended field of the demo catalogue, not a transaction one.
    body = purchase(100, extendedFields={"city": "Pune", "store_type": "mall"})
    body["lineItemsV2"] = [{"itemCode": "A", "amount": 100, "extendedFields": {"colour": "red"}}]
    response = post(api, mobile, body)
    assert warning_codes(response) == [91016, 91016, 91016]
    stored = bill(db, response.json()["createdId"])
    assert "extendedFields" not in stored.details
    assert "extendedFields" not in stored.details["lineItemsV2"][0]


def test_redemptions_are_tagged_to_the_bill(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(10000)))
    now = dt.datetime.now(dt.UTC)
    with unit_of_work(db.write_session) as session:
        found = ledger.find_account(session, api.org.org_id, cid, DEMO_PROGRAM_ID, lock=True)
        assert found is not None
        posting = Posting(Cause.MANUAL, None, None, now)
        entry = ledger.debit(session, found, Kind.REDEMPTION, Decimal(50), posting)
        redemption = Redemption(
            org_id=api.org.org_id,
            customer_id=cid,
            account_id=found.id,
            program_id=DEMO_PROGRAM_ID,
            points=Decimal(50),
            entry_id=entry.id,
            till_id=1,
            created_at=now,
        )
        session.add(redemption)
        session.flush()
        redemption_id = redemption.id
    body = purchase(100, "TAGGED", redemptions={"pointsRedemptions": [redemption_id, 99999999]})
    response = post(api, mobile, body)
    assert warning_codes(response) == [901]
    with unit_of_work(db.read_session) as session:
        tagged = session.get(Redemption, redemption_id)
        assert tagged is not None
        assert tagged.bill_number == "TAGGED"


def test_program_id_names_the_program(api: Api) -> None:
    _, mobile = customer(api)
    assert points_effect(post(api, mobile, purchase(700, programId=DEMO_PROGRAM_ID))) == 7


# Input codes


def _future() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()


def assert_refused(api: Api, db: Database, changes: list[dict[str, Any]], code: int) -> None:
    """Post a purchase with each change; each must be refused with ``code`` and earn nothing."""
    cid, mobile = customer(api)
    before = points(db, api.org.org_id, cid)
    for change in changes:
        body = {**purchase(1000), **change}
        response = post(api, mobile, {k: v for k, v in body.items() if v is not None})
        assert (response.status_code, codes(response)) == (400, [code]), (change, response.text)
    assert points(db, api.org.org_id, cid) == before


def test_bad_bill_amount_answers_601(api: Api, db: Database) -> None:
    amounts = [-1, "NaN", "Infinity", 1e300, 1_000_000_001, "lots", True, {}, 10.0001, None]
    assert_refused(api, db, [{"billAmount": value} for value in amounts], 601)


def test_bad_bill_number_answers_602(api: Api, db: Database) -> None:
    numbers = ["", "   ", "x" * 101, None]
    assert_refused(api, db, [{"billNumber": value} for value in numbers], 602)


def test_bad_type_answers_605(api: Api, db: Database) -> None:
    types: list[Any] = [None, "SALE", 3, []]
    assert_refused(api, db, [{"type": value} for value in types], 605)


def test_billing_date_more_than_a_day_ahead_answers_621(api: Api, db: Database) -> None:
    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=1)).isoformat()
    assert_refused(api, db, [{"billingDate": ahead}], 621)
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)).isoformat()
    _, mobile = customer(api)
    ok(post(api, mobile, purchase(100, billingDate=soon)))


def test_unknown_program_answers_1101(api: Api, db: Database) -> None:
    assert_refused(api, db, [{"programId": value} for value in (99, "abc", 1.5, 0)], 1101)


def test_malformed_fields_answer_400(api: Api, db: Database) -> None:
    changes: list[dict[str, Any]] = [
        {"billingDate": "yesterday"},
        {"deliveryStatus": "LOST"},
        {"outlierStatus": "WEIRD"},
        {"notInterestedReason": "x" * 256},
        {"lineItemsV2": {"itemCode": "A"}},
        {"paymentModes": [{"value": "much"}]},
        {"customFields": ["a"]},
    ]
    assert_refused(api, db, changes, 400)


def test_missing_identifier_answers_606(api: Api) -> None:
    for query in (
        "?identifierValue=919800000000&source=INSTORE",
        "?identifierName=mobile&source=INSTORE",
        "?identifierName=mobile&identifierValue=&source=INSTORE",
        "",
    ):
        response = api.post("/v2/transactions" + query, json=purchase(100))
        assert (response.status_code, codes(response)) == (400, [606]), query


def test_unknown_customer_or_identifier_is_refused(api: Api) -> None:
    for query, status, code in (
        ("identifierName=mobile&identifierValue=919999999999&source=INSTORE", 404, 8015),
        ("identifierName=id&identifierValue=999999999&source=INSTORE", 404, 8015),
        ("identifierName=id&identifierValue=abc", 404, 8015),
        ("identifierName=shoe&identifierValue=42&source=INSTORE", 400, 8013),
        ("identifierName=mobile&identifierValue=919999999999&source=MOON", 400, 8012),
    ):
        response = api.post(f"/v2/transactions?{query}", json=purchase(100))
        assert (response.status_code, codes(response)) == (status, [code]), query


def test_bad_body_json_type_answers_400(api: Api) -> None:
    _, mobile = customer(api)
    response = post(api, mobile, [purchase(100)])  # type: ignore[arg-type]
    assert (response.status_code, codes(response)) == (400, [400])


def test_one_award_entry_per_bill(api: Api, db: Database) -> None:
    _, mobile = customer(api)
    bill_id = ok(post(api, mobile, purchase(1000)))["createdId"]
    with unit_of_work(db.read_session) as session:
        keys = session.scalars(
            select(Entry.key).where(Entry.org_id == api.org.org_id, Entry.cause_id == bill_id)
        ).all()
    assert keys == [f"bill:{bill_id}:award"]
