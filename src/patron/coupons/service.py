"""Issuing coupons: to a customer through the API, in bulk, and as rewards of other domains.

A coupon is issued in the caller's unit of work: the series' ``numIssued`` counter moves by a
conditional UPDATE that cannot pass ``maxCreate``, and the customer's n-th coupon of a series
is unique, so no limit is passed under concurrency.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.coupons import repository
from patron.coupons.codes import (
    CUSTOMER_NOT_FOUND,
    MANDATORY_MISSING,
    SERIES_EXPIRED,
    UNABLE_TO_ISSUE,
    coupon_error,
)
from patron.coupons.models import Coupon
from patron.coupons.schemas import BulkIssueIn, CustomerIn, IssueIn
from patron.coupons.series import (
    StoredSeries,
    coupon_valid_till,
    list_series,
    require_series,
    series_end,
    store_file_series,
)
from patron.coupons.views import (
    ListOptions,
    basic_view,
    detailed_view,
    render_issued,
    side_effect,
)
from patron.customers.lookup import get_customer, resolve_identifier
from patron.customers.models import Customer
from patron.errors import Invalid, NotFound, PatronError
from patron.kit import clock
from patron.orgs.config import OrgConfig
from patron.orgs.coupons import ClientHandlingType

_ATTEMPTS = 8
_IDENTIFIERS = (("mobile", "mobile"), ("email", "email"), ("external_id", "externalId"))


def find_customer(
    session: Session, org: OrgConfig, named: CustomerIn | None, *, lock: bool
) -> Customer:
    """Return the customer an input names, locked for a change when asked (756, 701)."""
    if named is None:
        raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: customer")
    try:
        if named.id is not None:
            return get_customer(session, org.id, named.id, lock=lock)
        for attribute, name in _IDENTIFIERS:
            value = getattr(named, attribute)
            if value is not None and value.strip():
                found, _ = resolve_identifier(session, org, "ALL", None, name, value)
                return get_customer(session, org.id, found.id, lock=lock) if lock else found
    except (NotFound, Invalid) as error:
        raise coupon_error(CUSTOMER_NOT_FOUND, f"Customer not found: {error.message}") from None
    raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: customer id, mobile, email")


def _random_code(series: StoredSeries) -> str:
    d = series.definition
    alphabet = string.ascii_uppercase + string.digits if d.alpha_numeric else string.digits
    return d.code_prefix + "".join(secrets.choice(alphabet) for _ in range(d.random_code_length))


def issue_coupon(
    session: Session,
    principal: Principal,
    series: StoredSeries,
    customer_id: int,
    *,
    transaction_number: str | None = None,
) -> Coupon:
    """Issue one coupon of a stored series to a customer whose row the caller locked.

    712 when the series has ended; 722 when the customer holds as many coupons of it as
    allowed, or the series has issued ``maxCreate``.
    """
    org = principal.org
    d = series.definition
    now = clock.now()
    if series_end(d, org.zone) < now:
        raise coupon_error(SERIES_EXPIRED, f"Coupon series {d.series_id} has expired")
    allowed = d.vouchers_per_user
    held = repository.count_held(session, series.pk, customer_id)
    if 0 <= allowed <= held:
        raise coupon_error(
            UNABLE_TO_ISSUE,
            f"Unable to issue coupon: the customer holds {held} of series {d.series_id}, "
            f"the most allowed",
        )
    if not repository.count_issue(session, series.pk):
        raise coupon_error(
            UNABLE_TO_ISSUE,
            f"Unable to issue coupon: series {d.series_id} has issued its maxCreate "
            f"({d.max_create})",
        )
    generic = d.client_handling_type is ClientHandlingType.GENERIC
    for _ in range(_ATTEMPTS):
        code = (d.generic_code or "") if generic else _random_code(series)
        coupon = Coupon(
            org_id=org.id,
            series_pk=series.pk,
            customer_id=customer_id,
            holder_seq=held + 1,
            code=code,
            code_key=None if generic else code.upper(),
            redemption_limit=d.redemption_limit,
            redemption_count=0,
            valid_from=now,
            valid_till=coupon_valid_till(d, org.zone, now),
            transaction_number=transaction_number,
            issued_by=principal.till_id,
            store_id=principal.store.id,
            store_code=principal.store.code,
            store_name=principal.store.name,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(coupon)
                session.flush()
        except IntegrityError:
            # A code already taken, or a coupon issued to the customer at the same moment.
            held = repository.count_held(session, series.pk, customer_id)
            if 0 <= allowed <= held:
                raise coupon_error(
                    UNABLE_TO_ISSUE,
                    f"Unable to issue coupon: the customer holds {held} of series "
                    f"{d.series_id}, the most allowed",
                ) from None
            continue
        return coupon
    raise coupon_error(UNABLE_TO_ISSUE, "Unable to issue coupon: no free code was found")


def issue(session: Session, principal: Principal, body: IssueIn) -> dict[str, Any]:
    """Issue one coupon of ``seriesId`` to the named customer; answer the issued coupon."""
    org = principal.org
    if body.series_id is None:
        raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: seriesId")
    customer = find_customer(session, org, body.customer, lock=True)
    store_file_series(session, org)
    series = require_series(session, org, series_id=body.series_id)
    coupon = issue_coupon(session, principal, series, customer.id)
    return render_issued(session, org, series, coupon)


def bulk_issue(session: Session, principal: Principal, body: BulkIssueIn) -> dict[str, Any]:
    """Issue one coupon of each of ``seriesIds`` to the named customer; each series answers
    for itself (a failed one stores nothing of its own)."""
    org = principal.org
    if not body.series_ids:
        raise Invalid(MANDATORY_MISSING, "Mandatory fields are missing: seriesIds")
    customer = find_customer(session, org, body.customer, lock=True)
    store_file_series(session, org)
    answers: list[dict[str, Any]] = []
    for series_id in body.series_ids:
        try:
            with session.begin_nested():
                series = require_series(session, org, series_id=series_id)
                coupon = issue_coupon(session, principal, series, customer.id)
                result = render_issued(session, org, series, coupon)
        except PatronError as error:
            answers.append(
                {"seriesId": series_id, "result": None, "errors": [error.notice.as_dict()]}
            )
            continue
        answers.append({"seriesId": series_id, "result": result, "errors": []})
    failures = sum(1 for a in answers if a["errors"])
    return {
        "response": answers,
        "totalCount": len(answers),
        "failureCount": failures,
        "warnings": [],
    }


def issue_reward(
    session: Session, principal: Principal, customer_id: int, series_code: str
) -> dict[str, Any]:
    """Issue one coupon of the series ``series_code`` (org file or API) to the customer, in
    the caller's unit of work; return its ``sideEffects`` item: {"id", "entityType": "USER",
    "couponType": "PE", "couponCode", "validTill", "description", "discountCode",
    "trimmedCouponCode", "type": "coupon"}. Raises the documented coupon error (707, 722…)."""
    return _reward(session, principal, customer_id, code=series_code)


def issue_reward_of_series(
    session: Session, principal: Principal, customer_id: int, series_id: int
) -> dict[str, Any]:
    """Issue a reward coupon of the series ``series_id``, as :func:`issue_reward` does (the
    coupon issuer of earn rules and goodwill coupon requests)."""
    return _reward(session, principal, customer_id, series_id=series_id)


def has_series(session: Session, org: OrgConfig, series_id: int) -> bool:
    """Tell whether the org has the coupon series ``series_id`` (org file or API); reads only."""
    return any(s.series_id == series_id for s in list_series(session, org))


def _reward(
    session: Session,
    principal: Principal,
    customer_id: int,
    *,
    series_id: int | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    org = principal.org
    store_file_series(session, org)
    series = require_series(session, org, series_id=series_id, code=code)
    try:
        customer = get_customer(session, org.id, customer_id, lock=True)
    except NotFound:
        raise coupon_error(CUSTOMER_NOT_FOUND, f"Customer not found: {customer_id}") from None
    coupon = issue_coupon(session, principal, series, customer.id)
    return side_effect(org, series, coupon)


def customer_coupons(
    session: Session, org: OrgConfig, named: CustomerIn, options: ListOptions
) -> dict[str, Any]:
    """Answer the basic coupons view of the named customer (756 none named, 701 unknown)."""
    customer = find_customer(session, org, named, lock=False)
    return basic_view(session, org, customer.id, options)


def customer_coupons_detailed(session: Session, org: OrgConfig, customer_id: int) -> dict[str, Any]:
    """Answer the detailed coupons view of a customer (701 unknown or merged)."""
    customer = find_customer(session, org, CustomerIn(id=customer_id), lock=False)
    return detailed_view(session, org, customer.id)
