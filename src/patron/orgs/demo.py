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
                {"code": DEMO_TILL_CODE, "name": DEMO_TILL_CODE, "password": DEMO_TILL_PASSWORD}
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
}


def demo_org_file() -> OrgFile:
    """Return the demo org as an org file."""
    return OrgFile.model_validate(DEMO_ORG)


def ensure_demo_org(session: Session) -> bool:
    """Create the demo org when the database has no org at all; tell whether it did."""
    if repository.has_any_org(session):
        return False
    apply_org_file(session, demo_org_file())
    return True
