"""Extension points of group loyalty: which user group a bill earns for, what a member's
contribution writes, whether a member may redeem or transfer, and which group a call names.

The groups domain builds on loyalty, so loyalty never imports it: ``patron.wiring`` registers
the groups domain's implementations here. With nothing registered every customer earns for
itself, nothing is blocked and no group can be named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.models import Customer
from patron.errors import Forbidden
from patron.loyalty.models import Bill
from patron.orgs.config import OrgConfig
from patron.orgs.programs import Program

# The entity type of a user group in side effects and transfer answers.
USERGROUP2 = "USERGROUP2"
CUSTOMER_ENTITY = "USER"
REDEMPTION_BLOCKED = 1643
TRANSFER_BLOCKED = 1644


class Action(StrEnum):
    """What a group member's permissions may block."""

    REDEMPTION = "points_redemption"
    TRANSFER = "points_transfer"


@dataclass(frozen=True)
class GroupTags:
    """How a call names a user group: ``userGroup2Id``, ``userGroup2PrimaryUserId`` (the id
    of its primary member) or ``userGroup2ExternalId``, as given."""

    group_id: Any = None
    primary_user_id: Any = None
    external_id: Any = None

    @property
    def is_empty(self) -> bool:
        """Tell whether no group is named."""
        return all(
            value is None or not str(value).strip()
            for value in (self.group_id, self.primary_user_id, self.external_id)
        )


@dataclass(frozen=True)
class GroupEarning:
    """The group a customer's bill earns for, and whether the customer's role may earn."""

    group_id: int
    may_earn: bool = True


@dataclass(frozen=True)
class GroupTarget:
    """A group a call names: its id, and the member its requests are filed under (the
    primary member, else the earliest; None while the group has no member)."""

    group_id: int
    customer_id: int | None


@dataclass(frozen=True)
class Contribution:
    """Points a member's bill credited to a group."""

    principal: Principal
    customer_id: int
    group_id: int
    bill: Bill
    program: Program
    points: Decimal


# (session, principal, customer, tags): the group the customer's bill earns for, or None (the
# customer earns for itself); raises the documented error when the tags name no usable group.
Resolver = Callable[[Session, Principal, Customer, GroupTags], GroupEarning | None]
# (session, contribution): a group was credited from a member's bill (writes the event).
ContributionHook = Callable[[Session, Contribution], None]
# (session, org, customer_id, action): whether a group membership blocks the action.
Guard = Callable[[Session, OrgConfig, int, Action], bool]
# (session, org, tags): the active group the tags name, or None.
GroupFinder = Callable[[Session, OrgConfig, GroupTags], GroupTarget | None]

resolvers: list[Resolver] = []
contribution_hooks: list[ContributionHook] = []
guards: list[Guard] = []
group_finders: list[GroupFinder] = []


def earning_group(
    session: Session, principal: Principal, customer: Customer, tags: GroupTags
) -> GroupEarning | None:
    """Return the group the customer's bill earns for (None: the customer itself)."""
    for resolve in resolvers:
        found = resolve(session, principal, customer, tags)
        if found is not None:
            return found
    return None


def contributed(session: Session, contribution: Contribution) -> None:
    """Report points a member's bill credited to a group."""
    for hook in contribution_hooks:
        hook(session, contribution)


def is_blocked(session: Session, org: OrgConfig, customer_id: int, action: Action) -> bool:
    """Tell whether one of the customer's group memberships blocks ``action``."""
    return any(guard(session, org, customer_id, action) for guard in guards)


def refuse_blocked(session: Session, org: OrgConfig, customer_id: int, action: Action) -> None:
    """Refuse a redemption (1643) or a transfer (1644) that a group membership blocks."""
    if not is_blocked(session, org, customer_id, action):
        return
    if action is Action.REDEMPTION:
        raise Forbidden(
            REDEMPTION_BLOCKED,
            f"Points redemption is blocked: customer {customer_id} is a member of a user group "
            "that blocks its points redemption",
        )
    raise Forbidden(
        TRANSFER_BLOCKED,
        f"Points transfer is blocked: customer {customer_id} is a member of a user group that "
        "blocks its points transfer",
    )


def find_group(session: Session, org: OrgConfig, tags: GroupTags) -> GroupTarget | None:
    """Return the active group the tags name, or None."""
    if tags.is_empty:
        return None
    for find in group_finders:
        found = find(session, org, tags)
        if found is not None:
            return found
    return None
