"""Generating NOT_ISSUED cards of a generated series."""

from __future__ import annotations

from tests.cards.support import EXTERNAL, GENERATED, error, generate, ok
from tests.conftest import Api


def _generate(api: Api, **body: object) -> object:
    payload = {"seriesCode": GENERATED, "count": 1, "statusLabel": "NOT_ISSUED", **body}
    return api.post("/v2/card/generate", json=payload)


def test_numbers_are_prefix_and_zero_padded_counter(api: Api) -> None:
    answer = ok(_generate(api, count=3))
    assert answer == {"entity": ["DEMO00000001", "DEMO00000002", "DEMO00000003"], "warnings": []}


def test_numbering_continues_where_it_stopped(api: Api) -> None:
    generate(api, 2)
    assert generate(api, 1) == ["DEMO00000003"]


def test_a_series_is_named_by_id_too(api: Api) -> None:
    generate(api)
    (series,) = ok(api.get("/v2/card/series", params={"code": GENERATED}))["entity"]
    answer = ok(api.post("/v2/card/generate", json={"seriesId": series["id"], "count": 1}))
    assert answer["entity"] == ["DEMO00000002"]


def test_a_number_added_by_hand_is_skipped(api: Api) -> None:
    body = {"seriesCode": GENERATED, "cardNumber": "DEMO00000002", "statusLabel": "NOT_ISSUED"}
    ok(api.post("/v2/card", json=body))
    assert generate(api, 2) == ["DEMO00000001", "DEMO00000003"]


def test_generated_cards_are_not_issued_with_the_label_given(api: Api) -> None:
    (number,) = generate(api)
    (entry,) = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert (entry["status"], entry["label"], entry["customerId"]) == (
        "NOT_ISSUED",
        "NOT_ISSUED",
        None,
    )


def test_a_label_of_another_status_is_refused(api: Api) -> None:
    assert error(_generate(api, statusLabel="ACTIVE")) == (400, 3018)


def test_an_unknown_label_is_refused(api: Api) -> None:
    assert error(_generate(api, statusLabel="SHINY")) == (400, 3017)


def test_a_count_of_zero_is_invalid(api: Api) -> None:
    assert error(_generate(api, count=0)) == (400, 3025)


def test_a_missing_count_is_invalid(api: Api) -> None:
    payload = {"seriesCode": GENERATED, "statusLabel": "NOT_ISSUED"}
    assert error(api.post("/v2/card/generate", json=payload)) == (400, 3025)


def test_more_than_100000_cards_are_refused(api: Api) -> None:
    assert error(_generate(api, count=100_001)) == (400, 3026)


def test_a_count_beyond_64_bits_is_refused_as_malformed(api: Api) -> None:
    assert error(_generate(api, count=2**70)) == (400, 400)


def test_more_cards_than_the_series_has_numbers_are_refused(api: Api) -> None:
    body = {
        "name": "Tiny",
        "code": "TINY",
        "cardGenerationConfiguration": {"prefix": "T", "length": 4},
    }
    ok(api.post("/v2/card/series", json=body))
    ok(_generate(api, seriesCode="TINY", count=999))
    assert error(_generate(api, seriesCode="TINY", count=1)) == (400, 3026)


def test_an_external_series_generates_nothing(api: Api) -> None:
    assert error(_generate(api, seriesCode=EXTERNAL)) == (400, 3000)


def test_an_unknown_series_is_refused(api: Api) -> None:
    assert error(_generate(api, seriesCode="NOPE")) == (404, 3000)


def test_a_series_id_beyond_64_bits_is_refused_as_malformed(api: Api) -> None:
    payload = {"seriesId": 2**70, "count": 1}
    assert error(api.post("/v2/card/generate", json=payload)) == (400, 400)


def test_a_series_id_just_beyond_the_largest_id_is_unknown(api: Api) -> None:
    payload = {"seriesId": 2**63, "count": 1}
    assert error(api.post("/v2/card/generate", json=payload)) == (404, 3000)
