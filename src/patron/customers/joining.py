"""Joining loyalty from the customers side: reading ``loyaltyProgramEnrollments`` and asking
the loyalty domain (through the join hooks) to enrol a customer."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.hooks import Enrolment, Joined, run_join_hooks
from patron.customers.schemas import EnrolmentIn
from patron.errors import Invalid
from patron.kit import clock

MAX_POINTS = Decimal(10) ** 12


def _moment(value: str | None, name: str) -> dt.datetime | None:
    if value is None or not value.strip():
        return None
    try:
        return clock.parse_datetime(value)
    except ValueError:
        raise Invalid(
            400, f"Input is invalid: loyaltyProgramEnrollments.{name} is not an ISO 8601 date-time"
        ) from None


def parse_enrolments(items: list[EnrolmentIn] | None) -> list[Enrolment]:
    """Read ``loyaltyProgramEnrollments``; a malformed item is refused with 400."""
    out = []
    for item in items or []:
        points = None
        if item.loyalty_points is not None:
            value = item.loyalty_points
            if not math.isfinite(value) or value < 0 or Decimal(str(value)) > MAX_POINTS:
                raise Invalid(
                    400, "Input is invalid: loyaltyProgramEnrollments.loyaltyPoints must be >= 0"
                )
            points = Decimal(str(value)).quantize(Decimal("0.001"))
        out.append(
            Enrolment(
                program_id=item.program_id,
                tier_number=item.tier_number,
                points=points,
                tier_expires_at=_moment(item.tier_expiry_date, "tierExpiryDate"),
                points_expire_at=_moment(item.points_expiry_date, "pointsExpiryDate"),
            )
        )
    return out


def join(
    session: Session, principal: Principal, customer_id: int, enrolments: list[Enrolment]
) -> Joined:
    """Enrol a loyalty customer (idempotent per program); return the side effects."""
    return run_join_hooks(session, principal, customer_id, enrolments)
