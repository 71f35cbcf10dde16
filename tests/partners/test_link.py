"""``POST /v2/partnerProgram/linkCustomer``: links, their codes, and loyaltyDetails."""

from __future__ import annotations

import datetime as dt
import uuid

from patron.db import Database
from tests.api.helpers import codes, events, register
from tests.conftest import Api, make_org
from tests.factories import profile, registration, unique_mobile
from tests.groups.test_membership_lifecycle import holder, merge
from tests.partners.support import (
    LINK,
    PARTNER,
    PLUS,
    code,
    customer,
    day,
    link,
    linked_programs,
    status,
    statuses,
)


def test_an_external_link_answers_success_and_shows_in_loyalty_details(api: Api) -> None:
    customer_id, mobile = customer(api)
    response = link(api, mobile, partnerTierName="black", partnerTierExpiryDate=day(30))
    assert status(response) == {
        "status": True,
        "message": "Customer linked to the partner program",
        "code": 200,
    }
    [entry] = response.json()["linkCustomers"]
    assert entry["customer"] == {"mobile": mobile}
    assert entry["linkToPartnerPrograms"][0]["partnerProgramName"] == PARTNER
    assert linked_programs(api, customer_id) == [
        {
            "partnerProgramId": 1,
            "partnerProgramName": PARTNER,
            "partnerProgramDescription": "The demo org's external partner, with two tiers",
            "partnerTierNumber": 2,
            "partnerTierName": "Black",
            "partnerTierExpiryDate": f"{day(30)}T23:59:59+00:00",
            "partnerMembershipId": "M-1",
            "partnerProgramType": "EXTERNAL",
            "tierBased": True,
        }
    ]


def test_a_program_without_tiers_shows_no_tier_keys(api: Api) -> None:
    customer_id, mobile = customer(api)
    assert code(link(api, mobile, PLUS, partnerMembershipId="P-9")) == 200
    assert linked_programs(api, customer_id) == [
        {
            "partnerProgramId": 2,
            "partnerProgramName": PLUS,
            "partnerProgramDescription": "The demo org's supplementary membership: a year, "
            "reminded 7 days before",
            "partnerMembershipId": "P-9",
            "partnerProgramType": "SUPPLEMENTARY",
            "tierBased": False,
        }
    ]


def test_the_lookup_variant_of_loyalty_details_shows_the_links(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    response = api.get(
        "/v2/customers/lookup/loyaltyDetails",
        params={"source": "INSTORE", "identifierName": "mobile", "identifierValue": mobile},
    )
    assert response.status_code == 200, response.text
    [details] = response.json()["data"]
    assert [p["partnerProgramName"] for p in details["linkedPartnerPrograms"]] == [PARTNER]


def test_a_supplementary_membership_expires_a_period_after_its_start(
    api: Api, db: Database
) -> None:
    _, mobile = customer(api)
    response = link(api, mobile, PLUS, membershipStartDate="2026-01-31")
    assert code(response) == 200
    [linked] = events(db, api.org.org_id, "partnerProgramLinked")
    details = linked.data["customerPartnerProgramDetails"]
    assert details["membershipExpiryDate"] == "2027-01-31"


def test_a_supplementary_membership_starting_today_expires_in_twelve_months(
    api: Api, db: Database
) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, PLUS)) == 200
    [linked] = events(db, api.org.org_id, "partnerProgramLinked")
    expiry = dt.date.fromisoformat(
        linked.data["customerPartnerProgramDetails"]["membershipExpiryDate"]
    )
    today = dt.date.fromisoformat(day(0))
    assert (expiry.year, expiry.month) == (today.year + 1, today.month)


def test_customers_are_found_by_email_and_external_id(api: Api) -> None:
    email, external = f"{uuid.uuid4().hex[:10]}@example.com", f"X{uuid.uuid4().hex[:10]}"
    identifiers = [
        {"type": "mobile", "value": unique_mobile()},
        {"type": "email", "value": email},
        {"type": "externalId", "value": external},
    ]
    register(api, registration(profile(identifiers=identifiers)))
    body = {
        "linkCustomers": [
            {"customer": {"email": email}, "linkToPartnerPrograms": [{"partnerProgramName": PLUS}]},
            {
                "customer": {"externalId": external},
                "linkToPartnerPrograms": [
                    {
                        "partnerProgramName": PARTNER,
                        "customerPartnerReference": {"partnerTierName": "Blue"},
                    }
                ],
            },
        ]
    }
    assert [s["code"] for s in statuses(api.post(LINK, json=body))] == [200, 200]


def test_an_empty_program_name_answers_2002(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, " ")) == 2002


def test_a_tier_expiry_in_the_past_answers_2003(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, partnerTierExpiryDate=day(-1))) == 2003


def test_linking_twice_answers_2005(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile)) == 200
    assert code(link(api, mobile)) == 2005


def test_an_unknown_program_answers_2006(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, "NoSuchProgram")) == 2006


def test_an_unknown_tier_answers_2007(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, partnerTierName="Gold")) == 2007


def test_a_tier_based_program_without_a_tier_answers_2007(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, partnerTierName="")) == 2007


