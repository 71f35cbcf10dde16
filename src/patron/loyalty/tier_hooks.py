"""Extension point: what other domains do when a customer's loyalty tier is lowered.

The loyalty domain calls ``tier_lowered`` from the one function that changes a tier
(``accounts.set_tier``), in the unit of work of the change: a renewal that fails, a manual
DOWNGRADE. The partners domain registers its hook here through ``patron.wiring`` (a
supplementary program with ``syncWithLoyaltyTierOnDowngrade`` follows the loyalty tier down),
so the loyalty domain never imports it. With nothing registered a lowered tier changes nothing
else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, object_session

from patron.loyalty.models import Account


@dataclass(frozen=True)
class TierLowered:
    """A customer's account of one loyalty program lowered to ``tier_number`` at ``at``."""

    org_id: int
    customer_id: int
    program_id: int
    tier_number: int
    at: dt.datetime


TierLoweredHook = Callable[[Session, TierLowered], None]

tier_lowered_hooks: list[TierLoweredHook] = []


def tier_lowered(account: Account, tier_number: int, at: dt.datetime) -> None:
    """Tell the registered hooks that a customer's account is lowered to ``tier_number``
    (a user group's account, or one in no session, tells nobody)."""
    session = object_session(account)
    if session is None or account.customer_id is None or not tier_lowered_hooks:
        return
    lowered = TierLowered(
        org_id=account.org_id,
        customer_id=account.customer_id,
        program_id=account.program_id,
        tier_number=tier_number,
        at=at,
    )
    for hook in tier_lowered_hooks:
        hook(session, lowered)
