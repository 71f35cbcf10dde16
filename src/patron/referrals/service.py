"""Rules of referral codes, invitations and code validation.

Each referrer gets one primary code per campaign the first time one is needed (an invitation,
a statistics read); the code is random in the campaign's format and unique in the org by a
unique index, a collision being retried with another draw.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers import repository as customers
from patron.customers.identifiers import normalize_email, normalize_mobile
from patron.customers.lookup import get_customer
from patron.customers.models import Customer
from patron.errors import Invalid, Notice, PatronError, Unavailable
from patron.kit import clock
from patron.loyalty.redemptions.inputs import identify
from patron.orgs.config import OrgConfig
from patron.orgs.referrals import ReferralCampaignDef
from patron.referrals import campaigns, repository
from patron.referrals.codes import canonical, make_code
from patron.referrals.models import ReferralCode, ReferralInvitation
from patron.referrals.schemas import CustomerReferralIn, InviteeIn, InviteIn, ReferrerIn

INVALID_IDENTIFIER = 8013
CODE_ATTEMPTS = 8
MAX_CODE = 100
INVITEE_TYPES = ("MOBILE", "EMAIL")
_REFERRER_IDENTIFIERS = (
    ("id", "ID"),
    ("mobile", "MOBILE"),
    ("email", "EMAIL"),
    ("external_id", "EXTERNALID"),
)


def ensure_code(
    session: Session, org: OrgConfig, campaign: ReferralCampaignDef, customer: Customer
) -> ReferralCode:
    """Return the customer's primary code in the campaign, making it on first need."""
    found = repository.primary_code(session, org.id, campaign.campaign_id, customer.id)
    if found is not None:
        return found
    first_name = ""
    if campaign.code_format.name_based:
        profiles = customers.list_profiles(session, customer.id)
        first_name = profiles[0].first_name if profiles else ""
    for _ in range(CODE_ATTEMPTS):
        code = ReferralCode(
            org_id=org.id,
            campaign_id=campaign.campaign_id,
            customer_id=customer.id,
            code=make_code(campaign.code_format, first_name),
            is_primary=True,
            registrations=0,
            transactions=0,
            created_at=clock.now(),
        )
        try:
            with session.begin_nested():
                repository.add(session, code)
            return code
        except IntegrityError:
            # Another referrer drew the same code, or a concurrent call made this one's.
            found = repository.primary_code(session, org.id, campaign.campaign_id, customer.id)
            if found is not None:
                return found
    raise Unavailable(
        campaigns.SYSTEM_ERROR,
        "Internal error occurred with the referral system: no unused referral code was found",
    )


def referrer_of_code(session: Session, org: OrgConfig, text: str) -> ReferralCode:
    """Return the code ``text`` (case-insensitive) of an active campaign (1205 unknown)."""
    code = canonical(text)
    found = repository.find_code(session, org.id, code) if 0 < len(code) <= MAX_CODE else None
    campaign = campaigns.by_id(org, found.campaign_id) if found is not None else None
    if found is None or campaign is None or not campaign.active:
        raise campaigns.unknown_code(text.strip())
    return found


def validate_code(
    session: Session, org: OrgConfig, text: str | None, token: str | None = None
) -> dict[str, Any]:
    """Answer whether ``text`` is a referral code, and whose (``campaignToken`` narrows it)."""
    if text is None or not text.strip():
        raise Invalid(400, "Input is invalid: code is required")
    campaign = campaigns.by_token(org, token) if token is not None else None
    try:
        code = referrer_of_code(session, org, text)
    except PatronError as error:
        return _not_valid(error.notice)
    if campaign is not None and code.campaign_id != campaign.campaign_id:
        return _not_valid(campaigns.unknown_code(text.strip()).notice)
    return {"valid": True, "referrer": code.customer_id, "warnings": []}


def _not_valid(notice: Notice) -> dict[str, Any]:
    return {"valid": False, "referrer": None, "warnings": [notice.as_dict()]}


def find_referrer(session: Session, org: OrgConfig, named: ReferrerIn | None) -> Customer:
    """Return the referrer an item's ``customer`` names (8013 none, 8015 unknown, 8069)."""
    if named is not None:
        for attribute, kind in _REFERRER_IDENTIFIERS:
            value = getattr(named, attribute)
            if value is not None and str(value).strip():
                return identify(session, org, kind, str(value))
    raise Invalid(
        INVALID_IDENTIFIER, "Customer identifier is invalid: id, mobile, email or externalId"
    )


