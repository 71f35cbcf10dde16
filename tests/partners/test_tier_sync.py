"""``syncWithLoyaltyTierOnDowngrade``: a tier-based supplementary membership follows the
customer's loyalty tier down (a manual DOWNGRADE, a failed renewal), with partnerProgramUpdated;
programs without the setting, and upgrades, leave the partner tier alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from patron.db import Database
from patron.kit import clock
from tests.api.helpers import events
from tests.conftest import Api, make_org
from tests.loyalty.test_expiry import put_in_tier
from tests.loyalty.test_tiers import adjust, renew, slab_body
from tests.partners.support import code, customer, link, linked_programs

SYNCED = "PlusTiers"
UNSYNCED = "PlusFixed"
UPDATED = "partnerProgramUpdated"


def supplementary(program_id: int, name: str, *, sync: bool) -> dict[str, Any]:
    return {
        "partnerProgramId": program_id,
        "name": name,
        "type": "SUPPLEMENTARY",
        "membershipPeriodType": "MONTHS",
        "membershipPeriodValue": 12,
        "tierBased": True,
        "tiers": [
            {"tierNumber": 1, "tierName": "P1"},
            {"tierNumber": 2, "tierName": "P2"},
            {"tierNumber": 3, "tierName": "P3"},
        ],
        "syncWithLoyaltyTierOnDowngrade": sync,
    }


@pytest.fixture
def synced(api: Api, db: Database) -> Api:
    """An org of its own with a synced and an unsynced tier-based supplementary program."""
    programs = [supplementary(7, SYNCED, sync=True), supplementary(8, UNSYNCED, sync=False)]
    return Api(api.client, make_org(db, partnerPrograms=programs))


def tiers(api: Api, customer_id: int) -> dict[str, int]:
    return {
        p["partnerProgramName"]: p["partnerTierNumber"] for p in linked_programs(api, customer_id)
    }


def in_gold_with_both(api: Api) -> tuple[int, str]:
    customer_id, mobile = customer(api)
    response = adjust(api, mobile, slab_body("UPGRADE", toSlabName="GOLD"))
    assert response.status_code == 200, response.text
    assert code(link(api, mobile, SYNCED, partnerTierName="P3")) == 200
    assert code(link(api, mobile, UNSYNCED, partnerTierName="P3")) == 200
    return customer_id, mobile


def test_a_manual_downgrade_lowers_the_synced_partner_tier(synced: Api, db: Database) -> None:
    customer_id, mobile = in_gold_with_both(synced)
    response = adjust(synced, mobile, slab_body("DOWNGRADE", toSlabName="SILVER"))
    assert response.status_code == 200, response.text
    assert tiers(synced, customer_id) == {SYNCED: 2, UNSYNCED: 3}
    [updated] = events(db, synced.org.org_id, UPDATED)
    assert (updated.data["partnerProgramName"], updated.data["updateType"]) == (SYNCED, "DOWNGRADE")
    assert updated.data["customerPartnerProgramDetails"]["partnerTierNumber"] == 2


def test_a_failed_renewal_lowers_the_synced_partner_tier(synced: Api, db: Database) -> None:
    org_id = synced.org.org_id
    customer_id, mobile = customer(synced)
    put_in_tier(db, org_id, customer_id, 3, clock.now() - dt.timedelta(days=370))
    assert code(link(synced, mobile, SYNCED, partnerTierName="P3")) == 200
    assert renew(db, org_id, clock.now()).downgraded == 1
    assert tiers(synced, customer_id) == {SYNCED: 2}
    assert len(events(db, org_id, UPDATED)) == 1


def test_a_partner_tier_already_below_the_loyalty_tier_is_left_alone(
    synced: Api, db: Database
) -> None:
    customer_id, mobile = customer(synced)
    assert adjust(synced, mobile, slab_body("UPGRADE", toSlabName="GOLD")).status_code == 200
    assert code(link(synced, mobile, SYNCED, partnerTierName="P1")) == 200
    assert adjust(synced, mobile, slab_body("DOWNGRADE", toSlabName="SILVER")).status_code == 200
    assert tiers(synced, customer_id) == {SYNCED: 1}
    assert events(db, synced.org.org_id, UPDATED) == []


def test_an_upgrade_leaves_the_partner_tier_alone(synced: Api, db: Database) -> None:
    customer_id, mobile = customer(synced)
    assert code(link(synced, mobile, SYNCED, partnerTierName="P1")) == 200
    assert adjust(synced, mobile, slab_body("UPGRADE", toSlabName="GOLD")).status_code == 200
    assert tiers(synced, customer_id) == {SYNCED: 1}
    assert events(db, synced.org.org_id, UPDATED) == []


def test_a_downgrade_without_partner_memberships_changes_nothing_else(
    synced: Api, db: Database
) -> None:
    _, mobile = customer(synced)
    assert adjust(synced, mobile, slab_body("UPGRADE", toSlabName="GOLD")).status_code == 200
    assert adjust(synced, mobile, slab_body("DOWNGRADE", toSlabName="BRONZE")).status_code == 200
    assert events(db, synced.org.org_id, UPDATED) == []
