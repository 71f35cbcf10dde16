"""Rules of loyalty requests: goodwill points, goodwill coupons and retro transactions, asked
for and decided.

A request is made by one till and decided by another (9051). Approving a goodwill request
credits its approved value through the ledger under the natural key ``request:<id>``, to its
customer or to its user group (``group_id``; filed under the group's primary member);
approving a retro request turns its not-interested bill into a purchase of the request's
customer, which then earns by the tier's rule under the bill's own award key. Either way the
decision and the points are written in one unit of work, so neither exists without the other.
Approving a goodwill coupon request issues one coupon of its series to its customer, in the
same unit of work, through the coupon issuer ``patron.loyalty.rewards`` holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.errors import Forbidden, Invalid, NotFound, Notice, PatronError
from patron.kit import clock
from patron.kit.ids import parse_id
from patron.loyalty import accounts, members, pooling, rewards
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import Account, Bill, Request
from patron.loyalty.pooling import CUSTOMER_ENTITY, USERGROUP2, GroupTags, GroupTarget
from patron.loyalty.requests import repository
from patron.loyalty.requests.inputs import (
    INVALID_GROUP,
    Identification,
    entity_type,
    find_customer,
    find_group,
    parse_kind,
    parse_points,
    parse_program,
    parse_series,
    upper,
)
from patron.loyalty.requests.repository import (
    APPROVED,
    GOODWILL_COUPON,
    GOODWILL_POINTS,
    GROUP_GOODWILL_POINTS,
    GROUP_POINTS,
    NOT_INTERESTED,
    PENDING,
    RETRO_BILL,
)
from patron.loyalty.requests.schemas import DecisionIn, RequestIn
from patron.orgs.programs import Program

INVALID_INPUT = 400
BILL_NOT_FOUND = 625
INVALID_PROGRAM = 1101
BATCH_TOO_LARGE = 1060
ADD_FAILED = 9009
REQUEST_NOT_FOUND = 9050
SAME_PRINCIPAL = 9051
INVALID_STATUS = 9052

MAX_BATCH = 10
REJECTED = "REJECTED"
REGULAR = "REGULAR"
AUTO_APPROVED = "AUTO_APPROVED"
# The status changes a decision may make; anything else answers 9052.
TRANSITIONS = frozenset({(PENDING, APPROVED), (PENDING, REJECTED), (REJECTED, PENDING)})


@dataclass
class Outcome:
    """What became of one item of a decision: the request's status now, or why it failed."""

    id: int | str | None
    status: str | None
    side_effects: list[dict[str, Any]] = field(default_factory=list)
    errors: list[Notice] = field(default_factory=list)

    @property
    def is_success(self) -> bool:
        """Whether the item was applied."""
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        """Render the item of the ``PUT /v2/requests`` answer."""
        return {
            "id": self.id,
            "status": self.status,
            "sideEffects": self.side_effects,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [],
        }


def _retro_bill(session: Session, org_id: int, body: RequestIn) -> Bill:
    """Find the not-interested bill a retro request converts (625, 9009)."""
    if body.transaction_id is not None and body.transaction_id.strip():
        bill_id = parse_id(body.transaction_id)
        bill = None if bill_id is None else repository.get_bill(session, org_id, bill_id)
        label = f"transactionId {body.transaction_id}"
    elif body.bill_number is not None and body.bill_number.strip():
        bill = repository.find_bill_by_number(session, org_id, body.bill_number.strip())
        label = f"billNumber {body.bill_number.strip()}"
    else:
        raise Invalid(
            INVALID_INPUT, "Input is invalid: a retro request needs transactionId or billNumber"
        )
    if bill is None:
        raise NotFound(BILL_NOT_FOUND, f"Bill not found: {label}")
    if bill.type != NOT_INTERESTED:
        raise Invalid(ADD_FAILED, f"Request not added: {label} is not a NOT_INTERESTED bill")
    if repository.has_live_retro(session, org_id, bill.id):
        raise Invalid(ADD_FAILED, f"Request not added: {label} already has a retro request")
    return bill


