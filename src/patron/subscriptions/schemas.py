"""Wire models of the subscriptions domain (documented camelCase names; unknown keys ignored).

Request fields are read as text so the service can answer a bad value with its documented code
(1101-1108) rather than a generic schema error.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.wire import NoticeOut


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored, numbers taken as text."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", coerce_numbers_to_str=True)


class ScopeIn(Wire):
    """The scope a change applies to; only the customer (``USER``/``NONE``) is supported."""

    scope: str | None = None
    sub_scope: str | None = Field(default=None, alias="subScope")
    scope_id: str | None = Field(default=None, alias="scopeId")


class SubscriptionIn(Wire):
    """One change: a channel and priority of one source account, opted in or out."""

    channel: str | None = None
    account_id: str | None = Field(default=None, alias="accountId")
    priority: str | None = None
    type: str | None = None
    org_unit_id: str | None = Field(default=None, alias="orgUnitId")
    source_name: str | None = Field(default=None, alias="sourceName")


class UpdateSubscriptionsIn(Wire):
    """Body of ``POST /v2/customers/{id}/subscriptions``."""

    communication_id: str | None = Field(default=None, alias="communicationId")
    campaign_id: str | None = Field(default=None, alias="campaignId")
    reason: str | None = Field(default=None, max_length=255)
    scope: ScopeIn | list[ScopeIn] | str | None = None
    subscriptions: list[SubscriptionIn] | None = None


class ScopeOut(BaseModel):
    """The scope block of the update answer."""

    model_config = ConfigDict(populate_by_name=True)

    scope_id: int = Field(alias="scopeId")
    scope: str
    sub_scope: str = Field(alias="subScope")
    set_created_on: bool = Field(alias="setCreatedOn")
    set_priority: bool = Field(alias="setPriority")
    set_scope_id: bool = Field(alias="setScopeId")
    set_scope: bool = Field(alias="setScope")
    set_sub_scope: bool = Field(alias="setSubScope")


class SubscriptionOut(BaseModel):
    """One channel and priority with its status; other source accounts name their account."""

    model_config = ConfigDict(populate_by_name=True)

    channel: str
    priority: str
    type: str
    account_id: str | None = Field(default=None, alias="accountId")
    source_name: str | None = Field(default=None, alias="sourceName")


class UpdatedSubscriptionsOut(BaseModel):
    """Answer of ``POST /v2/customers/{id}/subscriptions``."""

    model_config = ConfigDict(populate_by_name=True)

    scope: ScopeOut
    subscriptions: list[SubscriptionOut]
    campaign_id: int = Field(alias="campaignId")
    communication_id: int = Field(alias="communicationId")
    reason: str
    warnings: list[NoticeOut] = Field(default_factory=list)


class SubscriptionsOut(BaseModel):
    """Answer of ``GET /v2/customers/{id}/subscriptions``."""

    model_config = ConfigDict(populate_by_name=True)

    subscriptions: list[SubscriptionOut]
    campaign_id: int = Field(alias="campaignId")
    communication_id: int = Field(alias="communicationId")
    warnings: list[NoticeOut] = Field(default_factory=list)
