"""Rules of redemption, its reversal, and negative (manual) points adjustment.

Every write locks the customer's account first, checks the balance under that lock and goes
through the ledger, so two requests spending the same points cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.lookup import follow_merges
from patron.customers.models import Customer
from patron.errors import Conflict, Invalid, NotFound, Notice, PatronError
from patron.kit import clock
from patron.kit.ids import parse_id
from patron.loyalty import accounts, ledger, members, pooling
from patron.loyalty.ledger import Cause, InsufficientPoints, Kind, Posting
from patron.loyalty.models import ZERO, Account, Redemption
from patron.loyalty.redemptions import repository
from patron.loyalty.redemptions.inputs import identify, positive_points, program_id
from patron.loyalty.redemptions.schemas import AdjustIn, RedeemIn, ReverseIn
from patron.orgs.catalog import Source, parse_source
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program

INVALID_INPUT = 400
CUSTOMER_FRAUD = 809
INVALID_SOURCE = 8012
INVALID_POINTS = 801
NOT_A_MULTIPLE = 807
ABOVE_MAXIMUM = 819
BELOW_MINIMUM = 821
REFERENCE_USED = 409
INVALID_REDEMPTION_ID = 901
UNKNOWN_REDEMPTION = 902
INVALID_CUSTOMER = 903
OTHER_CUSTOMER = 904
MORE_THAN_LEFT = 905
ALREADY_REVERSED = 3802
POINTS = "POINTS"


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def check_points(program: Program, value: Any) -> Decimal:
    """Return the points to redeem if the program's redemption rules allow them."""
    points = positive_points(value, INVALID_POINTS, "points")
    rules = program.redemption
    if rules.multiples_of is not None and points % rules.multiples_of != 0:
        raise Invalid(NOT_A_MULTIPLE, f"Points must be in multiples of {_fmt(rules.multiples_of)}")
    if points < rules.minimum:
        raise Invalid(
            BELOW_MINIMUM, f"Points are below the minimum redeemable ({_fmt(rules.minimum)})"
        )
    if rules.maximum is not None and points > rules.maximum:
        raise Invalid(
            ABOVE_MAXIMUM,
            f"Points are above the maximum redeemable in one redemption ({_fmt(rules.maximum)})",
        )
    return points


def _source(text: str | None) -> Source:
    if text is None or not text.strip():
        return Source.INSTORE
    source = parse_source(text)
    if source is None:
        raise Invalid(INVALID_SOURCE, f"Invalid source passed: {text}")
    return source


def _require_points_type(redemption_type: str | None) -> None:
    if redemption_type is not None and redemption_type.strip().upper() != POINTS:
        raise Invalid(INVALID_INPUT, "Input is invalid: redemptionType must be POINTS")


def _require_balance(account: Account | None, points: Decimal) -> Account:
    available = account.points if account is not None else ZERO
    if account is None or available < points:
        raise InsufficientPoints(available)
    return account


def _render_redemption(
    org: OrgConfig,
    program: Program,
    customer_id: int,
    points: Decimal,
    balance: Decimal,
    commit: bool,
    redemption: Redemption | None,
    *,
    bill_number: str | None,
    reference: str | None,
    warnings: list[Notice] | None = None,
) -> dict[str, Any]:
    return {
        "redemptionId": redemption.id if redemption is not None else None,
        "customerId": customer_id,
        "points": ledger.render_points(points),
        "pointsToCurrency": ledger.render_points(points * program.points_to_currency_ratio),
        "balance": ledger.render_points(balance),
        "programId": program.program_id,
        "transactionNumber": bill_number,
        "externalReferenceNumber": reference,
        "commit": commit,
        "redeemedOn": clock.iso(redemption.created_at, org.zone) if redemption else None,
        "warnings": [w.as_dict() for w in warnings or []],
        "errors": [],
    }


def _replay(
    org: OrgConfig,
    program: Program,
    earlier: Redemption,
    customer: Customer,
    points: Decimal,
    account: Account | None,
    commit: bool,
) -> dict[str, Any]:
    """Answer a repeated ``externalReferenceNumber`` with the redemption it already made."""
    reference = earlier.external_reference
    same = (
        earlier.customer_id == customer.id
        and earlier.program_id == program.program_id
        and earlier.points == points
    )
    if not same:
        raise Conflict(
            REFERENCE_USED,
            f"externalReferenceNumber {reference} is already used by redemption {earlier.id} "
            "of other points or another customer; nothing was redeemed",
        )
    warning = Notice(
        REFERENCE_USED,
        f"Already redeemed under externalReferenceNumber {reference}: this is redemption "
        f"{earlier.id}, nothing was redeemed again",
    )
    balance = account.points if account is not None else ZERO
    return _render_redemption(
        org,
        program,
        customer.id,
        earlier.points,
        balance,
        commit,
        earlier,
        bill_number=earlier.bill_number,
        reference=reference,
        warnings=[warning],
    )


