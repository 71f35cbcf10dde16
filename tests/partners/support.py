"""Helpers of the partner program tests: customers, and the three calls one item at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from patron.kit import clock
from tests.api.helpers import register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile

LINK = "/v2/partnerProgram/linkCustomer"
UPDATE = "/v2/partnerProgram/customerPartnerProgramUpdate"
DELINK = "/v2/partnerProgram/deLinkCustomer"
PARTNER = "DemoPartner"
PLUS = "DemoPlus"


def customer(api: Api) -> tuple[int, str]:
    """Register a loyalty customer; return its id and mobile."""
    mobile = unique_mobile()
    return register(api, registration(profile(mobile))), mobile


def day(offset: int) -> str:
    """Return the date ``offset`` days from today (UTC, the demo org's zone)."""
    return (clock.now().date() + dt.timedelta(days=offset)).isoformat()


def link(api: Api, mobile: str, name: str = PARTNER, **reference: Any) -> Any:
    """Link the customer to one program; ``reference`` is its customerPartnerReference."""
    item: dict[str, Any] = {"partnerProgramName": name}
    if name == PARTNER:
        reference = {"partnerMembershipId": "M-1", "partnerTierName": "Blue", **reference}
    if reference:
        item["customerPartnerReference"] = reference
    body = {"linkCustomers": [{"customer": {"mobile": mobile}, "linkToPartnerPrograms": [item]}]}
    return api.post(LINK, json=body)


def update(api: Api, mobile: str, kind: str | None, name: str = PARTNER, **details: Any) -> Any:
    """Apply one program update of the customer."""
    item: dict[str, Any] = {"partnerProgramName": name, "updateType": kind}
    if details:
        item["updateDetails"] = details
    body = {
        "customersPartnerUpdates": [
            {"customer": {"mobile": mobile}, "partnerProgramUpdates": [item]}
        ]
    }
    return api.post(UPDATE, json=body)


def delink(api: Api, mobile: str, name: str = PARTNER) -> Any:
    """Delink the customer from one program."""
    body = {
        "deLinkCustomers": [
            {
                "customer": {"mobile": mobile},
                "deLinkFromPartnerPrograms": [{"partnerProgramName": name}],
            }
        ]
    }
    return api.post(DELINK, json=body)


_LISTS = {
    "linkCustomers": "linkToPartnerPrograms",
    "customersPartnerUpdates": "partnerProgramUpdates",
    "deLinkCustomers": "deLinkFromPartnerPrograms",
}


def statuses(response: Any) -> list[dict[str, Any]]:
    """Return every program item's partnerLinkStatus of a 200 answer, in order."""
    assert response.status_code == 200, response.text
    body = response.json()
    [(outer, inner)] = [(k, v) for k, v in _LISTS.items() if k in body]
    return [item["partnerLinkStatus"] for entry in body[outer] for item in entry[inner]]


def status(response: Any) -> dict[str, Any]:
    """Return the one program item's partnerLinkStatus."""
    [only] = statuses(response)
    return only


def code(response: Any) -> int:
    """Return the one program item's status code (200: done)."""
    return int(status(response)["code"])


def linked_programs(api: Api, customer_id: int) -> list[dict[str, Any]]:
    """Return the default program's linkedPartnerPrograms of the customer."""
    response = api.get(f"/v2/customers/{customer_id}/loyaltyDetails")
    assert response.status_code == 200, response.text
    [details] = response.json()["data"]
    programs: list[dict[str, Any]] = details["linkedPartnerPrograms"]
    return programs
