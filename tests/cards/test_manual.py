"""Adding cards whose numbers the brand chose (``POST /v2/card``)."""

from __future__ import annotations

from typing import Any

from tests.cards.support import EXTERNAL, GENERATED, error, ok, unique_number
from tests.conftest import Api


def _add(api: Api, **body: Any) -> Any:
    payload = {
        "seriesCode": EXTERNAL,
        "cardNumber": unique_number(),
        "statusLabel": "NOT_ISSUED",
        **body,
    }
    return api.post("/v2/card", json=payload)


def test_a_card_is_added_and_answers_its_id(api: Api) -> None:
    number = unique_number()
    answer = ok(_add(api, cardNumber=number, cardExternalId="uuid-1"))
    assert isinstance(answer["entity"], int)
    (entry,) = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert (entry["cardId"], entry["status"]) == (answer["entity"], "NOT_ISSUED")


def test_a_card_is_added_to_a_series_named_by_id(api: Api) -> None:
    ok(_add(api))
    (series,) = ok(api.get("/v2/card/series", params={"code": EXTERNAL}))["entity"]
    payload = {"seriesId": series["id"], "cardNumber": unique_number(), "statusLabel": "NOT_ISSUED"}
    assert isinstance(ok(api.post("/v2/card", json=payload))["entity"], int)


def test_a_card_of_a_generated_series_may_be_added_by_hand(api: Api) -> None:
    assert isinstance(ok(_add(api, seriesCode=GENERATED))["entity"], int)


def test_a_number_that_exists_is_refused(api: Api) -> None:
    number = unique_number()
    ok(_add(api, cardNumber=number))
    assert error(_add(api, cardNumber=number)) == (409, 3009)


def test_an_external_id_that_exists_is_refused(api: Api) -> None:
    ok(_add(api, cardExternalId="uuid-2"))
    assert error(_add(api, cardExternalId="uuid-2")) == (409, 3045)


def test_an_unknown_label_is_refused(api: Api) -> None:
    assert error(_add(api, statusLabel="SHINY")) == (400, 3017)


def test_a_missing_label_is_refused(api: Api) -> None:
    payload = {"seriesCode": EXTERNAL, "cardNumber": unique_number()}
    assert error(api.post("/v2/card", json=payload)) == (400, 3017)


def test_a_label_other_than_not_issued_is_refused(api: Api) -> None:
    assert error(_add(api, statusLabel="ACTIVE")) == (400, 3018)


def test_a_missing_series_is_refused(api: Api) -> None:
    payload = {"cardNumber": unique_number(), "statusLabel": "NOT_ISSUED"}
    assert error(api.post("/v2/card", json=payload)) == (400, 3000)


def test_a_missing_number_is_refused(api: Api) -> None:
    assert error(_add(api, cardNumber="  ")) == (400, 3013)


def test_an_overlong_number_is_refused(api: Api) -> None:
    assert error(_add(api, cardNumber="9" * 101)) == (400, 3013)


def test_an_overlong_external_id_is_refused(api: Api) -> None:
    assert error(_add(api, cardExternalId="x" * 256)) == (400, 3013)