def redeem(
    session: Session, principal: Principal, customer_id: int, body: RedeemIn
) -> dict[str, Any]:
    """Redeem points of a customer (``commit: false`` checks every rule and writes nothing).

    A repeated ``externalReferenceNumber`` answers the redemption it made, with warning 409,
    when it names the same customer, program and points; otherwise it is refused with 409.
    """
    org = principal.org
    at = clock.now()
    _require_points_type(body.redemption_type)
    source = _source(body.source)
    customer = members.by_id(session, org, customer_id)
    program = accounts.require_program(org, program_id(body.program_id))
    members.require_loyalty(customer)
    members.refuse_fraud(org, customer, CUSTOMER_FRAUD)
    pooling.refuse_blocked(session, org, customer.id, pooling.Action.REDEMPTION)
    points = check_points(program, body.points)
    reference = (body.external_reference_number or "").strip() or None
    bill_number = (body.transaction_number or "").strip() or None
    # The lock comes before the reference and balance checks: a concurrent redemption of the
    # same account (or under the same reference) is seen once it has committed.
    account = ledger.find_account(
        session, org.id, customer.id, program.program_id, lock=body.commit
    )
    if reference is not None:
        earlier = repository.find_by_reference(session, org.id, reference)
        if earlier is not None:
            return _replay(org, program, earlier, customer, points, account, body.commit)
    account = _require_balance(account, points)
    if not body.commit:
        return _render_redemption(
            org,
            program,
            customer.id,
            points,
            account.points - points,
            False,
            None,
            bill_number=bill_number,
            reference=reference,
        )
    posting = Posting(
        cause=Cause.REDEMPTION,
        cause_id=None,
        till_id=principal.till_id,
        at=at,
        key=f"redemption:{reference}" if reference is not None else None,
    )
    try:
        with session.begin_nested():
            entry = ledger.debit(session, account, Kind.REDEMPTION, points, posting)
            redemption = repository.add_redemption(
                session,
                Redemption(
                    org_id=org.id,
                    customer_id=customer.id,
                    account_id=account.id,
                    program_id=program.program_id,
                    points=points,
                    reversed=ZERO,
                    bill_number=bill_number,
                    external_reference=reference,
                    entry_id=entry.id,
                    till_id=principal.till_id,
                    source=source.value,
                    created_at=at,
                ),
            )
            # The row needs its entry's id, so the entry is written first and names its
            # cause in the same unit of work.
            entry.cause_id = redemption.id
            session.flush()
    except IntegrityError as error:
        raise Conflict(
            REFERENCE_USED,
            f"externalReferenceNumber {reference} was used by a concurrent redemption; "
            "nothing was redeemed",
        ) from error
    return _render_redemption(
        org,
        program,
        customer.id,
        points,
        account.points,
        True,
        redemption,
        bill_number=bill_number,
        reference=reference,
    )


def _redemption_id(value: Any) -> int:
    redemption_id = parse_id(value)
    if redemption_id is None:
        raise Invalid(INVALID_REDEMPTION_ID, f"Invalid redemption id: {value!r}")
    return redemption_id


def _owner(session: Session, org: OrgConfig, redemption: Redemption) -> Customer:
    """Return the customer holding the redemption's points now (a merge's survivor)."""
    customer = session.get(Customer, redemption.customer_id)
    if customer is None:
        raise NotFound(UNKNOWN_REDEMPTION, f"Redemption {redemption.id} not found")
    return follow_merges(session, org.id, customer)


def _check_identifier(session: Session, org: OrgConfig, body: ReverseIn, owner: Customer) -> None:
    if body.identifier is None:
        return
    try:
        named = identify(session, org, body.identifier.type, body.identifier.value)
    except PatronError as error:
        kind = NotFound if isinstance(error, NotFound) else Invalid
        raise kind(INVALID_CUSTOMER, f"Invalid customer identifier: {error.message}") from error
    if named.id != owner.id:
        raise Invalid(
            OTHER_CUSTOMER, "The redemption does not belong to the customer the identifier names"
        )