def test_more_than_fifty_customers_answer_2008(api: Api) -> None:
    entry = {"customer": {"mobile": unique_mobile()}, "linkToPartnerPrograms": []}
    response = api.post(LINK, json={"linkCustomers": [entry] * 51})
    assert response.status_code == 400
    assert codes(response) == [2008]


def test_a_date_that_is_no_date_answers_2001(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, PLUS, membershipStartDate="soon")) == 2001


def test_an_unknown_customer_answers_8015(api: Api) -> None:
    assert code(link(api, unique_mobile())) == 8015


def test_a_customer_without_identifier_answers_8013(api: Api) -> None:
    body = {
        "linkCustomers": [{"customer": {}, "linkToPartnerPrograms": [{"partnerProgramName": PLUS}]}]
    }
    assert code(api.post(LINK, json=body)) == 8013


def test_an_overlong_name_is_refused_with_400(api: Api) -> None:
    _, mobile = customer(api)
    assert link(api, mobile, "x" * 5000).status_code == 400


def test_one_failed_item_leaves_the_other_linked(api: Api, db: Database) -> None:
    customer_id, mobile = customer(api)
    items = [{"partnerProgramName": "Nope"}, {"partnerProgramName": PLUS}]
    body = {"linkCustomers": [{"customer": {"mobile": mobile}, "linkToPartnerPrograms": items}]}
    assert [s["code"] for s in statuses(api.post(LINK, json=body))] == [2006, 200]
    assert [p["partnerProgramName"] for p in linked_programs(api, customer_id)] == [PLUS]
    assert len(events(db, api.org.org_id, "partnerProgramLinked")) == 1


def _single_scheme_api(api: Api, db: Database, *, auto_delink: bool) -> Api:
    settings = {"oneCustomerOneScheme": True, "autoDelinkWhenLinkingAnother": auto_delink}
    org = make_org(db, partnerProgramSettings=settings)
    return Api(api.client, org)


def test_one_scheme_per_customer_refuses_a_second_program_with_2005(api: Api, db: Database) -> None:
    single = _single_scheme_api(api, db, auto_delink=False)
    customer_id, mobile = customer(single)
    assert code(link(single, mobile)) == 200
    assert code(link(single, mobile, PLUS)) == 2005
    assert [p["partnerProgramName"] for p in linked_programs(single, customer_id)] == [PARTNER]


def test_auto_delink_replaces_the_current_program_with_a_delinked_event(
    api: Api, db: Database
) -> None:
    single = _single_scheme_api(api, db, auto_delink=True)
    customer_id, mobile = customer(single)
    assert code(link(single, mobile)) == 200
    assert code(link(single, mobile, PLUS)) == 200
    assert [p["partnerProgramName"] for p in linked_programs(single, customer_id)] == [PLUS]
    [delinked] = events(db, single.org.org_id, "partnerProgramDelinked")
    assert delinked.data["partnerProgramName"] == PARTNER


def test_a_customer_is_found_by_id(api: Api) -> None:
    customer_id, _ = customer(api)
    body = {
        "linkCustomers": [
            {
                "customer": {"id": customer_id},
                "linkToPartnerPrograms": [{"partnerProgramName": PLUS}],
            }
        ]
    }
    assert code(api.post(LINK, json=body)) == 200


def test_a_merged_customers_id_answers_8069(api: Api) -> None:
    survivor, survivor_mobile = holder(api)
    victim, _ = customer(api)
    merge(api, victim, survivor_mobile)
    body = {
        "linkCustomers": [
            {"customer": {"id": victim}, "linkToPartnerPrograms": [{"partnerProgramName": PLUS}]}
        ]
    }
    failed = status(api.post(LINK, json=body))
    assert (failed["code"], failed["message"].endswith(str(survivor))) == (8069, True)


def test_an_id_beyond_64_bits_is_refused_with_400(api: Api) -> None:
    body = {
        "linkCustomers": [
            {"customer": {"id": 2**64}, "linkToPartnerPrograms": [{"partnerProgramName": PLUS}]}
        ]
    }
    assert api.post(LINK, json=body).status_code == 400


def test_a_program_name_of_the_wrong_type_is_refused_with_400(api: Api) -> None:
    _, mobile = customer(api)
    body = {
        "linkCustomers": [
            {"customer": {"mobile": mobile}, "linkToPartnerPrograms": [{"partnerProgramName": 7}]}
        ]
    }
    assert api.post(LINK, json=body).status_code == 400


def test_a_nul_byte_is_refused_with_400(api: Api) -> None:
    _, mobile = customer(api)
    assert link(api, mobile, "Demo\u0000Plus").status_code == 400


def test_a_date_at_the_end_of_the_calendar_answers_2001(api: Api) -> None:
    _, mobile = customer(api)
    assert code(link(api, mobile, PLUS, membershipStartDate="9999-12-31")) == 2001


def test_a_period_ending_beyond_the_calendar_answers_2001(api: Api, db: Database) -> None:
    endless = {
        "partnerProgramId": 9,
        "name": "Endless",
        "type": "SUPPLEMENTARY",
        "membershipPeriodType": "MONTHS",
        "membershipPeriodValue": 100_000,
    }
    other = Api(api.client, make_org(db, partnerPrograms=[endless]))
    _, mobile = customer(other)
    assert code(link(other, mobile, "Endless")) == 2001
