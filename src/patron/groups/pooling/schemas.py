"""Wire models of group loyalty: group loyalty details and group points transfers.

A transfer's points are taken as given (``Any``) so the service answers a bad value with 422
or 807 instead of a generic schema error; unknown keys are ignored.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.wire import NoticeOut
from patron.loyalty.redemptions.schemas import IdentifierIn, Wire


class GroupTransferIn(Wire):
    """Body of ``POST /v2/points/userGroup2/isTransferrable`` and ``…/transfer``: each side
    names exactly one of a group (id or externalId) and a customer."""

    points_tobe_transferred: Any = Field(default=None, alias="pointsTobeTransferred")
    program_id: Any = Field(default=None, alias="programId")
    notes: str | None = Field(default=None, max_length=500)
    from_user_group2_id: str | None = Field(default=None, alias="fromUserGroup2Id")
    from_user_group2_external_id: str | None = Field(default=None, alias="fromUserGroup2ExternalId")
    from_customer_identifier: IdentifierIn | None = Field(
        default=None, alias="fromCustomerIdentifier"
    )
    to_user_group2_id: str | None = Field(default=None, alias="toUserGroup2Id")
    to_user_group2_external_id: str | None = Field(default=None, alias="toUserGroup2ExternalId")
    to_customer_identifier: IdentifierIn | None = Field(default=None, alias="toCustomerIdentifier")


class GroupTransferOut(BaseModel):
    """One transfer as ``POST /v2/points/userGroup2/transfer`` answers it."""

    model_config = ConfigDict(populate_by_name=True)

    to_entity_id: int = Field(alias="toEntityId")
    to_entity_type: str = Field(alias="toEntityType", description="USERGROUP2 or CUSTOMER")
    from_entity_id: int = Field(alias="fromEntityId")
    from_entity_type: str = Field(alias="fromEntityType", description="USERGROUP2 or CUSTOMER")
    points_transfer_date: str = Field(alias="pointsTransferDate")
    points_transferred: float = Field(alias="pointsTransferred")
    transfer_id: int = Field(alias="transferId", description="The id of the transfer")
    transfer_type: str = Field(alias="transferType")
    transferred_from: dict[str, Any] = Field(
        alias="transferredFrom",
        description="A group as {groupId, externalId, groupName}; a customer as {userId, "
        "firstName, lastName}",
    )
    transferred_to: dict[str, Any] = Field(alias="transferredTo")
    notes: str
    program_name: str = Field(alias="programName")


class GroupTransferredOut(BaseModel):
    """Answer of ``POST /v2/points/userGroup2/transfer``."""

    data: list[GroupTransferOut]
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)


class GroupTransferrableOut(BaseModel):
    """The verdict of ``POST /v2/points/userGroup2/isTransferrable``."""

    model_config = ConfigDict(populate_by_name=True)

    points_tobe_transferred: float = Field(alias="pointsTobeTransferred")
    transfer_from: int = Field(alias="transferFrom")
    from_entity_type: str = Field(alias="fromEntityType")
    transfer_to: int = Field(alias="transferTo")
    to_entity_type: str = Field(alias="toEntityType")
    transferrable: bool


class GroupTransferCheckOut(BaseModel):
    """Answer of ``POST /v2/points/userGroup2/isTransferrable``."""

    data: list[GroupTransferrableOut]
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)


class GroupLoyaltyItemOut(BaseModel):
    """One program of a group's loyalty details: the group, then the keys of a customer's
    ``loyaltyDetails`` item (``loyaltyId`` is the group's id, -1 when not enrolled)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    group_id: int = Field(alias="groupId")
    external_id: str = Field(alias="externalId")
    group_name: str = Field(alias="groupName")


class GroupLoyaltyOut(BaseModel):
    """Answer of ``GET /v2/userGroup2/loyaltyDetails``."""

    data: list[GroupLoyaltyItemOut]
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)
