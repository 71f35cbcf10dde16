"""The events patron emits, as the event documents name them."""

from __future__ import annotations

from enum import StrEnum


class EventName(StrEnum):
    """Every event name of the catalogue."""

    CUSTOMER_ADDED = "customerAdded"
    CUSTOMER_UPDATED = "customerUpdated"
    CUSTOMER_SUBSCRIPTION = "customerSubscription"
    GROUP_CREATED = "groupCreated"
    GROUP_UPDATED = "groupUpdated"
    GROUP_MEMBER_ADDED = "groupMemberAdded"
    GROUP_MEMBER_REMOVED = "groupMemberRemoved"
    POINTS_CONTRIBUTION_TO_GROUP = "pointsContributionToGroup"
    PARTNER_PROGRAM_LINKED = "partnerProgramLinked"
    PARTNER_PROGRAM_UPDATED = "partnerProgramUpdated"
    PARTNER_PROGRAM_DELINKED = "partnerProgramDelinked"
    SUPPLEMENTARY_MEMBERSHIP_EXPIRY_REMINDER = "supplementaryMembershipExpiryReminder"
