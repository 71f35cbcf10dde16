"""The fixed vocabulary of subscriptions: channels, priorities, statuses, and their wire names."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """A communication channel a customer can opt in to or out of."""

    MOBILE = "MOBILE"
    EMAIL = "EMAIL"
    WECHAT = "WECHAT"
    WHATSAPP = "WHATSAPP"
    IOS = "IOS"
    ANDROID = "ANDROID"
    LINE = "LINE"

    @property
    def wire_name(self) -> str:
        """Name the channel as responses and events show it (``MOBILE`` is ``SMS``)."""
        return "SMS" if self is Channel.MOBILE else self.value


class Priority(StrEnum):
    """Kind of message: transactional (personal, instant) or bulk (campaigns)."""

    TRANS = "TRANS"
    BULK = "BULK"


class Status(StrEnum):
    """Whether the customer receives messages of a channel and priority."""

    OPTIN = "OPTIN"
    OPTOUT = "OPTOUT"


# A channel never set is subscribed, as the hosted platform reports fresh customers.
DEFAULT_STATUS = Status.OPTIN

# Order of listings: transactional first, then bulk; channels as the documents list them.
PRIORITY_ORDER = {Priority.TRANS: 0, Priority.BULK: 1}
CHANNEL_ORDER = {
    channel: index
    for index, channel in enumerate(
        (
            Channel.EMAIL,
            Channel.MOBILE,
            Channel.ANDROID,
            Channel.IOS,
            Channel.WECHAT,
            Channel.WHATSAPP,
            Channel.LINE,
        )
    )
}

_CHANNEL_ALIASES = {"SMS": Channel.MOBILE}


def parse_channel(text: str | None) -> Channel | None:
    """Return the channel named by ``text`` (case-insensitive; ``SMS`` means mobile), or None."""
    name = (text or "").strip().upper()
    if name in _CHANNEL_ALIASES:
        return _CHANNEL_ALIASES[name]
    try:
        return Channel(name)
    except ValueError:
        return None


def parse_priority(text: str | None) -> Priority | None:
    """Return the priority named by ``text`` (case-insensitive), or None."""
    try:
        return Priority((text or "").strip().upper())
    except ValueError:
        return None


def parse_status(text: str | None) -> Status | None:
    """Return the status named by ``text`` (case-insensitive), or None."""
    try:
        return Status((text or "").strip().upper())
    except ValueError:
        return None
