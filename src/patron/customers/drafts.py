"""Turning request profiles into checked, normalised drafts before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from patron.customers import identifiers as ids
from patron.customers.fields import clean_custom_fields
from patron.customers.schemas import CommChannelIn, IdentifierIn, ProfileIn
from patron.customers.sources import SourceAccount, resolve_source_account
from patron.errors import Invalid, Notice
from patron.orgs.config import OrgConfig

INVALID_IDENTIFIER = 8013
NO_IDENTIFIER = 1015
INVALID_CHANNEL = 8010
INVALID_CHANNEL_MOBILE = 8058
INVALID_CHANNEL_EMAIL = 8057
MAX_NAME_LENGTH = 200

# What an invalid value of each primary type is answered with when registering.
REGISTER_INVALID = {
    "mobile": (1001, "Unable to register. Invalid mobile number"),
    "email": (1002, "Unable to register. Invalid email id"),
    "externalId": (1003, "Unable to register. Invalid external id"),
}


@dataclass
class IdentifierDraft:
    """A checked identifier, its value normalised."""

    type: str
    value: str
    attrs: dict[str, Any] | None = None

    @property
    def pair(self) -> tuple[str, str]:
        """The (type, value) pair that identifies it within a source account."""
        return (self.type, self.value)

    def claims(self) -> list[tuple[str, str]]:
        """The org-wide (type, value) claims it makes, a card's external id included."""
        external = (self.attrs or {}).get("cardExternalId")
        return [self.pair, (ids.CARD_EXTERNAL_ID, str(external))] if external else [self.pair]


@dataclass
class ChannelDraft:
    """A checked communication channel."""

    type: str
    value: str
    primary: bool
    verified: bool
    meta: dict[str, Any]
    attributes: dict[str, Any]


@dataclass
class ProfileDraft:
    """A checked profile for one source account."""

    where: SourceAccount
    first_name: str | None
    last_name: str | None
    fields: dict[str, str] | None
    identifiers: list[IdentifierDraft] = field(default_factory=list)
    channels: list[ChannelDraft] = field(default_factory=list)

    def claims(self) -> list[tuple[str, str]]:
        """The org-wide (type, value) claims of this profile, card external ids included."""
        return [pair for ident in self.identifiers for pair in ident.claims()]


def _name(value: str | None, label: str) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > MAX_NAME_LENGTH:
        raise Invalid(400, f"Input is invalid: {label} is longer than {MAX_NAME_LENGTH} characters")
    return text


def _card_attrs(item: IdentifierIn) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if item.series_id is not None:
        attrs["seriesId"] = item.series_id
    if item.series_code:
        attrs["seriesCode"] = item.series_code.strip()
    if item.status_label and item.status_label.strip():
        # The cards domain checks the label against the org's (``hooks.run_card_hooks``).
        attrs["statusLabel"] = item.status_label.strip()
    if item.card_external_id:
        external = item.card_external_id.strip()
        if len(external) > ids.MAX_VALUE_LENGTH:
            raise Invalid(
                INVALID_IDENTIFIER,
                "Customer identifier is invalid: cardExternalId is longer than "
                f"{ids.MAX_VALUE_LENGTH} characters",
            )
        attrs["cardExternalId"] = external
    if item.extended_fields:
        attrs["extendedFields"] = dict(item.extended_fields)
    if item.custom_fields:
        attrs["customFields"] = dict(item.custom_fields)
    return attrs


def prepare_identifier(
    org: OrgConfig, item: IdentifierIn, invalid_codes: dict[str, tuple[int, str]]
) -> IdentifierDraft:
    """Check and normalise one identifier; an invalid value raises the given documented code."""
    id_type = ids.canonical_identifier_type(item.type)
    if id_type is None:
        raise Invalid(
            INVALID_IDENTIFIER, f"Customer identifier is invalid: unknown type {item.type!r}"
        )
    value = ids.normalize_value(id_type, item.value or "", org.default_region)
    if value is None:
        code, message = invalid_codes.get(
            id_type, (INVALID_IDENTIFIER, f"Customer identifier is invalid: {id_type}")
        )
        raise Invalid(code, f"{message}: {item.value!r}" if item.value else message)
    attrs = _card_attrs(item) if id_type == "cardnumber" else None
    return IdentifierDraft(type=id_type, value=value, attrs=attrs or None)


def prepare_channel(
    org: OrgConfig, item: CommChannelIn, warnings: list[Notice]
) -> ChannelDraft | None:
    """Check one channel; an invalid one is dropped with its documented warning."""
    kind = ids.canonical_channel_type(item.type)
    if kind is None:
        warnings.append(Notice(INVALID_CHANNEL, f"communication channel is invalid: {item.type!r}"))
        return None
    raw = (item.value or "").strip()
    if kind == "mobile":
        value = ids.normalize_mobile(raw, org.default_region)
        if value is None:
            warnings.append(
                Notice(INVALID_CHANNEL_MOBILE, f"Invalid mobile in comm channel: {raw!r}")
            )
            return None
    elif kind == "email":
        value = ids.normalize_email(raw)
        if value is None:
            warnings.append(
                Notice(INVALID_CHANNEL_EMAIL, f"Invalid email in comm channel: {raw!r}")
            )
            return None
    else:
        value = ids.normalize_plain(raw)
        if value is None:
            warnings.append(
                Notice(INVALID_CHANNEL, f"communication channel is invalid: empty {kind} value")
            )
            return None
    return ChannelDraft(
        type=kind,
        value=value,
        primary=bool(item.primary),
        verified=bool(item.verified),
        meta=dict(item.meta or {}),
        attributes=dict(item.attributes or {}),
    )


def prepare_profile(
    org: OrgConfig,
    item: ProfileIn,
    warnings: list[Notice],
    *,
    require_identifiers: bool = True,
    invalid_codes: dict[str, tuple[int, str]] | None = None,
    default_source: SourceAccount | None = None,
) -> ProfileDraft:
    """Check one request profile: its source account, identifiers, channels and fields.

    A profile that names no source takes ``default_source`` (the legacy query form), with its
    own ``accountId`` when it gives one.
    """
    if default_source is not None and not (item.source or "").strip():
        account = item.account_id if (item.account_id or "").strip() else default_source.account_id
        where = resolve_source_account(org, default_source.source, account)
    else:
        where = resolve_source_account(org, item.source, item.account_id)
    assert where is not None
    draft = ProfileDraft(
        where=where,
        first_name=_name(item.first_name, "firstName"),
        last_name=_name(item.last_name, "lastName"),
        fields=clean_custom_fields(org, item.fields, warnings) if item.fields is not None else None,
    )
    if require_identifiers and not item.identifiers:
        raise Invalid(
            NO_IDENTIFIER, "No identifier provided: a profile needs at least one identifier"
        )
    seen: set[tuple[str, str]] = set()
    for raw in item.identifiers or []:
        ident = prepare_identifier(
            org, raw, invalid_codes if invalid_codes is not None else REGISTER_INVALID
        )
        if ident.pair in seen:
            continue
        seen.add(ident.pair)
        draft.identifiers.append(ident)
    for channel in item.comm_channels or []:
        checked = prepare_channel(org, channel, warnings)
        if checked is not None:
            draft.channels.append(checked)
    return draft