def reversal_expiry(
    session: Session, org: OrgConfig, program: Program, redemption: Redemption, at: dt.datetime
) -> dt.datetime | None:
    """Return when reversed points expire: the latest expiry of the lots the redemption took
    (never, if one never expires), or the program's expiry from ``at`` when that has passed."""
    expiries = [lot.expires_at for _, lot in ledger.moves_of_entry(session, redemption.entry_id)]
    if expiries and None in expiries:
        return None
    latest = max((e for e in expiries if e is not None), default=None)
    if latest is not None and latest > at:
        return latest
    return program.expiry.expires_at(at, org.zone)


def reverse(session: Session, principal: Principal, body: ReverseIn) -> dict[str, Any]:
    """Give back part or all (``pointsToBeReversed`` absent) of what a redemption took."""
    org = principal.org
    at = clock.now()
    redemption_id = _redemption_id(body.redemption_id)
    wanted = (
        None
        if body.points_to_be_reversed is None
        else positive_points(body.points_to_be_reversed, INVALID_POINTS, "pointsToBeReversed")
    )
    redemption = repository.get_redemption(session, org.id, redemption_id)
    if redemption is None:
        raise NotFound(UNKNOWN_REDEMPTION, f"Redemption {redemption_id} not found")
    owner = _owner(session, org, redemption)
    _check_identifier(session, org, body, owner)
    program = accounts.require_program(org, redemption.program_id)
    account = accounts.enrol(session, org, program, owner.id, at)
    repository.lock_redemption(session, redemption)
    left = redemption.points - redemption.reversed
    if left <= 0:
        raise Invalid(ALREADY_REVERSED, f"Redemption {redemption.id} is already reversed")
    points = left if wanted is None else wanted
    if points > left:
        raise Invalid(
            MORE_THAN_LEFT,
            f"Points to be reversed are more than the {_fmt(left)} left to reverse "
            f"of redemption {redemption.id}",
        )
    posting = Posting(
        cause=Cause.REDEMPTION, cause_id=redemption.id, till_id=principal.till_id, at=at
    )
    expires_at = reversal_expiry(session, org, program, redemption, at)
    entry, _ = ledger.credit(
        session, account, Kind.REVERSAL, points, posting, expires_at=expires_at
    )
    redemption.reversed += points
    session.flush()
    identifier = body.identifier
    return {
        "redemptionId": redemption.id,
        "pointsToBeReversed": ledger.render_points(points),
        "orgId": org.id,
        "identifier": None
        if identifier is None
        else {"type": identifier.type, "value": identifier.value},
        "customerId": owner.id,
        "pointsReversed": ledger.render_points(points),
        "reversalId": entry.id,
        "warnings": [],
    }


def adjust(
    session: Session,
    principal: Principal,
    source: str | None,
    account_id: str | None,
    identifier_name: str | None,
    identifier_value: str | None,
    body: AdjustIn,
) -> dict[str, Any]:
    """Deduct points from the customer holding an identifier (a manual correction)."""
    org = principal.org
    at = clock.now()
    points = positive_points(body.points_to_be_adjusted, INVALID_POINTS, "pointsToBeAdjusted")
    reason = (body.reason_of_return or "").strip()
    if not reason:
        raise Invalid(INVALID_INPUT, "Input is invalid: reasonOfReturn is required")
    customer = members.by_identifier(
        session, org, source, account_id, identifier_name, identifier_value
    )
    program = accounts.require_program(org, program_id(body.program_id))
    members.require_loyalty(customer)
    found = ledger.find_account(session, org.id, customer.id, program.program_id, lock=True)
    account = _require_balance(found, points)
    posting = Posting(
        cause=Cause.MANUAL, cause_id=None, till_id=principal.till_id, at=at, notes=reason
    )
    entry = ledger.debit(session, account, Kind.ADJUSTMENT, points, posting)
    return {
        "adjustmentId": entry.id,
        "customerId": customer.id,
        "programId": program.program_id,
        "pointsAdjusted": ledger.render_points(points),
        "balance": ledger.render_points(account.points),
        "reasonOfReturn": reason,
        "adjustedOn": clock.iso(at, org.zone),
        "warnings": [],
        "errors": [],
    }
