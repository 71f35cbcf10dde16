"""The documented coupon codes (``redemptionStatus.code`` and error codes) and their errors."""

from __future__ import annotations

from patron.errors import Conflict, Invalid, NotFound, PatronError

OK = 700
CUSTOMER_NOT_FOUND = 701
INVALID_CODE = 702
NOT_ISSUED_TO_CUSTOMER = 703
INVALID_SERIES = 707
NOT_REDEEMABLE_BY_CUSTOMER = 710
ALREADY_REDEEMED = 711
SERIES_EXPIRED = 712
COUPON_EXPIRED = 713
MAX_REDEMPTIONS = 714
SAME_COUPON_TWICE = 716
TRANSACTION_NUMBER_REQUIRED = 718
CODE_DOES_NOT_EXIST = 719
UNABLE_TO_ISSUE = 722
NOT_REDEEMABLE_YET = 723
SERIES_MAX_REDEMPTIONS = 728
INVALID_AMOUNT = 733
CUSTOMER_MAX_REDEMPTIONS = 736
MANDATORY_MISSING = 756

OK_MESSAGE = "Coupon processing successful"

_KINDS: dict[int, type[PatronError]] = {
    CUSTOMER_NOT_FOUND: NotFound,
    INVALID_SERIES: NotFound,
    CODE_DOES_NOT_EXIST: NotFound,
    NOT_REDEEMABLE_BY_CUSTOMER: Conflict,
    ALREADY_REDEEMED: Conflict,
    MAX_REDEMPTIONS: Conflict,
    UNABLE_TO_ISSUE: Conflict,
    SERIES_MAX_REDEMPTIONS: Conflict,
    CUSTOMER_MAX_REDEMPTIONS: Conflict,
}


def coupon_error(code: int, message: str) -> PatronError:
    """Return the domain error of a coupon code: not found, conflict or invalid input."""
    return _KINDS.get(code, Invalid)(code, message)
