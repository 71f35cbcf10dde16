"""Returns: a bill of its own against the customer's purchase (or not-interested bill).

A return of a purchase that earned takes its points back pro rata, ``round(points *
returned / amount)`` by the program's rounding, at most what is left of them (all of it when
the return ends the purchase). The purchase's own award lots go first; points already spent
are not taken (the debit is partial), and ``points_returned`` records what was. The
customer's purchases drop by the returned amount; the tier is never lowered by a return.
A purchase that earned for a user group is returned from the group's account.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from sqlalchemy.orm import Session

from patron.errors import Invalid, NotFound
from patron.loyalty import ledger
from patron.loyalty.accounts import Award
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import ZERO, Bill
from patron.loyalty.transactions import repository
from patron.loyalty.transactions.bills import Context, Outcome, new_bill
from patron.loyalty.transactions.inputs import INVALID_AMOUNT, BillType, ReturnType, Transaction
from patron.orgs.programs import EarnRules

BILL_NOT_FOUND = 625
RETURN_EXCEEDS = 626
THOUSANDTH = Decimal("0.001")
# Rounding of returned points when the purchase's program has left the org file.
DEFAULT_RULES = EarnRules()


def add_return(session: Session, context: Context) -> Outcome:
    """Store a RETURN of the customer's purchase, or a NOT_INTERESTED_RETURN of their
    not-interested bill, and take back the points it earned."""
    transaction = context.transaction
    returns = BillType.REGULAR if transaction.type is BillType.RETURN else BillType.NOT_INTERESTED
    original = repository.find_numbered_bill(
        session, context.org.id, transaction.bill_number, lock=True
    )
    if original is None or original.customer_id != context.customer.id or original.type != returns:
        raise NotFound(
            BILL_NOT_FOUND,
            f"Bill not found: the customer has no {returns.value} bill {transaction.bill_number}",
        )
    returned = returned_amount(transaction, original.amount - original.amount_returned)
    assert transaction.return_type is not None
    bill = new_bill(
        context,
        returned,
        purchase_key=None,
        parent_id=original.id,
        return_type=transaction.return_type.value,
        program_id=original.program_id,
        group_id=original.group_id,
    )
    repository.add_bill(session, bill)
    original.amount_returned += returned
    ends = transaction.return_type.is_whole or original.amount_returned >= original.amount
    outcome = Outcome(bill=bill, customer=context.customer, warnings=transaction.warnings)
    if original.program_id is not None:
        outcome.taken = _take_back(session, context, original, bill, ends=ends)
    session.flush()
    return outcome


def returned_amount(transaction: Transaction, left: Decimal) -> Decimal:
    """Return how much of what is ``left`` of the bill the return takes (626 beyond it)."""
    kind = transaction.return_type
    assert kind is not None
    if kind.is_whole:
        if left <= 0:
            raise Invalid(
                RETURN_EXCEEDS,
                f"Return exceeds the purchase: bill {transaction.bill_number} is fully returned",
            )
        return left
    if kind is ReturnType.LINE_ITEM:
        wanted = transaction.lines_amount
    else:
        assert transaction.amount is not None
        wanted = transaction.amount
        if wanted <= 0:
            raise Invalid(
                INVALID_AMOUNT, "Invalid bill amount: an AMOUNT return needs a billAmount above 0"
            )
    if wanted > left:
        raise Invalid(
            RETURN_EXCEEDS,
            f"Return exceeds the purchase: {ledger.render_points(wanted)} returned, "
            f"{ledger.render_points(left)} left of bill {transaction.bill_number}",
        )
    return wanted


def _take_back(
    session: Session, context: Context, original: Bill, bill: Bill, *, ends: bool
) -> Award | None:
    """Take the purchase's points back for its return ``bill``; render it as a negative award."""
    org = context.org
    assert original.program_id is not None
    if original.group_id is not None:
        account = ledger.find_group_account(
            session, org.id, original.group_id, original.program_id, lock=True
        )
    else:
        account = ledger.find_account(
            session, org.id, original.customer_id, original.program_id, lock=True
        )
    if account is None:
        return None
    program = org.program(original.program_id)
    rules = program.earning if program is not None else DEFAULT_RULES
    left = original.points - original.points_returned
    takes_all = ends or original.amount <= 0
    raw = left if takes_all else original.points * bill.amount / original.amount
    wanted = min(rules.rounded(raw), left)
    award = repository.find_entry(session, org.id, f"bill:{original.id}:award")
    own_lots = [lot.id for lot in ledger.lots_of_entry(session, award.id)] if award else []
    posting = Posting(
        cause=Cause.BILL,
        cause_id=bill.id,
        till_id=context.principal.till_id,
        at=context.at,
        key=f"bill:{bill.id}:return",
    )
    entry = ledger.debit(
        session,
        account,
        Kind.RETURN,
        wanted,
        posting,
        first_lots=own_lots,
        with_delayed=True,
        partial=True,
    )
    taken = -(entry.points + entry.delayed)
    original.points_returned += taken
    bill.points = taken
    # The cache of the owner's purchases net of their returns.
    account.purchases = max(ZERO, account.purchases - bill.amount)
    return Award(
        entry=entry,
        lot=None,
        raw=-raw.quantize(THOUSANDTH, rounding=ROUND_DOWN),
        points=-taken,
        expires_at=None,
        program_id=original.program_id,
        bill_number=original.bill_number,
        extra={"type": "RETURN"},
    )
