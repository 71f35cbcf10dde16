"""Coupon series as stored: the org file's, kept in step with the file, and the API's.

Every write of the coupons domain first stores the org file's series that are not stored yet,
under the ``seriesId`` the file gives them, and brings stored ones up to date. A series made
through the API gets the next ``seriesId`` above every stored one, so it never takes an id of
the file; a series the file adds later under an id an API series already holds is not stored
(and answers 707) until the file renumbers it. Read paths never write: a file series not
stored yet is listed with its id and zero counters.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
import string
from dataclasses import dataclass
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.coupons import repository
from patron.coupons.codes import INVALID_SERIES, MANDATORY_MISSING, coupon_error
from patron.coupons.models import CouponSeries
from patron.errors import Conflict, Invalid, NotFound
from patron.kit import clock
from patron.orgs.config import OrgConfig
from patron.orgs.coupons import CouponSeriesDef, ExpiryStrategyType, parse_moment

log = structlog.get_logger("patron.coupons")

FROM_FILE = "FILE"
FROM_API = "API"
# The keys ``POST /v2/coupon/series`` requires (756 when one is missing).
MANDATORY_KEYS = (
    "description",
    "discountCode",
    "validTillDate",
    "anyUser",
    "discountValue",
    "discountType",
    "clientHandlingType",
    "expiryStrategyType",
)
MAX_SERIES_ID = 2**31 - 1
_ATTEMPTS = 5
_CODE_ALPHABET = string.ascii_uppercase + string.digits
# What the hosted platform answers for "no maximum bill".
NO_MAX_BILL = 9007199254740991
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class StoredSeries:
    """A series with its definition; ``row`` is None for a file series not stored yet."""

    row: CouponSeries | None
    definition: CouponSeriesDef
    origin: str

    @property
    def series_id(self) -> int:
        """The series' ``seriesId``."""
        return self.definition.series_id

    @property
    def pk(self) -> int:
        """The stored row's id; only stored series are asked for it."""
        assert self.row is not None
        return self.row.id


def _dump(definition: CouponSeriesDef) -> dict[str, Any]:
    return definition.model_dump(mode="json", by_alias=True)


def _limit(wanted: int, reached: int) -> int:
    # A limit lowered below what is already counted stops at the count: nothing more is
    # issued or redeemed, and the CHECK constraints still hold.
    return -1 if wanted < 0 else max(wanted, reached)


