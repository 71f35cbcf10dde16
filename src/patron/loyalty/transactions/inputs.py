"""Reading a transaction body: each bad value is answered with its documented code.

The checks need no database, so a bad body is refused before the customer is looked up.
What the tables do not model (line items, payment modes, fields, statuses, the note) is kept
as given in ``Bill.details``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from patron.errors import Invalid, Notice
from patron.kit import clock
from patron.kit.ids import MAX_ID
from patron.kit.numbers import decimal_of as number
from patron.loyalty.accounts import require_program
from patron.loyalty.models import ZERO
from patron.loyalty.pooling import GroupTags
from patron.loyalty.transactions.schemas import LineItemIn, TransactionIn
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program

INVALID_INPUT = 400
INVALID_AMOUNT = 601
INVALID_NUMBER = 602
INVALID_TYPE = 605
DATE_OUT_OF_RANGE = 621
PURCHASE_TIME_MISSING = 624
RETURN_TYPE_MISSING = 632
NO_RETURNED_LINES = 633
INVALID_PROGRAM = 1101
CUSTOM_FIELD_WARNING = 669
EXTENDED_FIELD_WARNING = 91016

MAX_BILL_NUMBER = 100
# Amounts are stored in thousandths in a 64-bit integer, and purchases add up per customer.
MAX_AMOUNT = Decimal(10) ** 9
THOUSANDTH = Decimal("0.001")
# A billing date may lie this far ahead (time zones, till clocks); beyond is refused (621).
FUTURE_SLACK = dt.timedelta(days=1)

# Entities of the org's extended field catalogue that transactions and their lines accept.
TRANSACTION_ENTITY = "transaction"
LINE_ITEM_ENTITY = "lineitem"


class BillType(StrEnum):
    """What a transaction is."""

    REGULAR = "REGULAR"
    RETURN = "RETURN"
    NOT_INTERESTED = "NOT_INTERESTED"
    NOT_INTERESTED_RETURN = "NOT_INTERESTED_RETURN"

    @property
    def is_return(self) -> bool:
        """Tell whether the transaction returns an earlier bill."""
        return self in (BillType.RETURN, BillType.NOT_INTERESTED_RETURN)


class ReturnType(StrEnum):
    """How much of a purchase a return takes back."""

    AMOUNT = "AMOUNT"  # billAmount
    FULL = "FULL"  # everything not yet returned
    LINE_ITEM = "LINE_ITEM"  # the sum of the returned lines
    CANCELLED = "CANCELLED"  # as FULL

    @property
    def is_whole(self) -> bool:
        """Tell whether the return takes everything that is left."""
        return self in (ReturnType.FULL, ReturnType.CANCELLED)


DELIVERY_STATUSES = ("PLACED", "PROCESSED", "SHIPPED", "DELIVERED", "RETURNED")
OUTLIER_STATUSES = ("NORMAL", "INTERNAL", "FRAUD", "OUTLIER", "TEST", "DELETED", "FAILED", "OTHER")


@dataclass
class Transaction:
    """A transaction body, checked."""

    type: BillType
    bill_number: str
    # None: not given (allowed for returns that take everything, or their lines).
    amount: Decimal | None
    billing_date: dt.datetime
    return_type: ReturnType | None
    # The program the body names (None: the org's default).
    program: Program | None
    # The sum of the line items' amounts (what a LINE_ITEM return takes back).
    lines_amount: Decimal
    redemption_ids: list[Any]
    details: dict[str, Any]
    # The user group the body attributes the bill to (``userGroup2…``), possibly none.
    group_tags: GroupTags = field(default_factory=GroupTags)
    warnings: list[Notice] = field(default_factory=list)


def amount(value: Any, name: str = "billAmount") -> Decimal:
    """Return an amount: 0 to 10^9 with at most three decimals, or refuse with 601."""
    parsed = number(value)
    if parsed is None or parsed < 0 or parsed > MAX_AMOUNT:
        raise Invalid(
            INVALID_AMOUNT, f"Invalid bill amount: {name} must be a number from 0 to {MAX_AMOUNT}"
        )
    if parsed != parsed.quantize(THOUSANDTH):
        raise Invalid(INVALID_AMOUNT, f"Invalid bill amount: {name} has over three decimals")
    return parsed.quantize(THOUSANDTH)


def bill_type(value: Any) -> BillType:
    """Return the transaction type (case-insensitive), or refuse with 605."""
    text = value.strip().upper() if isinstance(value, str) else ""
    try:
        return BillType(text)
    except ValueError:
        raise Invalid(
            INVALID_TYPE,
            "Invalid transaction type: type must be REGULAR, RETURN, NOT_INTERESTED or "
            f"NOT_INTERESTED_RETURN, not {value!r}",
        ) from None


def bill_number(value: str | None) -> str:
    """Return the bill number (trimmed): 1 to 100 characters, or refuse with 602."""
    text = (value or "").strip()
    if not text or len(text) > MAX_BILL_NUMBER:
        raise Invalid(
            INVALID_NUMBER,
            f"Invalid bill number: billNumber must have 1 to {MAX_BILL_NUMBER} characters",
        )
    return text


def moment(value: str | None, name: str) -> dt.datetime | None:
    """Return an ISO 8601 date-time (or date) as UTC, None when absent; refuse other text."""
    if value is None or not value.strip():
        return None
    try:
        return clock.parse_datetime(value).astimezone(dt.UTC)
    except ValueError:
        raise Invalid(
            INVALID_INPUT, f"Input is invalid: {name} is not an ISO 8601 date-time"
        ) from None


def billing_date(value: str | None, at: dt.datetime) -> dt.datetime:
    """Return the billing date (absent: ``at``); more than a day ahead is refused with 621."""
    when = moment(value, "billingDate")
    if when is None:
        return at
    if when > at + FUTURE_SLACK:
        raise Invalid(DATE_OUT_OF_RANGE, "Invalid billing date: billingDate is in the future")
    return when


def choice(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    """Return one of ``allowed`` (case-insensitive), None when absent; refuse others with 400."""
    if value is None or not value.strip():
        return None
    wanted = value.strip().upper()
    if wanted not in allowed:
        raise Invalid(
            INVALID_INPUT, f"Input is invalid: {name} must be one of {', '.join(allowed)}"
        )
    return wanted


def return_type(value: str | None) -> ReturnType | None:
    """Return the return type, None when absent; refuse others with 400."""
    text = choice(value, tuple(ReturnType), "returnType")
    return None if text is None else ReturnType(text)


def program(org: OrgConfig, value: Any) -> Program | None:
    """Return the program ``programId`` names (None: not given); unknown ones answer 1101."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parsed = number(value)
    if parsed is None or parsed != parsed.to_integral_value() or not 1 <= parsed <= MAX_ID:
        raise Invalid(INVALID_PROGRAM, f"Invalid program id {value!r}")
    return require_program(org, int(parsed), INVALID_PROGRAM)


