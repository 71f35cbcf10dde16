"""Read views of memberships match the seed samples key for key, with the ledger's numbers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty import accounts, ledger
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.orgs.config import OrgConfig
from patron.orgs.service import load_org_config
from tests.api.helpers import codes, register
from tests.conftest import Api, make_org
from tests.factories import FIXTURES, profile


def sample(name: str) -> Any:
    return json.loads((FIXTURES / "seeds" / name).read_text())


def loyalty_customer(api: Api, mobile: str | None = None) -> int:
    body = {"loyaltyInfo": {"loyaltyType": "loyalty"}, "profiles": [profile(mobile)]}
    return register(api, body)


def spend(db: Database, org_id: int, customer_id: int, points: int) -> None:
    with unit_of_work(db.write_session) as session:
        account = ledger.find_account(session, org_id, customer_id, 1, lock=True)
        assert account is not None
        posting = Posting(Cause.MANUAL, None, None, clock.now())
        ledger.debit(session, account, Kind.REDEMPTION, Decimal(points), posting)


def test_loyalty_details_has_the_seed_keys_in_order(api: Api, db: Database) -> None:
    customer_id = loyalty_customer(api)
    spend(db, api.org.org_id, customer_id, 40)
    body = api.get(f"/v2/customers/{customer_id}/loyaltyDetails").json()
    expected = sample("loyalty_details.json")
    assert list(body) == list(expected)
    item = body["data"][0]
    assert list(item) == list(expected["data"][0])
    assert item["lifetimePoints"] == 100.0
    assert item["redeemed"] == 40.0
    assert item["loyaltyPoints"] == 60.0
    assert item["totalAvailablePoints"] == 60.0
    assert item["currentSlab"] == "BRONZE"
    assert item["nextSlab"] == "SILVER"
    assert item["nextSlabSerialNumber"] == 2
    assert item["slabSNo"] == 1
    assert item["programId"] == 1


def test_lookup_loyalty_details_finds_the_customer_by_identifier(api: Api) -> None:
    customer_id = loyalty_customer(api, "919811122233")
    response = api.get(
        "/v2/customers/lookup/loyaltyDetails?source=INSTORE&identifierName=mobile"
        "&identifierValue=919811122233"
    )
    assert response.status_code == 200, response.text
    expected = sample("lookup_loyalty_details.json")
    assert list(response.json()) == list(expected)
    assert list(response.json()["data"][0]) == list(expected["data"][0])
    assert response.json()["data"][0]["loyaltyId"] == customer_id


def test_program_id_narrows_and_unknown_program_is_refused(api: Api) -> None:
    customer_id = loyalty_customer(api)
    one = api.get(f"/v2/customers/{customer_id}/loyaltyDetails?programId=1")
    assert [item["programId"] for item in one.json()["data"]] == [1]
    assert codes(api.get(f"/v2/customers/{customer_id}/loyaltyDetails?programId=77")) == [8089]


def test_unknown_customer_is_8015(api: Api) -> None:
    assert codes(api.get("/v2/customers/999999999/loyaltyDetails")) == [8015]


def test_embed_points_has_the_seed_keys(api: Api) -> None:
    customer_id = loyalty_customer(api)
    summary = api.get(f"/v2/customers/{customer_id}?embed=points").json()["pointsSummary"]
    assert list(summary) == list(sample("points_summary.json")["pointsSummary"])
    assert summary["loyaltyPoints"] == 100.0


def test_embed_mlp_by_id_has_the_short_seed_keys(api: Api) -> None:
    customer_id = loyalty_customer(api)
    details = api.get(f"/v2/customers/{customer_id}?embed=mlp").json()["loyaltyProgramDetails"]
    assert list(details[0]) == list(sample("mlp_by_id.json")["loyaltyProgramDetails"][0])


def test_customer_details_mlp_has_the_program_keys(api: Api) -> None:
    loyalty_customer(api, "919811122244")
    response = api.get(
        "/v2/customers/lookup/customerDetails?source=INSTORE&identifierName=mobile"
        "&identifierValue=919811122244&embed=mlp"
    )
    details = response.json()["loyaltyProgramDetails"]
    assert list(details[0]) == list(sample("customer_details_mlp.json")["loyaltyProgramDetails"][0])
    assert details[0]["programTitle"] == "DemoLoyalty"
    assert details[0]["programPointsToCurrencyRatio"] == 0.25


def test_embed_promotional_points_is_empty_without_promotions(api: Api) -> None:
    customer_id = loyalty_customer(api)
    body = api.get(f"/v2/customers/{customer_id}?embed=promotionalPoints").json()
    expected = sample("promotional_points.json")["promotionalPoints"]
    assert list(body["promotionalPoints"]) == list(expected)
    assert all(value == [] for value in body["promotionalPoints"].values())


def test_lifetime_purchases_come_from_the_account(api: Api, db: Database) -> None:
    customer_id = loyalty_customer(api)
    with unit_of_work(db.write_session) as session:
        account = ledger.find_account(session, api.org.org_id, customer_id, 1, lock=True)
        assert account is not None
        account.purchases = Decimal("1234.5")
    body = api.get(f"/v2/customers/{customer_id}").json()
    assert body["loyaltyInfo"]["lifetimePurchases"] == 1234.5


def test_merge_moves_points_lot_by_lot_to_the_survivor(api: Api, db: Database) -> None:
    holder_mobile = "919811122255"
    holder = register(
        api,
        {
            "loyaltyInfo": {"loyaltyType": "loyalty"},
            "profiles": [profile(holder_mobile, source="WEBSITE")],
        },
    )
    victim = loyalty_customer(api)
    with unit_of_work(db.write_session) as session:
        org = api_org(session, api)
        program = org.default_program
        assert program is not None
        account = accounts.enrol(session, org, program, victim, clock.now())
        posting = Posting(Cause.MANUAL, None, None, clock.now())
        ledger.credit(session, account, Kind.GOODWILL, Decimal(25), posting, expires_at=None)
    response = api.post(
        f"/v2/customers/{victim}/changeIdentifier?source=INSTORE",
        json={"add": [{"type": "mobile", "value": holder_mobile}]},
    )
    assert response.json()["createdId"] == holder
    survivor = api.get(f"/v2/customers/{holder}/loyaltyDetails").json()["data"][0]
    assert survivor["loyaltyPoints"] == 225.0
    with unit_of_work(db.read_session) as session:
        moved = ledger.find_account(session, api.org.org_id, victim, 1)
        assert moved is not None
        assert moved.points == 0
        assert moved.transferred_out == 125


def api_org(session: Session, api: Api) -> OrgConfig:
    org = load_org_config(session, api.org.org_id)
    assert org is not None
    return org


def test_a_merged_customer_s_transfers_show_on_the_survivor(api: Api) -> None:
    holder_mobile = "919811122266"
    holder = register(
        api,
        {
            "loyaltyInfo": {"loyaltyType": "loyalty"},
            "profiles": [profile(holder_mobile, source="WEBSITE")],
        },
    )
    victim = loyalty_customer(api)
    friend = loyalty_customer(api)
    sent = api.post(
        "/v2/points/transfer",
        json={
            "pointsTobeTransferred": 20,
            "fromCustomerIdentifier": {"type": "ID", "value": str(victim)},
            "toCustomerIdentifier": {"type": "ID", "value": str(friend)},
        },
    )
    assert sent.status_code == 200, sent.text
    merged = api.post(
        f"/v2/customers/{victim}/changeIdentifier?source=INSTORE",
        json={"add": [{"type": "mobile", "value": holder_mobile}]},
    )
    assert merged.json()["createdId"] == holder
    transfers = api.get(f"/v2/customers/{holder}/pointsTransfers").json()["data"]
    assert [(t["transferType"], t["pointsTransferred"]) for t in transfers] == [("DEDUCTION", 20.0)]
    assert (
        api.get(f"/v2/customers/{holder}/loyaltyDetails").json()["data"][0]["loyaltyPoints"]
        == 180.0
    )


def test_an_org_without_programs_answers_every_loyalty_embed(
    app_client: TestClient, db: Database
) -> None:
    api = Api(app_client, make_org(db, loyaltyPrograms=[]))
    customer_id = loyalty_customer(api)
    embeds = "points,mlp,promotionalPoints,expirySchedules,expiredPoints"
    response = api.get(f"/v2/customers/{customer_id}?embed={embeds}")
    assert response.status_code == 200, response.text
    assert response.json()["loyaltyProgramDetails"] == []
    assert api.get(f"/v2/customers/{customer_id}/loyaltyDetails").json()["data"] == []
