"""Over real sockets, on the demo org: a customer linked to DemoPartner, upgraded and delinked,
each change read back in loyaltyDetails on another connection than its write."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.process import Server

_mobiles = itertools.count(40_000_000)


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def register(client: httpx.Client) -> tuple[int, str]:
    mobile = f"9195{next(_mobiles):08d}"
    body = {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [
            {
                "firstName": "Ada",
                "source": "INSTORE",
                "identifiers": [{"type": "mobile", "value": mobile}],
            }
        ],
    }
    return int(ok(client.post("/v2/customers", json=body))["createdId"]), mobile


def program_status(body: dict[str, Any], outer: str, inner: str) -> dict[str, Any]:
    [entry] = body[outer]
    [item] = entry[inner]
    status: dict[str, Any] = item["partnerLinkStatus"]
    return status


def linked(client: httpx.Client, customer_id: int) -> list[dict[str, Any]]:
    [details] = ok(client.get(f"/v2/customers/{customer_id}/loyaltyDetails"))["data"]
    programs: list[dict[str, Any]] = details["linkedPartnerPrograms"]
    return programs


@pytest.fixture
def writer(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def reader(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def test_a_customer_is_linked_upgraded_and_delinked(
    writer: httpx.Client, reader: httpx.Client
) -> None:
    customer_id, mobile = register(writer)
    who = {"mobile": mobile}
    link = {
        "linkCustomers": [
            {
                "customer": who,
                "linkToPartnerPrograms": [
                    {
                        "partnerProgramName": "DemoPartner",
                        "customerPartnerReference": {
                            "partnerMembershipId": "SRV-1",
                            "partnerTierName": "Blue",
                        },
                    }
                ],
            }
        ]
    }
    answer = ok(writer.post("/v2/partnerProgram/linkCustomer", json=link))
    assert program_status(answer, "linkCustomers", "linkToPartnerPrograms")["code"] == 200
    [shown] = linked(reader, customer_id)
    assert (shown["partnerMembershipId"], shown["partnerTierName"]) == ("SRV-1", "Blue")
    upgrade = {
        "customersPartnerUpdates": [
            {
                "customer": who,
                "partnerProgramUpdates": [
                    {
                        "partnerProgramName": "DemoPartner",
                        "updateType": "UPGRADE",
                        "updateDetails": {"updatedTierName": "Black"},
                    }
                ],
            }
        ]
    }
    answer = ok(writer.post("/v2/partnerProgram/customerPartnerProgramUpdate", json=upgrade))
    assert program_status(answer, "customersPartnerUpdates", "partnerProgramUpdates")["status"]
    assert linked(reader, customer_id)[0]["partnerTierName"] == "Black"
    unlink = {
        "deLinkCustomers": [
            {"customer": who, "deLinkFromPartnerPrograms": [{"partnerProgramName": "DemoPartner"}]}
        ]
    }
    answer = ok(writer.post("/v2/partnerProgram/deLinkCustomer", json=unlink))
    assert program_status(answer, "deLinkCustomers", "deLinkFromPartnerPrograms")["code"] == 200
    assert linked(reader, customer_id) == []
    again = ok(writer.post("/v2/partnerProgram/deLinkCustomer", json=unlink))
    assert program_status(again, "deLinkCustomers", "deLinkFromPartnerPrograms")["code"] == 2004


def test_the_programs_of_the_demo_org_list_its_partner_programs(reader: httpx.Client) -> None:
    [program] = ok(reader.get("/v2/organization/programs"))["data"]
    names = [p["partnerProgramName"] for p in program["partnerPrograms"]]
    assert names == ["DemoPartner", "DemoPlus"]
