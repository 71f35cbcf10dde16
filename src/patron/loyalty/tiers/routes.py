"""HTTP endpoints of loyalty tiers: manual tier (slab) adjustment."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from patron.auth.dependencies import CurrentPrincipal
from patron.loyalty.params import AccountId, IdentifierName, IdentifierValue, RequiredSource
from patron.loyalty.tiers.adjustment import Lookup, adjust_tier
from patron.loyalty.tiers.schemas import SlabAdjustmentIn, SlabAdjustmentOut
from patron.web import Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Invalid input: 1101 program, 8917 slabAction, 8920 manualSlabActionValidity, "
        "8921 manualSlabActionValidityUpto, 8923 slab not found, 8925 target not higher "
        "(UPGRADE) or lower (DOWNGRADE) than the current slab, 881 not a loyalty customer, "
        "8011/8012/8013/8045 source or identifier, 400 type USERGROUP2 or malformed body",
        404: "Customer not found (8015, 8065) or merged (8069)",
    }
)

router = APIRouter(tags=["loyalty"], responses=ERRORS, route_class=Route)


@router.post("/v2/slab/manualSlabAdjustment", response_model=SlabAdjustmentOut)
def manual_slab_adjustment(
    body: SlabAdjustmentIn,
    principal: CurrentPrincipal,
    session: WriteSession,
    source: RequiredSource = None,
    account_id: AccountId = None,
    identifier_name: IdentifierName = None,
    identifier_value: IdentifierValue = None,
    entity_type: Annotated[
        str | None, Query(alias="type", description="CUSTOMER (the default); USERGROUP2 is refused")
    ] = None,
) -> dict[str, Any]:
    """Upgrade, downgrade or renew a customer's tier, or extend its expiry, by hand.

    `UPGRADE` and `DOWNGRADE` need `toSlabName`, a higher or lower tier of the program.
    `manualSlabActionValidity` sets the new expiry: `FIXED_DURATION` (`manualSlabActionValidityUpto`
    days from now, or from the current expiry for `RENEWAL` and `EXTEND_CURRENT_TIER_EXPIRY_DATE`),
    `SPECIFIC_DATE` (a `YYYY-MM-DD` day, its end in the org's time zone),
    `CURRENT_TIER_EXPIRY_DATE` (unchanged) or `AS_PER_TIER_STRATEGY` (the tier's validity). The
    base tier never lapses. `identifierName` may be `id` (the customer id). The answer's
    `sideEffects` holds the `slab` change.
    """
    lookup = Lookup(source, account_id, identifier_name, identifier_value, entity_type)
    return adjust_tier(session, principal, lookup, body)
