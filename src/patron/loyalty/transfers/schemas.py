"""Wire models of points transfers (documented camelCase names, ``pointsTobeTransferred`` as spelt).

The points are taken as given (``Any``) so the service answers a bad value with 422 or 807
instead of a generic schema error; unknown keys are ignored.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.wire import NoticeOut
from patron.loyalty.redemptions.schemas import IdentifierIn, Wire


class TransferIn(Wire):
    """Body of ``POST /v2/points/isTransferrable`` and ``POST /v2/points/transfer``."""

    points_tobe_transferred: Any = Field(default=None, alias="pointsTobeTransferred")
    program_id: Any = Field(default=None, alias="programId")
    notes: str | None = Field(default=None, max_length=500)
    from_customer_identifier: IdentifierIn | None = Field(
        default=None, alias="fromCustomerIdentifier"
    )
    to_customer_identifier: IdentifierIn | None = Field(default=None, alias="toCustomerIdentifier")


class PartyOut(BaseModel):
    """A customer on one side of a transfer."""

    model_config = ConfigDict(populate_by_name=True)

    user_id: int = Field(alias="userId")
    first_name: str = Field(alias="firstName")
    last_name: str = Field(alias="lastName")


class TransferSummaryOut(BaseModel):
    """One transfer as a customer's ``pointsTransfers`` lists it."""

    model_config = ConfigDict(populate_by_name=True)

    points_transfer_date: str = Field(alias="pointsTransferDate")
    points_transferred: float = Field(alias="pointsTransferred")
    transfer_id: int = Field(alias="transferId")
    transfer_type: str = Field(alias="transferType")
    transferred_from: PartyOut = Field(alias="transferredFrom")
    transferred_to: PartyOut = Field(alias="transferredTo")
    notes: str
    program_name: str = Field(alias="programName")


class TransferOut(TransferSummaryOut):
    """One transfer as ``POST /v2/points/transfer`` answers it."""

    to_entity_id: int = Field(alias="toEntityId")
    to_entity_type: str = Field(alias="toEntityType")
    from_entity_id: int = Field(alias="fromEntityId")
    from_entity_type: str = Field(alias="fromEntityType")


class TransferredOut(BaseModel):
    """Answer of ``POST /v2/points/transfer``."""

    data: list[TransferOut]
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)


class TransferrableOut(BaseModel):
    """The verdict of ``POST /v2/points/isTransferrable``."""

    model_config = ConfigDict(populate_by_name=True)

    points_tobe_transferred: float = Field(alias="pointsTobeTransferred")
    transfer_from: int = Field(alias="transferFrom")
    transfer_to: int = Field(alias="transferTo")
    transferrable: bool


class TransferCheckOut(BaseModel):
    """Answer of ``POST /v2/points/isTransferrable``."""

    data: list[TransferrableOut]
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)


class TransfersOut(BaseModel):
    """Answer of ``GET /v2/customers/{userId}/pointsTransfers``."""

    data: list[TransferSummaryOut]
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)
