"""``POST /v2/partnerProgram/customerPartnerProgramUpdate`` and ``/deLinkCustomer``."""

from __future__ import annotations

import pytest

from patron.db import Database
from tests.api.helpers import codes, events
from tests.conftest import Api
from tests.factories import unique_mobile
from tests.partners.support import (
    DELINK,
    PLUS,
    UPDATE,
    code,
    customer,
    day,
    delink,
    link,
    linked_programs,
    status,
    update,
)


@pytest.mark.parametrize("kind", ["UPGRADE", "update"])
def test_an_upgrade_changes_the_tier_shown(api: Api, db: Database, kind: str) -> None:
    customer_id, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    response = update(api, mobile, kind, updatedTierName="Black", updatedTierExpiryDate=day(10))
    assert status(response) == {
        "status": True,
        "message": "Partner program membership updated",
        "code": 200,
    }
    [shown] = linked_programs(api, customer_id)
    assert (shown["partnerTierNumber"], shown["partnerTierName"]) == (2, "Black")
    assert shown["partnerTierExpiryDate"] == f"{day(10)}T23:59:59+00:00"
    [updated] = events(db, api.org.org_id, "partnerProgramUpdated")
    assert updated.data["updateType"] == kind.upper()
    assert updated.data["customerPartnerProgramDetails"]["partnerTierNumber"] == 2


def test_a_downgrade_lowers_the_tier(api: Api) -> None:
    customer_id, mobile = customer(api)
    assert code(link(api, mobile, partnerTierName="Black")) == 200
    assert code(update(api, mobile, "DOWNGRADE", updatedTierName="Blue")) == 200
    assert linked_programs(api, customer_id)[0]["partnerTierNumber"] == 1


@pytest.mark.parametrize("kind", ["RENEWAL", "RENEW"])
def test_a_renewal_extends_a_supplementary_membership_by_a_period(
    api: Api, db: Database, kind: str
) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(0))) == 200
    assert code(update(api, mobile, kind, PLUS)) == 200
    [linked] = events(db, api.org.org_id, "partnerProgramLinked")
    [updated] = events(db, api.org.org_id, "partnerProgramUpdated")
    first = linked.data["customerPartnerProgramDetails"]["membershipExpiryDate"]
    renewed = updated.data["customerPartnerProgramDetails"]["membershipExpiryDate"]
    assert int(renewed[:4]) == int(first[:4]) + 1
    assert renewed[4:] == first[4:]


def test_an_update_before_any_link_answers_2004(api: Api) -> None:
    _, mobile = customer(api)
    assert code(update(api, mobile, "UPGRADE", updatedTierName="Black")) == 2004


@pytest.mark.parametrize("kind", ["SIDEGRADE", None])
def test_an_unknown_or_missing_update_type_answers_2009(api: Api, kind: str | None) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    assert code(update(api, mobile, kind, updatedTierName="Black")) == 2009


def test_an_update_to_an_unknown_tier_answers_2007(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    assert code(update(api, mobile, "UPGRADE", updatedTierName="Gold")) == 2007


def test_an_update_with_a_past_tier_expiry_answers_2003(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    result = update(api, mobile, "UPDATE", updatedTierName="Black", updatedTierExpiryDate=day(-3))
    assert code(result) == 2003


def test_an_update_of_an_unknown_program_answers_2006(api: Api) -> None:
    _, mobile = customer(api)
    assert code(update(api, mobile, "UPGRADE", "Nope")) == 2006


def test_an_update_without_program_name_answers_2002(api: Api) -> None:
    _, mobile = customer(api)
    assert code(update(api, mobile, "UPGRADE", "")) == 2002


def test_cancelling_a_relink_that_is_not_pending_answers_2001(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, PLUS)) == 200
    assert code(update(api, mobile, "MEMBERSHIP_RELINKING_CANCELLED", PLUS)) == 2001


def test_an_update_of_more_than_fifty_customers_answers_2008(api: Api) -> None:
    entry = {"customer": {"mobile": unique_mobile()}, "partnerProgramUpdates": []}
    response = api.post(UPDATE, json={"customersPartnerUpdates": [entry] * 51})
    assert (response.status_code, codes(response)) == (400, [2008])


def test_a_delink_removes_the_program_and_writes_its_event(api: Api, db: Database) -> None:
    customer_id, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    assert status(delink(api, mobile)) == {
        "status": True,
        "message": "Customer delinked from the partner program",
        "code": 200,
    }
    assert linked_programs(api, customer_id) == []
    [delinked] = events(db, api.org.org_id, "partnerProgramDelinked")
    assert delinked.data["customerIdentifiers"]["customerId"] == customer_id
    assert "customerPartnerProgramDetails" not in delinked.data


def test_a_delink_of_an_unlinked_program_answers_2004(api: Api) -> None:
    _, mobile = customer(api)
    assert code(delink(api, mobile)) == 2004


def test_a_delink_of_an_unknown_program_answers_2006(api: Api) -> None:
    _, mobile = customer(api)
    assert code(delink(api, mobile, "Nope")) == 2006


def test_a_delink_without_program_name_answers_2002(api: Api) -> None:
    _, mobile = customer(api)
    assert code(delink(api, mobile, "  ")) == 2002


def test_a_delink_of_more_than_fifty_customers_answers_2008(api: Api) -> None:
    entry = {"customer": {"mobile": unique_mobile()}, "deLinkFromPartnerPrograms": []}
    response = api.post(DELINK, json={"deLinkCustomers": [entry] * 51})
    assert (response.status_code, codes(response)) == (400, [2008])


def test_a_relink_after_a_delink_succeeds(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    assert code(delink(api, mobile)) == 200
    assert code(link(api, mobile)) == 200


def test_a_tier_expiry_at_the_end_of_the_calendar_answers_2001(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    result = update(
        api, mobile, "UPDATE", updatedTierName="Black", updatedTierExpiryDate="9999-12-31"
    )
    assert code(result) == 2001
