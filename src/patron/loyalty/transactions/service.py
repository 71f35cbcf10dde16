"""Transactions: find the customer, check the body, write the bill and its points, answer.

A bill and its points are written in one unit of work (the caller's); a bulk call gives each
item a savepoint of its own so one failing undoes none of the others. Points only move
through the ledger: purchases earn in ``bills``, returns take back in ``returns``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.errors import Invalid, NotFound, Notice, PatronError
from patron.kit import clock
from patron.kit.ids import MAX_ID, parse_id
from patron.kit.numbers import decimal_of as number
from patron.loyalty import members, rewards
from patron.loyalty.transactions import repository
from patron.loyalty.transactions.bills import (
    Context,
    Outcome,
    add_not_interested,
    add_purchase,
)
from patron.loyalty.transactions.inputs import BillType, Transaction, read_transaction
from patron.loyalty.transactions.returns import add_return
from patron.loyalty.transactions.schemas import BulkTransactionIn, TransactionIn
from patron.loyalty.views import loyalty_details, loyalty_details_with
from patron.orgs.catalog import parse_source
from patron.orgs.config import OrgConfig

IDENTIFIER_MISSING = 606
BATCH_LIMIT = 672
UNKNOWN_REDEMPTION = 901
CUSTOMER_NOT_FOUND = 8015
CUSTOMER_FRAUD = 618
INVALID_INPUT = 400
MAX_BULK = 100
ALL_SOURCES = "ALL"
DEFAULT_SOURCE = "INSTORE"
ID = "id"


@dataclass(frozen=True)
class Lookup:
    """Whose transaction it is: an identifier, in a source (None: any source)."""

    identifier_name: str | None
    identifier_value: str | None
    source: str | None
    account_id: str | None


@dataclass(frozen=True)
class Options:
    """How to answer: with ``rawSideEffects``, and whether loyalty was asked to run later
    (``use_async``, ``X-CAP-DIRECT-REPLAY``): patron writes everything before answering all
    the same, and then lists no side effects."""

    raw: bool = False
    deferred: bool = False


def add_transaction(
    session: Session, principal: Principal, lookup: Lookup, body: TransactionIn, options: Options
) -> dict[str, Any]:
    """Add one transaction of the customer ``lookup`` names; return the documented answer."""
    outcome = _record(session, principal, lookup, body, clock.now(), in_bulk=False)
    return _answer(session, principal.org, outcome, options)


def add_transactions(
    session: Session, principal: Principal, items: list[Any], options: Options
) -> tuple[dict[str, Any], bool]:
    """Add 1 to 100 transactions, each on its own; return the answer and whether any was
    stored."""
    if not items:
        raise Invalid(INVALID_INPUT, "Input is invalid: the batch has no transactions")
    if len(items) > MAX_BULK:
        raise Invalid(BATCH_LIMIT, f"Batch limit exceeded: at most {MAX_BULK} transactions")
    at = clock.now()
    results: list[dict[str, Any]] = []
    for item in items:
        try:
            body = _bulk_item(item)
            lookup = Lookup(
                body.identifier_type, body.identifier_value, body.source, body.account_id
            )
            with session.begin_nested():
                outcome = _record(session, principal, lookup, body, at, in_bulk=True)
                answer = _answer(session, principal.org, outcome, options)
        except PatronError as error:
            results.append(
                {
                    "entityId": None,
                    "result": None,
                    "errors": [error.notice.as_dict()],
                    "warnings": [w.as_dict() for w in error.warnings],
                }
            )
            continue
        results.append(
            {
                "entityId": outcome.bill.id,
                "result": answer,
                "errors": [],
                "warnings": answer["warnings"],
            }
        )
    failures = sum(1 for r in results if r["errors"])
    answer = {"response": results, "totalCount": len(results), "failureCount": failures}
    return answer, failures < len(results)


def _bulk_item(item: Any) -> BulkTransactionIn:
    if not isinstance(item, dict):
        raise Invalid(INVALID_INPUT, "Input is invalid: a transaction must be a JSON object")
    try:
        return BulkTransactionIn.model_validate(item)
    except ValidationError as exc:
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
            for err in exc.errors()[:5]
        ]
        raise Invalid(INVALID_INPUT, "Input is invalid. " + "; ".join(parts)) from None


def _record(
    session: Session,
    principal: Principal,
    lookup: Lookup,
    body: TransactionIn,
    at: dt.datetime,
    *,
    in_bulk: bool,
) -> Outcome:
    """Check and write one transaction: identifier (606), body, customer, then the bill."""
    org = principal.org
    if not (lookup.identifier_name or "").strip() or not (lookup.identifier_value or "").strip():
        raise Invalid(
            IDENTIFIER_MISSING,
            "Customer identifier is missing: identifierName and identifierValue are required",
        )
    transaction = read_transaction(org, body, at)
    customer = _customer(session, org, lookup, in_bulk=in_bulk)
    members.refuse_fraud(org, customer, CUSTOMER_FRAUD)
    source = parse_source(lookup.source)
    context = Context(
        principal=principal,
        customer=customer,
        transaction=transaction,
        at=at,
        source=source.value if source is not None else DEFAULT_SOURCE,
    )
    _tag_redemptions(session, org, customer, transaction)
    if transaction.type is BillType.REGULAR:
        outcome = add_purchase(session, context)
        outcome.rewards.extend(rewards.reward_purchase(session, principal, outcome.bill))
        return outcome
    if transaction.type is BillType.NOT_INTERESTED:
        return add_not_interested(session, context)
    return add_return(session, context)


def _customer(session: Session, org: OrgConfig, lookup: Lookup, *, in_bulk: bool) -> Customer:
    """Find the customer: ``id`` by customer id, other names through their identifier."""
    name = (lookup.identifier_name or "").strip()
    value = (lookup.identifier_value or "").strip()
    if name.lower() == ID:
        customer_id = parse_id(value)
        if customer_id is None:
            raise NotFound(CUSTOMER_NOT_FOUND, f"Customer not found: no customer has id {value!r}")
        return members.by_id(session, org, customer_id)
    # Without a source the identifier is looked for in every source (bulk items need one).
    source = lookup.source if in_bulk or lookup.source else ALL_SOURCES
    return members.by_identifier(session, org, source, lookup.account_id, name, value)


def _tag_redemptions(
    session: Session, org: OrgConfig, customer: Customer, transaction: Transaction
) -> None:
    """Tag the customer's redemptions to the bill number; an id that is none of theirs warns
    901. Done before any points move, so the locks are taken in the order reversals take them."""
    for value in transaction.redemption_ids:
        parsed = number(value)
        redemption = None
        if parsed is not None and parsed == parsed.to_integral_value() and 1 <= parsed <= MAX_ID:
            redemption = repository.find_redemption(session, org.id, customer.id, int(parsed))
        if redemption is None:
            transaction.warnings.append(
                Notice(
                    UNKNOWN_REDEMPTION,
                    f"Invalid redemption id {value!r}: it is not tagged to the bill",
                )
            )
            continue
        redemption.bill_number = transaction.bill_number
    if transaction.redemption_ids:
        session.flush()


def _answer(session: Session, org: OrgConfig, outcome: Outcome, options: Options) -> dict[str, Any]:
    """Render the documented answer of one transaction."""
    side_effects: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    if outcome.earning is not None:
        side_effects = outcome.earning.side_effects(outcome.entity_type)
        if outcome.earning.award is not None:
            raw = [outcome.earning.award.raw_side_effect(org.zone)]
    elif outcome.taken is not None:
        side_effects = [outcome.taken.side_effect(outcome.entity_type)]
        raw = [outcome.taken.raw_side_effect(org.zone)]
    side_effects = [*side_effects, *outcome.rewards]
    if options.deferred:
        side_effects, raw = [], []
    customer_id = outcome.customer.id
    first, last = members.names(session, {customer_id}).get(customer_id, ("", ""))
    answer: dict[str, Any] = {
        "createdId": outcome.bill.id,
        "warnings": [w.as_dict() for w in outcome.warnings],
        "errors": [],
        "sideEffects": side_effects,
    }
    if options.raw:
        answer["rawSideEffects"] = raw
    answer["loyaltyDetails"] = (
        loyalty_details(session, org, customer_id)
        if outcome.account is None
        else loyalty_details_with(session, org, customer_id, outcome.account)
    )
    answer["customerInfo"] = {"firstName": first, "lastName": last}
    return answer
