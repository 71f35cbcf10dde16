"""Card series: the org file's and those created through the API, listed and found."""

from __future__ import annotations

from tests.cards.support import EXTERNAL, GENERATED, error, generate, ok
from tests.conftest import Api

PHYSICAL = {
    "name": "Gold plastic",
    "code": "GOLD-PHY",
    "type": "PHYSICAL",
    "expiryDays": 30,
    "maxActiveCardsPerCustomer": 3,
}


def test_the_org_files_series_are_listed_without_ids_until_a_write_stores_them(
    api: Api,
) -> None:
    before = ok(api.get("/v2/card/series"))["entity"]
    assert [(s["code"], s["id"]) for s in before] == [(GENERATED, None), (EXTERNAL, None)]
    generate(api)
    after = ok(api.get("/v2/card/series"))["entity"]
    assert [s["code"] for s in after] == [GENERATED, EXTERNAL]
    assert all(isinstance(s["id"], int) for s in after)


def test_the_demo_generated_series_shows_its_definition(api: Api) -> None:
    (found,) = ok(api.get("/v2/card/series", params={"code": GENERATED}))["entity"]
    assert found["cardGenerationConfiguration"] == {
        "prefix": "DEMO",
        "suffix": "",
        "length": 12,
        "offset": 0,
    }
    assert (found["type"], found["expiryDays"], found["maxActiveCardsPerCustomer"]) == (
        "DIGITAL",
        365,
        1,
    )
    assert (found["generated"], found["source"], found["trigger"]) == (True, "FILE", "SERIES_ID")


def test_a_created_series_answers_its_id_and_is_found_by_id_and_code(api: Api) -> None:
    created = ok(api.post("/v2/card/series", json=PHYSICAL))
    assert created["warnings"] == []
    series_id = created["entity"]
    (by_id,) = ok(api.get("/v2/card/series", params={"id": series_id}))["entity"]
    (by_code,) = ok(api.get("/v2/card/series", params={"code": "gold-phy"}))["entity"]
    assert by_id == by_code
    assert (by_id["id"], by_id["name"], by_id["type"]) == (series_id, "Gold plastic", "PHYSICAL")
    assert (by_id["generated"], by_id["source"]) == (False, "API")


def test_a_series_without_code_takes_its_name(api: Api) -> None:
    series_id = ok(api.post("/v2/card/series", json={"name": "Plain"}))["entity"]
    (found,) = ok(api.get("/v2/card/series", params={"id": series_id}))["entity"]
    assert found["code"] == "Plain"


def test_a_series_without_name_is_invalid(api: Api) -> None:
    assert error(api.post("/v2/card/series", json={"code": "X"})) == (400, 3000)


def test_a_series_with_an_unknown_type_is_invalid(api: Api) -> None:
    body = {**PHYSICAL, "type": "PAPER"}
    assert error(api.post("/v2/card/series", json=body)) == (400, 3000)


def test_a_generation_leaving_no_digits_is_invalid(api: Api) -> None:
    body = {**PHYSICAL, "cardGenerationConfiguration": {"prefix": "ABCD", "length": 4}}
    assert error(api.post("/v2/card/series", json=body)) == (400, 3000)


def test_a_registration_trigger_needs_generation(api: Api) -> None:
    body = {**PHYSICAL, "trigger": "REGISTRATION"}
    assert error(api.post("/v2/card/series", json=body)) == (400, 3000)


def test_a_code_of_the_org_file_is_taken(api: Api) -> None:
    body = {**PHYSICAL, "code": GENERATED.lower()}
    assert error(api.post("/v2/card/series", json=body)) == (409, 3000)


def test_a_code_created_before_is_taken(api: Api) -> None:
    ok(api.post("/v2/card/series", json=PHYSICAL))
    assert error(api.post("/v2/card/series", json=PHYSICAL)) == (409, 3000)


def test_an_unknown_series_id_is_not_found(api: Api) -> None:
    assert error(api.get("/v2/card/series", params={"id": 987654321})) == (404, 3000)


def test_an_unknown_series_code_is_not_found(api: Api) -> None:
    assert error(api.get("/v2/card/series", params={"code": "NOPE"})) == (404, 3000)
