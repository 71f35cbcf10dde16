"""Wire models of loyalty expiry (documented camelCase names; unknown keys ignored).

A value of the wrong JSON type fails the whole request (400); every other bad value of an
``updateExpiry`` item fails that item alone, with its code, while the other items are applied.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from patron.kit.wire import NoticeOut


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class ExpiryDateIn(Wire):
    """The new expiry: `FIXED_DATE` with a `YYYY-MM-DD` day, or `FIXED_DAYS` with a number of
    days from today (both end of day in the org's time zone)."""

    expiry_type: StrictStr | None = Field(
        default=None, alias="expiryType", description="FIXED_DATE or FIXED_DAYS"
    )
    expiry_value: StrictStr | StrictInt | None = Field(
        default=None, alias="expiryValue", description="A YYYY-MM-DD day, or a number of days"
    )


class ExpiryUpdateIn(Wire):
    """One change of the expiry of the points of an award."""

    identifier_name: StrictStr | None = Field(
        default=None, alias="identifierName", description="id, mobile, email, externalId, …"
    )
    identifier_value: StrictStr | None = Field(default=None, alias="identifierValue")
    program_id: StrictInt | None = Field(default=None, alias="programId")
    points_awarded_ref_id: StrictInt | None = Field(
        default=None, alias="pointsAwardedRefId", description="A bill id or a points entry id"
    )
    points_awarded_ref_type: StrictStr | None = Field(
        default=None,
        alias="pointsAwardedRefType",
        description="BILL, or AWARD (also ENTRY, POINT_AWARDED)",
    )
    expiry_update_reason_type: StrictStr | None = Field(
        default=None, alias="expiryUpdateReasonType", description="EXTEND_EXPIRY or EARLY_EXPIRY"
    )
    expiry_update_reason_note: StrictStr | None = Field(
        default=None, alias="expiryUpdateReasonNote"
    )
    expiry_date: ExpiryDateIn | None = Field(default=None, alias="expiryDate")


class UpdateExpiryIn(Wire):
    """Body of ``POST /v2/points/updateExpiry``."""

    expiry_date_update_request: list[ExpiryUpdateIn] | None = Field(
        default=None, alias="expiryDateUpdateRequest"
    )


class ExpiryUpdateResultOut(BaseModel):
    """What one applied item changed."""

    model_config = ConfigDict(populate_by_name=True)

    program_id: int = Field(alias="programId")
    points_awarded_ref_id: int = Field(alias="pointsAwardedRefId")
    points_awarded_ref_type: str = Field(alias="pointsAwardedRefType")
    expiry_update_reason_type: str | None = Field(alias="expiryUpdateReasonType")
    points: float
    previous_expiry_date: str | None = Field(alias="previousExpiryDate")
    expiry_date: str = Field(alias="expiryDate")
    expired_points: float = Field(alias="expiredPoints")


class ExpiryUpdateItemOut(BaseModel):
    """The answer to one item: its customer, what changed, or why nothing did."""

    model_config = ConfigDict(populate_by_name=True)

    entity_id: int | None = Field(alias="entityId")
    result: ExpiryUpdateResultOut | None
    errors: list[NoticeOut]
    warnings: list[NoticeOut]


class UpdateExpiryOut(BaseModel):
    """Answer of ``POST /v2/points/updateExpiry``: one item per request item, in order."""

    model_config = ConfigDict(populate_by_name=True)

    response: list[ExpiryUpdateItemOut]
    total_count: int = Field(alias="totalCount")
    failure_count: int = Field(alias="failureCount")
    warnings: list[NoticeOut]


class ExpiryScheduleOut(BaseModel):
    """Points expiring on one day (org zone) in one program."""

    model_config = ConfigDict(populate_by_name=True)

    points: float
    expiry_date: str = Field(alias="expiryDate")
    program_id: int = Field(alias="programId")
    points_type: str = Field(alias="pointsType")
    expiry_type: str = Field(alias="expiryType")


class LoyaltyInfoOut(BaseModel):
    """The customer's loyalty type."""

    model_config = ConfigDict(populate_by_name=True)

    loyalty_type: str = Field(alias="loyaltyType")


class PointsExpiryScheduleOut(BaseModel):
    """Answer of ``GET /v2/customers/{id}/pointsExpirySchedule``."""

    model_config = ConfigDict(populate_by_name=True)

    id: int
    profiles: list[Any]
    loyalty_info: LoyaltyInfoOut = Field(alias="loyaltyInfo")
    segments: dict[str, Any]
    extended_fields: dict[str, Any] = Field(alias="extendedFields")
    expiry_schedules: list[ExpiryScheduleOut] = Field(alias="expirySchedules")
    warnings: list[NoticeOut]
