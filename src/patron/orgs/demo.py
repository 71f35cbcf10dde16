"""The demo org created on an empty database, so every documented call works at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.orgs import repository
from patron.orgs.schemas import OrgFile
from patron.orgs.service import apply_org_file

DEMO_ORG_ID = 100
DEMO_TILL_CODE = "demo.till"
DEMO_TILL_PASSWORD = "demo123"  # noqa: S105 - published demo credential
DEMO_CLIENT_KEY = "demo-key"
DEMO_CLIENT_SECRET = "demo-secret"  # noqa: S105 - published demo credential
# A second till, so that requests made by one till can be decided by another (9051).
DEMO_APPROVER_CODE = "demo.approver"
DEMO_APPROVER_PASSWORD = "demo123"  # noqa: S105 - published demo credential
DEMO_PROGRAM_ID = 1

DEMO_PROGRAM: dict[str, Any] = {
    "programId": DEMO_PROGRAM_ID,
    "name": "DemoLoyalty",
    "description": "The demo org's loyalty program",
    "default": True,
    "pointsToCurrencyRatio": "0.25",
    "tiers": [
        {"serialNumber": 1, "name": "BRONZE", "description": "BRONZE", "validityDays": 365},
        {
            "serialNumber": 2,
            "name": "SILVER",
            "description": "SILVER",
            "criterion": "LIFETIME_PURCHASES",
            "threshold": "10000",
            "validityDays": 365,
        },
        {
            "serialNumber": 3,
            "name": "GOLD",
            "description": "GOLD",
            "criterion": "LIFETIME_PURCHASES",
            "threshold": "50000",
            "validityDays": 365,
        },
    ],
    "earning": {
        "registration": {"kind": "FIXED", "points": "100"},
        "transaction": {
            "kind": "PRORATED",
            "percent": "1",
            "byTier": {
                "2": {"kind": "PRORATED", "percent": "1.5"},
                "3": {"kind": "PRORATED", "percent": "2"},
            },
        },
        "rounding": "HALF_UP",
        "delayedAccrualDays": 0,
    },
    "expiry": {"kind": "DAYS", "value": 365},
    "redemption": {"minimum": "50", "multiplesOf": "1"},
    "allowTransfer": True,
    "autoApproveGoodwill": False,
}

# The demo fleet: an OWNER with DRIVER children; the owner's group pools the drivers' points.
DEMO_HIERARCHY_CODE = "demo-fleet"
DEMO_OWNER_ROLE = "OWNER"
DEMO_DRIVER_ROLE = "DRIVER"
DEMO_HIERARCHY: dict[str, Any] = {
    "code": DEMO_HIERARCHY_CODE,
    "name": "Demo fleet",
    "description": "A fleet owner and its drivers, who earn into the owner's group",
    "roles": [
        {
            "code": DEMO_OWNER_ROLE,
            "name": "Owner",
            "childRoleCode": DEMO_DRIVER_ROLE,
            "maxChild": 10,
            "pointsAggregationRole": True,
        },
        {
            "code": DEMO_DRIVER_ROLE,
            "name": "Driver",
            "permissions": [
                {"permissionCode": "block_points_redemption", "permissionValue": True},
                {"permissionCode": "earn_points", "permissionValue": True},
            ],
        },
    ],
    "autoGroupCreationEnabled": True,
    "hierarchyCreationStrict": False,
    "skipRoleAllowed": False,
    "default": True,
}

# Two partner programs: an external one with tiers, and a supplementary membership of a year
# whose expiry reminder goes out 7 days before.
DEMO_PARTNER_ID = 1
DEMO_PARTNER_NAME = "DemoPartner"
DEMO_PLUS_ID = 2
DEMO_PLUS_NAME = "DemoPlus"
DEMO_PARTNER_PROGRAMS: list[dict[str, Any]] = [
    {
        "partnerProgramId": DEMO_PARTNER_ID,
        "name": DEMO_PARTNER_NAME,
        "description": "The demo org's external partner, with two tiers",
        "type": "EXTERNAL",
        "loyaltyProgramId": DEMO_PROGRAM_ID,
        "tierBased": True,
        "tiers": [{"tierNumber": 1, "tierName": "Blue"}, {"tierNumber": 2, "tierName": "Black"}],
        "pointsExchangeRate": "1",
    },
    {
        "partnerProgramId": DEMO_PLUS_ID,
        "name": DEMO_PLUS_NAME,
        "description": "The demo org's supplementary membership: a year, reminded 7 days before",
        "type": "SUPPLEMENTARY",
        "loyaltyProgramId": DEMO_PROGRAM_ID,
        "membershipPeriodType": "MONTHS",
        "membershipPeriodValue": 12,
        "reminderDaysBeforeExpiry": 7,
    },
]
# Two card series: one whose numbers patron generates, one whose numbers come from the brand.
DEMO_CARD_SERIES_CODE = "DEMO-GEN"
DEMO_EXTERNAL_SERIES_CODE = "DEMO-EXT"
DEMO_CARD_SERIES: list[dict[str, Any]] = [
    {
        "code": DEMO_CARD_SERIES_CODE,
        "name": "Demo cards",
        "description": "Digital cards patron numbers DEMO00000001, DEMO00000002, …",
        "type": "DIGITAL",
        "expiryDays": 365,
        "maxActiveCardsPerCustomer": 1,
        "cardGenerationConfiguration": {"prefix": "DEMO", "length": 12},
    },
    {
        "code": DEMO_EXTERNAL_SERIES_CODE,
        "name": "Demo partner cards",
        "description": "Physical cards numbered by the brand",
        "type": "PHYSICAL",
        "expiryDays": 0,
        "maxActiveCardsPerCustomer": 2,
    },
]

# One coupon series: 10 % off up to 100, valid 30 days from issue, one redemption per coupon.
DEMO_COUPON_SERIES_ID = 1
DEMO_COUPON_SERIES_CODE = "DEMO10"
DEMO_COUPON_SERIES: list[dict[str, Any]] = [
    {
        "seriesId": DEMO_COUPON_SERIES_ID,
        "seriesCode": DEMO_COUPON_SERIES_CODE,
        "description": "10% off, up to 100",
        "discountCode": DEMO_COUPON_SERIES_CODE,
        "discountType": "PERC",
        "discountValue": "10",
        "discountUpto": "100",
        "clientHandlingType": "DISC_CODE",
        "randomCodeLength": 8,
        "alphaNumeric": True,
        "validTillDate": "2099-12-31T23:59:59Z",
        "expiryStrategyType": "DAYS",
        "expiryStrategyValue": 30,
        "anyUser": False,
        "maxCreate": -1,
        "maxRedeem": -1,
        "redemptionPerCouponMaxLimit": 1,
    }
]
# One referral campaign: 50 points to the referrer for each referee who registers.
DEMO_REFERRAL_CAMPAIGN_ID = 1
DEMO_REFERRAL_TOKEN = "DEMOREF"  # noqa: S105 - a campaign name, not a secret
DEMO_REFERRAL_CAMPAIGNS: list[dict[str, Any]] = [
    {
        "campaignId": DEMO_REFERRAL_CAMPAIGN_ID,
        "campaignToken": DEMO_REFERRAL_TOKEN,
        "name": "Demo referrals",
        "loyaltyProgramId": DEMO_PROGRAM_ID,
        "codeFormat": {"length": 8},
        "invitationValidityDays": 30,
        "incentives": [
            {"recipient": "REFERRER", "trigger": "REGISTRATION", "every": 1, "points": "50"}
        ],
    }
]

DEMO_ORG: dict[str, Any] = {
    "orgId": DEMO_ORG_ID,
    "name": "Demo Org",
    "primaryIdentifier": "mobile",
    "defaultRegion": "IN",
    "timezone": "UTC",
    "sources": {
        "INSTORE": {},
        "FACEBOOK": {"accounts": ["FB-DEMO"]},
        "WEB_ENGAGE": {"accounts": ["WE-DEMO"]},
        "WECHAT": {"accounts": ["WECHAT-CM"]},
        "MARTJACK": {"accounts": ["MJ-DEMO"]},
        "TMALL": {},
        "TAOBAO": {},
        "JD": {},
        "ECOMMERCE": {},
        "WEBSITE": {},
        "LINE": {"accounts": ["LINE-DEMO"]},
        "MOBILE_APP": {"accounts": ["400"]},
    },
    "stores": [
        {
            "code": "store.demo",
            "name": "Demo Store",
            "externalId": "DEMO01",
            "tills": [
                {"code": DEMO_TILL_CODE, "name": DEMO_TILL_CODE, "password": DEMO_TILL_PASSWORD},
                {
                    "code": DEMO_APPROVER_CODE,
                    "name": DEMO_APPROVER_CODE,
                    "password": DEMO_APPROVER_PASSWORD,
                },
            ],
        }
    ],
    "apiClients": [{"key": DEMO_CLIENT_KEY, "secret": DEMO_CLIENT_SECRET, "till": DEMO_TILL_CODE}],
    "extendedFields": [
        {
            "name": "gender",
            "label": "Gender",
            "dataType": "ENUM",
            "allowedValues": ["Male", "Female", "Other"],
        },
        {"name": "city", "label": "City", "dataType": "STRING"},
        {"name": "dateofbirth", "label": "Date of birth", "dataType": "DATE"},
    ],
    "customFields": ["employee", "dateofbirth", "gender", "city"],
    "statusLabels": [
        {"label": "Active", "status": "ACTIVE", "default": True},
        {"label": "Suspended", "status": "SUSPENDED"},
        {"label": "Deleted", "status": "DELETED"},
        {"label": "Fraud Suspected", "status": "FRAUD_SUSPECTED"},
        {"label": "Fraud Confirmed", "status": "FRAUD_CONFIRMED"},
        {"label": "Internal", "status": "INTERNAL"},
        {"label": "Pending Deletion", "status": "PENDING_DELETION"},
    ],
    "loyaltyPrograms": [DEMO_PROGRAM],
    "hierarchies": [DEMO_HIERARCHY],
    "partnerPrograms": DEMO_PARTNER_PROGRAMS,
    "cardSeries": DEMO_CARD_SERIES,
    "couponSeries": DEMO_COUPON_SERIES,
    "referralCampaigns": DEMO_REFERRAL_CAMPAIGNS,
}


def demo_org_file() -> OrgFile:
    """Return the demo org as an org file."""
    return OrgFile.model_validate(DEMO_ORG)


def ensure_demo_org(session: Session) -> bool:
    """Create the demo org when the database has no org at all; tell whether it did."""
    if not repository.has_any_org(session):
        apply_org_file(session, demo_org_file())
        return True
    demo = repository.get_org(session, DEMO_ORG_ID)
    outdated = demo is not None and not (
        demo.loyalty_programs
        and demo.hierarchies
        and demo.partner_programs
        and demo.card_series
        and demo.coupon_series
        and demo.referral_campaigns
    )
    if demo is not None and demo.name == DEMO_ORG["name"] and outdated:
        # A demo org made by an earlier release gains its program, approver till and fleet.
        apply_org_file(session, demo_org_file())
    return False