def create_request(
    session: Session, principal: Principal, body: RequestIn, query: Identification
) -> Request:
    """File a goodwill (POINTS or COUPON) or retro (RETRO) request for a loyalty customer, or
    a goodwill points request for a user group (``earningEntityType`` USERGROUP2).

    A goodwill request of a program that auto-approves goodwill is approved at once, by the
    till that made it, with the points (or the coupon series) asked for.
    """
    org = principal.org
    kind = parse_kind(body.type, body.base_type)
    entity = entity_type(body.earning_entity_type)
    if entity == USERGROUP2 and kind != GOODWILL_POINTS:
        raise Invalid(
            INVALID_INPUT, "Input is invalid: a user group takes goodwill points requests only"
        )
    points: Decimal | None = None
    series_id: int | None = None
    reason = body.reason or ""
    comments = body.comments or ""
    if kind in (GOODWILL_POINTS, GOODWILL_COUPON):
        goodwill = body.goodwill_request
        if goodwill is None:
            raise Invalid(INVALID_INPUT, "Input is invalid: goodwillRequest is required")
        if kind == GOODWILL_POINTS:
            points = parse_points(goodwill.points, "goodwillRequest.points")
        else:
            series_id = parse_series(session, org, goodwill.series_id)
        reason = goodwill.reason or reason
        comments = goodwill.comments or comments
    program = parse_program(org, body.program_id)
    group: GroupTarget | None = None
    if entity == USERGROUP2:
        group = find_group(session, org, body)
        assert group.customer_id is not None
        customer_id = group.customer_id
    else:
        customer = find_customer(session, org, body, query)
        members.require_loyalty(customer)
        customer_id = customer.id
    bill = _retro_bill(session, org.id, body) if kind == RETRO_BILL else None
    now = clock.now()
    stored = GROUP_GOODWILL_POINTS if group is not None else kind
    request = Request(
        org_id=org.id,
        customer_id=customer_id,
        group_id=group.group_id if group is not None else None,
        program_id=program.program_id,
        type=stored[0],
        base_type=stored[1],
        status=PENDING,
        points=points,
        coupon_series_id=series_id,
        bill_id=None if bill is None else bill.id,
        reason=reason,
        comments=comments,
        is_auto_approved=False,
        is_one_step=False,
        added_by=principal.till_id,
        updated_by=principal.till_id,
        added_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    if program.auto_approve_goodwill and kind != RETRO_BILL:
        if points is not None:
            _approve_goodwill(session, principal, request, points, now)
        else:
            _approve_coupon(session, principal, request)
        request.status = APPROVED
        request.is_auto_approved = True
        request.updated_comments = f"{comments}; {AUTO_APPROVED}" if comments else AUTO_APPROVED
        session.flush()
    return request


def _goodwill_account(
    session: Session, principal: Principal, request: Request, program: Program, at: dt.datetime
) -> tuple[Account, str]:
    """Return the account a goodwill request credits, locked, and its owner's entity type."""
    org = principal.org
    if request.base_type != GROUP_POINTS:
        customer = members.by_id(session, org, request.customer_id)
        return accounts.enrol(session, org, program, customer.id, at), CUSTOMER_ENTITY
    group = None
    if request.group_id is not None:
        group = pooling.find_group(session, org, GroupTags(group_id=request.group_id))
    if group is None:
        raise Invalid(INVALID_GROUP, "Invalid group: the request's user group is no longer active")
    return accounts.enrol_group(session, org, program, group.group_id, at), USERGROUP2


def _approve_goodwill(
    session: Session, principal: Principal, request: Request, value: Decimal, at: dt.datetime
) -> list[dict[str, Any]]:
    """Credit a goodwill request's approved value (once: the entry's key is the request's)
    to its customer, or to its user group."""
    org = principal.org
    program = accounts.require_program(org, request.program_id, INVALID_PROGRAM)
    account, entity = _goodwill_account(session, principal, request, program, at)
    posting = Posting(
        cause=Cause.REQUEST,
        cause_id=request.id,
        till_id=principal.till_id,
        at=at,
        key=f"request:{request.id}",
        notes="goodwill",
    )
    awarded = accounts.award(
        session,
        org,
        program,
        account,
        value,
        posting,
        kind=Kind.GOODWILL,
        points=value,
        source_type="Customer",
    )
    request.approved_value = value
    effects = [awarded.side_effect(entity)]
    slab = accounts.upgrade(session, org, program, account, at)
    if slab is not None:
        effects.append({**slab, "entityType": entity})
    return effects


def _approve_coupon(
    session: Session, principal: Principal, request: Request
) -> list[dict[str, Any]]:
    """Issue a goodwill coupon request's coupon to its customer (once: the request is locked
    and leaves PENDING in the same unit of work)."""
    customer = members.by_id(session, principal.org, request.customer_id)
    assert request.coupon_series_id is not None
    effect = rewards.issue_coupon(session, principal, customer.id, request.coupon_series_id)
    request.coupon_id = effect.get("id")
    return [effect]


def _approve_retro(
    session: Session, principal: Principal, request: Request, at: dt.datetime
) -> list[dict[str, Any]]:
    """Turn a retro request's not-interested bill into a purchase of its customer and earn."""
    org = principal.org
    program = accounts.require_program(org, request.program_id, INVALID_PROGRAM)
    customer = members.by_id(session, org, request.customer_id)
    members.require_loyalty(customer)
    bill = (
        None
        if request.bill_id is None
        else repository.get_bill(session, org.id, request.bill_id, lock=True)
    )
    if bill is None:
        raise NotFound(BILL_NOT_FOUND, "Bill not found: the request's bill no longer exists")
    if bill.type != NOT_INTERESTED:
        raise Invalid(INVALID_STATUS, f"Invalid status: bill {bill.id} is no longer NOT_INTERESTED")
    bill.type = REGULAR
    bill.customer_id = customer.id
    bill.program_id = program.program_id
    account = accounts.enrol(session, org, program, customer.id, at)
    posting = Posting(
        cause=Cause.BILL,
        cause_id=bill.id,
        till_id=principal.till_id,
        at=at,
        key=f"bill:{bill.id}:award",
        notes=f"retro request {request.id}",
    )
    return accounts.earn_for_bill(session, org, program, account, bill, posting).side_effects()


def _asked_kind(request: Request) -> repository.Kind:
    """Return the (type, baseType) a decision names the request by (a group's goodwill request
    is decided as GOODWILL/POINTS)."""
    if request.base_type == GROUP_POINTS:
        return GOODWILL_POINTS
    return request.type, request.base_type


def _decide(session: Session, principal: Principal, item: DecisionIn) -> Outcome:
    kind = parse_kind(item.type, item.base_type)
    request_id = parse_id(item.id)
    request = (
        None
        if request_id is None
        else repository.get_request(session, principal.org_id, request_id, lock=True)
    )
    if request is None or _asked_kind(request) != kind:
        raise NotFound(REQUEST_NOT_FOUND, f"Request not found: {kind[0]} {kind[1]} id {item.id}")
    status = upper(item.status)
    if status not in (APPROVED, REJECTED, PENDING):
        raise Invalid(INVALID_STATUS, f"Invalid status {item.status!r}: APPROVED or REJECTED")
    if status != PENDING and request.added_by == principal.till_id:
        raise Forbidden(SAME_PRINCIPAL, "A request cannot be decided by the till that made it")
    if (request.status, status) not in TRANSITIONS:
        raise Invalid(
            INVALID_STATUS,
            f"Invalid status change: {request.status} to {status}"
            + (" (a REJECTED request goes back to PENDING first)" if status == APPROVED else ""),
        )
    at = clock.now()
    effects: list[dict[str, Any]] = []
    if status == APPROVED and kind == GOODWILL_POINTS:
        value = (
            request.points or Decimal(0)
            if item.approved_value is None
            else parse_points(item.approved_value, "approvedValue")
        )
        effects = _approve_goodwill(session, principal, request, value, at)
    elif status == APPROVED and kind == GOODWILL_COUPON:
        effects = _approve_coupon(session, principal, request)
    elif status == APPROVED:
        effects = _approve_retro(session, principal, request, at)
    request.status = status
    request.updated_by = principal.till_id
    request.updated_at = at
    request.updated_comments = item.comments or ""
    session.flush()
    return Outcome(request.id, request.status, effects)


def _decide_one(session: Session, principal: Principal, item: DecisionIn) -> Outcome:
    """Decide one item in a savepoint of its own: it succeeds or fails alone."""
    failure: Notice
    try:
        with session.begin_nested():
            return _decide(session, principal, item)
    except PatronError as error:
        failure = error.notice
    except IntegrityError:
        # The request's points were credited by a concurrent decision.
        failure = Notice(INVALID_STATUS, "Invalid status change: the request is already decided")
    request_id = parse_id(item.id)
    request = (
        None
        if request_id is None
        else repository.get_request(session, principal.org_id, request_id)
    )
    shown_id: int | str | None = request_id if request_id is not None else item.id
    return Outcome(shown_id, None if request is None else request.status, errors=[failure])


def decide_requests(
    session: Session, principal: Principal, items: list[DecisionIn]
) -> list[Outcome]:
    """Approve, reject or reopen up to ten requests, each independently of the others.

    An approved goodwill request credits ``approvedValue`` when given, else the points asked
    for; a rejected request is reopened (``PENDING``) before it can be approved.
    """
    if not items:
        raise Invalid(INVALID_INPUT, "Input is invalid: the body must list at least one request")
    if len(items) > MAX_BATCH:
        raise Invalid(BATCH_TOO_LARGE, f"Batch limit exceeded: at most {MAX_BATCH} requests")
    return [_decide_one(session, principal, item) for item in items]
