"""``GET /v2/organization/programs``: the loyalty programs with their partner programs."""

from __future__ import annotations

from tests.conftest import Api


def test_programs_list_the_demo_program_with_its_two_partner_programs(api: Api) -> None:
    response = api.get("/v2/organization/programs")
    assert response.status_code == 200, response.text
    [program] = response.json()["data"]
    assert set(program) == {
        "programId",
        "programName",
        "pointsToCurrencyRatio",
        "programDescription",
        "default",
        "partnerPrograms",
    }
    assert (program["programId"], program["default"]) == (1, True)
    partner, plus = program["partnerPrograms"]
    assert partner == {
        "partnerProgramId": 1,
        "partnerProgramName": "DemoPartner",
        "partnerProgramDescription": "The demo org's external partner, with two tiers",
        "partnerProgramTiers": [
            {"tierNumber": 1, "tierName": "Blue"},
            {"tierNumber": 2, "tierName": "Black"},
        ],
        "pointsExchangeRate": 1.0,
        "partnerProgramType": "EXTERNAL",
        "membershipPeriodType": None,
        "membershipPeriodValue": None,
        "tierBased": True,
    }
    assert (plus["partnerProgramName"], plus["partnerProgramType"]) == ("DemoPlus", "SUPPLEMENTARY")
    assert (plus["membershipPeriodType"], plus["membershipPeriodValue"]) == ("MONTHS", 12)
    assert (plus["partnerProgramTiers"], plus["tierBased"]) == ([], False)


def test_programs_need_credentials(api: Api) -> None:
    assert api.client.get("/v2/organization/programs").status_code == 401