def invite(
    session: Session, principal: Principal, body: InviteIn, customer_id: int | None = None
) -> dict[str, Any]:
    """Record the invitations of each item; answer them as sent, each invitee refused with
    its own ``errors`` (1206 unsupported type, 1701 bad identifier or date).

    ``customer_id`` (the path's) is the referrer of every item; without it, each item's
    ``customer`` names its referrer. A bad referrer or campaign refuses the whole call.
    """
    org = principal.org
    answers = []
    for item in body.customer_referrals:
        if customer_id is not None:
            referrer = get_customer(session, org.id, customer_id)
        else:
            referrer = find_referrer(session, org, item.customer)
        referrer = campaigns.eligible_referrer(session, org, referrer.id)
        campaign = campaigns.by_token(org, item.campaign_token)
        ensure_code(session, org, campaign, referrer)
        answers.append(_invite_item(session, principal, campaign, referrer, item))
    return {"customerReferrals": answers}


def _invite_item(
    session: Session,
    principal: Principal,
    campaign: ReferralCampaignDef,
    referrer: Customer,
    item: CustomerReferralIn,
) -> dict[str, Any]:
    answer: dict[str, Any] = item.model_dump(by_alias=True, exclude_unset=True)
    answer["referrals"] = []
    for group in item.referrals:
        kind = (group.type or "").strip().upper()
        invitees = []
        for invitee in group.referral:
            echo: dict[str, Any] = invitee.model_dump(by_alias=True, exclude_unset=True)
            if kind not in INVITEE_TYPES:
                echo["errors"] = [
                    Notice(
                        campaigns.TYPE_UNSUPPORTED,
                        f"Failed to add referral. Referral type {group.type!r} is not supported",
                    ).as_dict()
                ]
            else:
                try:
                    invited_at = _record(session, principal, campaign, referrer, kind, invitee)
                except Invalid as error:
                    echo["errors"] = [error.notice.as_dict()]
                else:
                    echo.setdefault(
                        "invitedOn", clock.local_datetime(invited_at, principal.org.zone)
                    )
            invitees.append(echo)
        answer["referrals"].append(
            {**group.model_dump(by_alias=True, exclude_unset=True), "referral": invitees}
        )
    return answer


def _invitee_identifier(org: OrgConfig, kind: str, text: str | None) -> str:
    value = (text or "").strip()
    normal = normalize_mobile(value, org.default_region) if kind == "MOBILE" else None
    if kind == "EMAIL":
        normal = normalize_email(value)
    if not value or normal is None:
        raise Invalid(
            campaigns.INVALID_INVITEE,
            f"Invalid identifier: {value!r} is not a valid {kind.lower()} of an invitee",
        )
    return normal


def _invited_at(org: OrgConfig, text: str | None) -> dt.datetime:
    if text is None or not text.strip():
        return clock.now()
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            campaigns.INVALID_INVITEE, f"Invalid invitedOn {text.strip()!r}: not a date-time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=org.zone)
    return moment.astimezone(dt.UTC)


def _record(
    session: Session,
    principal: Principal,
    campaign: ReferralCampaignDef,
    referrer: Customer,
    kind: str,
    invitee: InviteeIn,
) -> dt.datetime:
    """Record (or renew) one invitation; return when it was made."""
    org = principal.org
    identifier = _invitee_identifier(org, kind, invitee.identifier)
    invited_at = _invited_at(org, invitee.invited_on)
    name = (invitee.name or "").strip()
    found = repository.invitation(session, campaign.campaign_id, referrer.id, kind, identifier)
    if found is None:
        row = ReferralInvitation(
            org_id=org.id,
            campaign_id=campaign.campaign_id,
            referrer_id=referrer.id,
            type=kind,
            identifier=identifier,
            name=name,
            invited_at=invited_at,
            till_id=principal.till_id,
            created_at=clock.now(),
        )
        try:
            with session.begin_nested():
                repository.add(session, row)
            return invited_at
        except IntegrityError:
            # The same invitation made at the same moment by another call: renew it.
            found = repository.invitation(
                session, campaign.campaign_id, referrer.id, kind, identifier
            )
            if found is None:
                raise
    found.invited_at = invited_at
    found.name = name or found.name
    found.till_id = principal.till_id
    session.flush()
    return invited_at
