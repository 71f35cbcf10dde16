"""Wire models of loyalty tiers (documented camelCase names; unknown keys ignored).

A value of the wrong JSON type is refused with 400; every other bad value is answered by the
service with its documented code (``programId`` 1101, ``slabAction`` 8917,
``manualSlabActionValidity`` 8920, ``manualSlabActionValidityUpto`` 8921, ``toSlabName`` 8923).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from patron.kit.wire import NoticeOut


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class SlabAdjustmentIn(Wire):
    """Body of ``POST /v2/slab/manualSlabAdjustment``."""

    program_id: StrictInt | None = Field(default=None, alias="programId")
    slab_action: StrictStr | None = Field(
        default=None,
        alias="slabAction",
        description="UPGRADE, DOWNGRADE, RENEWAL or EXTEND_CURRENT_TIER_EXPIRY_DATE",
    )
    to_slab_name: StrictStr | None = Field(
        default=None, alias="toSlabName", description="The target tier of UPGRADE and DOWNGRADE"
    )
    manual_slab_action_validity: StrictStr | None = Field(
        default=None,
        alias="manualSlabActionValidity",
        description="FIXED_DURATION, SPECIFIC_DATE, CURRENT_TIER_EXPIRY_DATE or AS_PER_TIER_STRATEGY",
    )
    manual_slab_action_validity_upto: StrictStr | StrictInt | None = Field(
        default=None,
        alias="manualSlabActionValidityUpto",
        description="Days (FIXED_DURATION) or a YYYY-MM-DD day (SPECIFIC_DATE)",
    )
    slab_change_reason: StrictStr | None = Field(
        default=None, alias="slabChangeReason", description="Up to 255 characters"
    )
    reassess_tier_on_next_activity: StrictBool | None = Field(
        default=None, alias="reassessTierOnNextActivity", description="Accepted; no effect"
    )


class SlabSideEffectOut(BaseModel):
    """The documented ``slab`` side effect."""

    model_config = ConfigDict(populate_by_name=True)

    entity_type: str = Field(alias="entityType")
    previous_slab_name: str = Field(alias="previousSlabName")
    previous_slab_number: int = Field(alias="previousSlabNumber")
    upgraded_slab_name: str = Field(alias="upgradedSlabName")
    upgraded_slab_number: int = Field(alias="upgradedSlabNumber")
    slab_expiry_date: str = Field(alias="slabExpiryDate")
    type: str


class SlabAdjustmentOut(BaseModel):
    """Answer of ``POST /v2/slab/manualSlabAdjustment``."""

    model_config = ConfigDict(populate_by_name=True)

    program_id: int = Field(alias="programId")
    entity_id: int = Field(alias="entityId")
    side_effects: list[SlabSideEffectOut] = Field(alias="sideEffects")
    warnings: list[NoticeOut]