def _insert(
    session: Session, org_id: int, definition: CouponSeriesDef, origin: str, till_id: int | None
) -> CouponSeries:
    now = clock.now()
    row = CouponSeries(
        org_id=org_id,
        series_id=definition.series_id,
        code=definition.series_code,
        origin=origin,
        definition=_dump(definition),
        max_create=definition.max_create,
        max_redeem=definition.max_redeem,
        num_issued=0,
        num_redeemed=0,
        created_by=till_id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _apply(row: CouponSeries, definition: CouponSeriesDef) -> None:
    row.definition = _dump(definition)
    row.code = definition.series_code
    row.max_create = _limit(definition.max_create, row.num_issued)
    row.max_redeem = _limit(definition.max_redeem, row.num_redeemed)
    row.updated_at = clock.now()


def _sync(session: Session, org_id: int, definition: CouponSeriesDef) -> None:
    row = repository.get_series(session, org_id, definition.series_id)
    if row is None:
        try:
            with session.begin_nested():
                _insert(session, org_id, definition, FROM_FILE, None)
            return
        except IntegrityError:
            # A concurrent unit of work stored it first, or an API series holds its code.
            row = repository.get_series(session, org_id, definition.series_id)
            if row is None:
                log.warning("coupon_series_code_taken", org_id=org_id, code=definition.series_code)
                return
    if row.origin != FROM_FILE:
        log.warning("coupon_series_id_taken", org_id=org_id, series_id=definition.series_id)
        return
    if row.definition != _dump(definition):
        _apply(row, definition)
        session.flush()


def store_file_series(session: Session, org: OrgConfig) -> None:
    """Store (or update) every series of the org file; write paths call this first."""
    for definition in org.coupon_series:
        _sync(session, org.id, definition)


def _stored(org: OrgConfig, row: CouponSeries) -> StoredSeries:
    if row.origin == FROM_FILE:
        in_file = next((d for d in org.coupon_series if d.series_id == row.series_id), None)
        if in_file is not None:
            return StoredSeries(row=row, definition=in_file, origin=FROM_FILE)
    return StoredSeries(
        row=row, definition=CouponSeriesDef.model_validate(row.definition), origin=row.origin
    )


def list_series(session: Session, org: OrgConfig) -> list[StoredSeries]:
    """Return every series of the org by ``seriesId``: stored ones and file ones not stored."""
    stored = [_stored(org, row) for row in repository.list_series(session, org.id)]
    taken = {s.series_id for s in stored}
    pending = [
        StoredSeries(row=None, definition=d, origin=FROM_FILE)
        for d in org.coupon_series
        if d.series_id not in taken
    ]
    return sorted(stored + pending, key=lambda s: s.series_id)


def require_series(
    session: Session, org: OrgConfig, *, series_id: int | None = None, code: str | None = None
) -> StoredSeries:
    """Return the stored series of a ``seriesId`` or ``seriesCode`` (707 when unknown).

    Write paths call it after :func:`store_file_series`.
    """
    row = None
    if series_id is not None and 1 <= series_id <= MAX_SERIES_ID:
        row = repository.get_series(session, org.id, series_id)
    elif code is not None and code.strip():
        row = repository.find_series_by_code(session, org.id, code.strip())
    if row is None:
        named = series_id if series_id is not None else code
        raise coupon_error(INVALID_SERIES, f"Invalid coupon series: {named}")
    return _stored(org, row)


def stored_by_pk(session: Session, org: OrgConfig, pks: set[int]) -> dict[int, StoredSeries]:
    """Return the stored series of these row ids, by row id."""
    return {pk: _stored(org, row) for pk, row in repository.series_by_pks(session, pks).items()}


def _definition(data: dict[str, Any]) -> CouponSeriesDef:
    try:
        return CouponSeriesDef.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "CouponSeriesV2"
        raise Invalid(INVALID_SERIES, f"Invalid coupon series: {where}: {first['msg']}") from None


def _series_body(body: dict[str, Any]) -> dict[str, Any]:
    inner = body.get("CouponSeriesV2")
    if not isinstance(inner, dict):
        raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: CouponSeriesV2")
    return dict(inner)


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def create_series(session: Session, principal: Principal, body: dict[str, Any]) -> StoredSeries:
    """Store a series defined through the API (756 missing keys, 707 invalid, 409 code taken)."""
    org = principal.org
    store_file_series(session, org)
    data = _series_body(body)
    missing = [k for k in MANDATORY_KEYS if data.get(k) is None]
    if missing:
        raise Invalid(MANDATORY_MISSING, f"Mandatory fields are missing: {', '.join(missing)}")
    data.pop("seriesId", None)
    data.pop("id", None)
    given_code = data.get("seriesCode")
    for _ in range(_ATTEMPTS):
        file_max = max((d.series_id for d in org.coupon_series), default=0)
        series_id = max(repository.max_series_id(session, org.id), file_max) + 1
        code = given_code if isinstance(given_code, str) and given_code.strip() else _new_code()
        definition = _definition({**data, "seriesId": series_id, "seriesCode": code})
        if repository.find_series_by_code(session, org.id, definition.series_code) is not None:
            if given_code:
                raise Conflict(
                    INVALID_SERIES, f"Coupon series code {definition.series_code} already exists"
                )
            continue
        try:
            with session.begin_nested():
                row = _insert(session, org.id, definition, FROM_API, principal.till_id)
        except IntegrityError:
            # Another series took the id (or the code) at the same moment: take the next.
            continue
        return StoredSeries(row=row, definition=definition, origin=FROM_API)
    raise Conflict(INVALID_SERIES, "Coupon series could not be stored; retry")


def update_series(
    session: Session, principal: Principal, series_id: int, body: dict[str, Any]
) -> StoredSeries:
    """Change an API series with the keys given (707 unknown or of the org file)."""
    org = principal.org
    store_file_series(session, org)
    if not 1 <= series_id <= MAX_SERIES_ID:
        raise NotFound(INVALID_SERIES, f"Invalid coupon series: {series_id}")
    row = repository.get_series(session, org.id, series_id, lock=True)
    if row is None:
        raise NotFound(INVALID_SERIES, f"Invalid coupon series: {series_id}")
    if row.origin == FROM_FILE:
        raise Conflict(
            INVALID_SERIES, f"Coupon series {series_id} belongs to the org file and changes there"
        )
    changes = _series_body(body)
    changes.pop("seriesId", None)
    changes.pop("id", None)
    data = {**row.definition, **changes, "seriesId": row.series_id}
    definition = _definition(data)
    if definition.series_code.lower() != row.code.lower():
        taken = repository.find_series_by_code(session, org.id, definition.series_code)
        if taken is not None:
            raise Conflict(
                INVALID_SERIES, f"Coupon series code {definition.series_code} already exists"
            )
    _apply(row, definition)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(
            INVALID_SERIES, f"Coupon series code {definition.series_code} already exists"
        ) from None
    return StoredSeries(row=row, definition=definition, origin=FROM_API)


def select_series(session: Session, org: OrgConfig, ids: str | None) -> list[StoredSeries]:
    """Return every series, or those of a comma-separated ``ids`` list (707 for a bad one)."""
    every = list_series(session, org)
    if ids is None or not ids.strip():
        return every
    by_id = {s.series_id: s for s in every}
    found = []
    for part in ids.split(","):
        text = part.strip()
        if not text:
            continue
        if not (text.isascii() and text.isdigit()) or int(text) not in by_id:
            raise NotFound(INVALID_SERIES, f"Invalid coupon series: {text}")
        found.append(by_id[int(text)])
    return found


def series_end(definition: CouponSeriesDef, zone: dt.tzinfo) -> dt.datetime:
    """Return the moment the series ends (its ``validTillDate``)."""
    return parse_moment(definition.valid_till_date, zone, end_of_day=True)


def redeemable_from(definition: CouponSeriesDef, zone: dt.tzinfo) -> dt.datetime | None:
    """Return the series' ``redemptionValidFrom``, if it has one."""
    text = definition.redemption_valid_from
    if text is None or not text.strip():
        return None
    return parse_moment(text, zone, end_of_day=False)


def _end_of_day(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return clock.start_of_day(day + dt.timedelta(days=1), zone) - dt.timedelta(seconds=1)


def coupon_valid_till(
    definition: CouponSeriesDef, zone: dt.tzinfo, issued_at: dt.datetime
) -> dt.datetime:
    """Return when a coupon issued at ``issued_at`` expires: never after its series.

    DAYS: the end of the day N days after the day of issue (org time zone); MONTHS_END: the
    end of the last day of the month N - 1 months after the month of issue (1: this month).
    """
    end = series_end(definition, zone)
    strategy = definition.expiry_strategy_type
    value = definition.expiry_strategy_value
    day = issued_at.astimezone(zone).date()
    if strategy is ExpiryStrategyType.DAYS:
        till = _end_of_day(min(day + dt.timedelta(days=value), dt.date(9998, 12, 31)), zone)
        return min(till, end)
    if strategy is ExpiryStrategyType.MONTHS_END:
        months = day.year * 12 + day.month - 1 + value - 1
        year, month = min(months // 12, 9998), months % 12 + 1
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return min(_end_of_day(last, zone), end)
    return end


def _money(value: Any) -> float:
    return float(value)


def render_series(org: OrgConfig, series: StoredSeries) -> dict[str, Any]:
    """Render a series as the detailed coupons view's ``series`` object."""
    d = series.definition
    zone = org.zone
    row = series.row
    end = series_end(d, zone)
    valid_from = redeemable_from(d, zone) or EPOCH
    return {
        "id": d.series_id,
        "orgId": org.id,
        "description": d.description,
        "discountCode": d.discount_code,
        "validTillDate": clock.iso(end, zone),
        "validDaysFromCreation": (
            d.expiry_strategy_value if d.expiry_strategy_type is ExpiryStrategyType.DAYS else -1
        ),
        "expiryStrategyValue": d.expiry_strategy_value,
        "maxCreate": d.max_create,
        "maxRedeem": d.max_redeem,
        "isTransferrable": False,
        "anyUser": d.any_user,
        "sameUserMultipleRedeem": d.same_user_multiple_redeem,
        "isReferralExistingUsersAllowed": False,
        "isMultipleUseAllowed": d.redemption_limit != 1,
        "isValidationRequired": False,
        "isValidWithDiscountedItem": False,
        "createdBy": (row.created_by or 0) if row else 0,
        "numIssued": row.num_issued if row else 0,
        "numRedeemed": row.num_redeemed if row else 0,
        "createdOn": clock.iso(row.created_at, zone) if row else None,
        "lastUsed": clock.iso(row.last_used, zone) if row else None,
        "seriesCode": d.series_code,
        "smsTemplate": "",
        "isSMSDisabled": True,
        "isUpdateProductData": False,
        "info": d.description,
        "isMultipleVouchersPerUserAllowed": d.is_multiple_vouchers_per_user_allowed,
        "doNotResendExistingVoucher": True,
        "mutualExclusiveSeriesIds": "[]",
        "storeIdsJson": "[-1]",
        "isDvsEnabled": False,
        "dvsExpiryDate": clock.iso(end, zone),
        "priority": 0,
        "shortSMSTemplate": "",
        "maxVouchersPerUser": d.max_vouchers_per_user,
        "minDaysBetweenVouchers": -1,
        "maxReferralsPerReferee": -1,
        "discountUpto": _money(d.discount_upto),
        "discountValue": _money(d.discount_value),
        "dvsItems": "false",
        "redemptionRange": '{"dom":["-1"],"dow":["-1"],"hours":["-1"]}',
        "minBillAmount": _money(d.min_bill_amount),
        "maxBillAmount": (NO_MAX_BILL if d.max_bill_amount is None else _money(d.max_bill_amount)),
        "redeemAtStore": "[-1]",
        "campaignId": -1,
        "tag": d.description,
        "maxRedemptionsInSeriesPerUser": d.max_redemptions_in_series_per_user,
        "minDaysBetweenRedemption": d.min_days_between_redemption,
        "redemptionValidFrom": clock.iso(valid_from, zone),
        "sourceOrgId": -1,
        "issueToLoyalty": False,
        "redeemStoreType": "redeemable_stores",
        "offlineRedeemType": False,
        "isOldFlowEnabled": False,
        "isPreRedeemEventRequired": False,
        "brands": [],
        "products": [],
        "categories": [],
        "termsAndConditions": "",
        "signalRedemptionEvent": True,
        "syncToClient": False,
        "showPinCode": False,
        "validRedemptionOrgEntityDetails": {
            "concepts": [],
            "zones": [],
            "stores": [],
            "tills": [],
        },
        "seriesType": "LOYALTY",
        "clientHandlingType": d.client_handling_type.value,
        "expiryStrategyType": d.expiry_strategy_type.value,
        "discountOn": "BILL",
        "discountType": d.discount_type.value,
        "dvsExpiryDateFormat": clock.local_date(end, zone),
        "updateProductData": False,
        "validTilldateFormat": clock.local_date(end, zone),
        "redemptionValidFromFormat": clock.local_date(valid_from, zone),
    }