def extended_fields(
    org: OrgConfig, values: dict[str, Any] | None, entity: str, warnings: list[Notice]
) -> dict[str, Any]:
    """Keep the scalar values of fields the org's catalogue has for ``entity``; warn 91016
    for each other one."""
    catalogue = {
        f.name.lower(): f for f in org.extended_fields.values() if f.entity.lower() == entity
    }
    kept: dict[str, Any] = {}
    for name, value in (values or {}).items():
        known = catalogue.get(str(name).lower())
        if known is None or isinstance(value, dict | list):
            warnings.append(
                Notice(
                    EXTENDED_FIELD_WARNING,
                    f"Invalid extended field {name}: it is not a {entity} field of the org",
                )
            )
            continue
        kept[known.name] = value
    return kept


def custom_fields(values: dict[str, Any] | None, warnings: list[Notice]) -> dict[str, Any]:
    """Keep the scalar custom fields; warn 669 for each other one."""
    kept: dict[str, Any] = {}
    for name, value in (values or {}).items():
        if isinstance(value, dict | list):
            warnings.append(
                Notice(
                    CUSTOM_FIELD_WARNING, f"Invalid custom field {name}: the value is not scalar"
                )
            )
            continue
        kept[str(name)] = value
    return kept


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def line_amount(line: LineItemIn) -> Decimal:
    """Return a line's amount: ``amount``, else ``value - discount``, else ``rate * qty -
    discount`` (0 when none is given); 601 when it is negative or out of range."""
    discount = _decimal(line.discount) if line.discount is not None else ZERO
    if line.amount is not None:
        total = _decimal(line.amount)
    elif line.value is not None:
        total = _decimal(line.value) - discount
    elif line.rate is not None and line.qty is not None:
        total = _decimal(line.rate) * _decimal(line.qty) - discount
    else:
        return ZERO
    return amount(total.quantize(THOUSANDTH, rounding=ROUND_HALF_UP), "a line item's amount")


