"""Extension point: rewards other domains give for a purchase, beside its points.

A domain that rewards purchases (coupons issued by an earn rule, referral incentives for a
referee's transaction) registers a hook here through ``patron.wiring``; the loyalty domain
calls every hook after a purchase is stored, in the same unit of work, and lists what they
return in the transaction's ``sideEffects``. The loyalty domain never imports those domains.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.loyalty.models import Bill

# (session, principal, bill): the ``sideEffects`` items of what the hook gave for the stored
# purchase ``bill`` (its customer is ``bill.customer_id``); [] when it gave nothing.
PurchaseHook = Callable[[Session, Principal, Bill], list[dict[str, Any]]]

purchase_hooks: list[PurchaseHook] = []


def reward_purchase(session: Session, principal: Principal, bill: Bill) -> list[dict[str, Any]]:
    """Run every purchase hook for ``bill``; return their side effects in hook order."""
    out: list[dict[str, Any]] = []
    for hook in purchase_hooks:
        out.extend(hook(session, principal, bill))
    return out
