"""``POST /v2/transactions/bulk``: each item on its own, one failing undoes none of the others."""

from __future__ import annotations

from typing import Any

from patron.db import Database
from tests.api.helpers import codes
from tests.conftest import Api
from tests.loyalty.test_transactions import bill, customer, points, purchase


def item(mobile: str, body: dict[str, Any], **who: Any) -> dict[str, Any]:
    """A bulk item of the customer holding ``mobile``."""
    return {
        "identifierType": "mobile",
        "identifierValue": mobile,
        "source": "INSTORE",
        **who,
        **body,
    }


def item_codes(answer: dict[str, Any]) -> list[list[int]]:
    """The error codes of each item."""
    return [[e["code"] for e in r["errors"]] for r in answer["response"]]


def test_bulk_stores_the_good_items_and_reports_the_bad(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    before = points(db, api.org.org_id, cid)
    items = [
        item(mobile, purchase(1000, "BULK-1")),
        item(mobile, purchase(-5, "BULK-2")),
        item("919999999999", purchase(1000, "BULK-3")),
        item(mobile, purchase(500, "BULK-1")),
        "not an object",
        {**item(mobile, purchase(200, "BULK-4")), "identifierType": None},
        {**item(mobile, purchase(200, "BULK-5")), "source": None},
        item(mobile, purchase(2000, "BULK-6")),
        item(mobile, {"lineItemsV2": "many"}),
    ]
    response = api.post("/v2/transactions/bulk?rawSideEffects=true", json=items)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["totalCount"], answer["failureCount"]) == (9, 7)
    assert item_codes(answer) == [[], [601], [8015], [604], [400], [606], [8012], [], [400]]
    first, last = answer["response"][0], answer["response"][7]
    assert first["entityId"] == first["result"]["createdId"]
    assert first["result"]["sideEffects"][0]["awardedPoints"] == 10
    assert first["result"]["rawSideEffects"][0]["billNumber"] == "BULK-1"
    assert last["result"]["sideEffects"][0]["awardedPoints"] == 20
    assert first["warnings"] == []
    assert first["errors"] == []
    failed = answer["response"][1]
    assert (failed["entityId"], failed["result"]) == (None, None)
    assert failed["errors"][0]["status"] is False
    assert failed["errors"][0]["message"]
    assert points(db, api.org.org_id, cid) == before + 30
    assert bill(db, first["entityId"]).amount == 1000


def test_bulk_where_every_item_fails_answers_400_with_the_items(api: Api) -> None:
    _, mobile = customer(api)
    response = api.post(
        "/v2/transactions/bulk", json=[item(mobile, purchase("x")), item(mobile, {"type": "NO"})]
    )
    assert response.status_code == 400
    answer = response.json()
    assert item_codes(answer) == [[601], [605]]
    assert (answer["totalCount"], answer["failureCount"]) == (2, 2)


def test_bulk_item_warnings_are_reported(api: Api) -> None:
    _, mobile = customer(api)
    body = purchase(100, customFields={"x": [1]})
    answer = api.post("/v2/transactions/bulk", json=[item(mobile, body)]).json()
    (only,) = answer["response"]
    assert [w["code"] for w in only["warnings"]] == [669]
    assert only["result"]["warnings"] == only["warnings"]


def test_bulk_of_more_than_100_answers_672(api: Api) -> None:
    _, mobile = customer(api)
    items = [item(mobile, purchase(1, f"M-{i}")) for i in range(101)]
    response = api.post("/v2/transactions/bulk", json=items)
    assert (response.status_code, codes(response)) == (400, [672])


def test_bulk_that_is_no_array_answers_400(api: Api) -> None:
    _, mobile = customer(api)
    bodies: list[Any] = [item(mobile, purchase(1)), [], "x"]
    for body in bodies:
        response = api.post("/v2/transactions/bulk", json=body)
        assert (response.status_code, codes(response)) == (400, [400])


def test_bulk_never_registers_customers(api: Api) -> None:
    response = api.post(
        "/v2/transactions/bulk",
        json=[item("919812345678", purchase(100), customer={"firstName": "New"})],
    )
    assert response.status_code == 400
    assert item_codes(response.json()) == [[8015]]