def _line(org: OrgConfig, line: LineItemIn, warnings: list[Notice]) -> dict[str, Any]:
    kept = line.model_dump(mode="json", by_alias=True, exclude_none=True)
    kept.pop("extendedFields", None)
    kept.pop("customFields", None)
    ext = extended_fields(org, line.extended_fields, LINE_ITEM_ENTITY, warnings)
    if ext:
        kept["extendedFields"] = ext
    custom = custom_fields(line.custom_fields, warnings)
    if custom:
        kept["customFields"] = custom
    return kept


def _details(org: OrgConfig, body: TransactionIn, warnings: list[Notice]) -> dict[str, Any]:
    """Everything of the body the bill's columns do not hold."""
    details = body.model_dump(
        mode="json",
        by_alias=True,
        exclude_none=True,
        include={
            "discount",
            "gross_amount",
            "note",
            "purchase_time",
            "not_interested_reason",
            "currency_code",
            "payment_modes",
            "redemptions",
            "user_group2_id",
            "user_group2_primary_user_id",
            "user_group2_external_id",
        },
    )
    delivery = choice(body.delivery_status, DELIVERY_STATUSES, "deliveryStatus")
    outlier = choice(body.outlier_status, OUTLIER_STATUSES, "outlierStatus")
    if delivery:
        details["deliveryStatus"] = delivery
    if outlier:
        details["outlierStatus"] = outlier
    ext = extended_fields(org, body.extended_fields, TRANSACTION_ENTITY, warnings)
    if ext:
        details["extendedFields"] = ext
    custom = custom_fields(body.custom_fields, warnings)
    if custom:
        details["customFields"] = custom
    if body.line_items:
        details["lineItemsV2"] = [_line(org, line, warnings) for line in body.line_items]
    return details


def read_transaction(org: OrgConfig, body: TransactionIn, at: dt.datetime) -> Transaction:
    """Check a transaction body, in the documented order of its codes."""
    kind = bill_type(body.type)
    number_ = bill_number(body.bill_number)
    returned = return_type(body.return_type)
    if kind.is_return and returned is None:
        raise Invalid(
            RETURN_TYPE_MISSING,
            "Return type is missing: returnType must be AMOUNT, FULL, LINE_ITEM or CANCELLED",
        )
    takes_all = kind.is_return and returned is not None and returned is not ReturnType.AMOUNT
    value = None if body.bill_amount is None and takes_all else amount(body.bill_amount)
    when = billing_date(body.billing_date, at)
    purchased = moment(body.purchase_time, "purchaseTime")
    if kind.is_return and purchased is None:
        raise Invalid(
            PURCHASE_TIME_MISSING,
            "Return before add: purchaseTime (the purchase's date-time) is required for a return",
        )
    warnings: list[Notice] = []
    by_lines = kind.is_return and returned is ReturnType.LINE_ITEM
    lines = (
        sum((line_amount(line) for line in body.line_items or ()), start=ZERO) if by_lines else ZERO
    )
    if by_lines and lines <= 0:
        raise Invalid(
            NO_RETURNED_LINES,
            "Line items are missing: a LINE_ITEM return needs lineItemsV2 with amounts",
        )
    redemption_ids = list(body.redemptions.points_redemptions or []) if body.redemptions else []
    return Transaction(
        type=kind,
        bill_number=number_,
        amount=value,
        billing_date=when,
        return_type=returned if kind.is_return else None,
        program=program(org, body.program_id),
        lines_amount=lines,
        redemption_ids=redemption_ids,
        details=_details(org, body, warnings),
        group_tags=GroupTags(
            group_id=body.user_group2_id,
            primary_user_id=body.user_group2_primary_user_id,
            external_id=body.user_group2_external_id,
        ),
        warnings=warnings,
    )
