"""Wire models of cards (documented camelCase names; unknown keys are ignored).

Required fields are optional here so the service answers a missing one with its documented
code instead of a generic schema error.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.wire import NoticeOut


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class GenerateIn(Wire):
    """Body of ``POST /v2/card/generate``."""

    series_id: int | None = Field(default=None, alias="seriesId")
    series_code: str | None = Field(default=None, alias="seriesCode", max_length=50)
    count: int | None = None
    status_label: str | None = Field(default=None, alias="statusLabel", max_length=50)


class AddCardIn(Wire):
    """Body of ``POST /v2/card``."""

    series_id: int | None = Field(default=None, alias="seriesId")
    series_code: str | None = Field(default=None, alias="seriesCode", max_length=50)
    card_number: str | None = Field(default=None, alias="cardNumber")
    card_external_id: str | None = Field(default=None, alias="cardExternalId")
    status_label: str | None = Field(default=None, alias="statusLabel", max_length=50)
    custom_fields: dict[str, Any] | None = Field(default=None, alias="customFields")
    extended_fields: dict[str, Any] | None = Field(default=None, alias="extendedFields")


class StatusInfoIn(Wire):
    """Why a card's status changes."""

    reason: str | None = None


class CardStatusIn(Wire):
    """Body of ``PUT /v2/card``."""

    card_number: str | None = Field(default=None, alias="cardNumber")
    status_label: str | None = Field(default=None, alias="statusLabel", max_length=50)
    status_info: StatusInfoIn | None = Field(default=None, alias="statusInfo")


class EntityOut(BaseModel):
    """An answer naming what was created or changed."""

    entity: Any
    warnings: list[NoticeOut] = Field(default_factory=list)


class NumbersOut(BaseModel):
    """The numbers of generated cards."""

    entity: list[str]
    warnings: list[NoticeOut] = Field(default_factory=list)
