"""Card status changes (``PUT /v2/card``), table-driven, and the status log."""

from __future__ import annotations

import pytest

from tests.cards.support import (
    error,
    generate,
    link,
    new_customer,
    ok,
    set_status,
)
from tests.conftest import Api

STATUSES = ["NOT_ISSUED", "ISSUED", "ACTIVE", "SUSPENDED", "EXPIRED", "DELETED"]
# How a card reaches each status from a fresh generated card: link it (as ISSUED or ACTIVE),
# then change its status.
ROUTE = {
    "NOT_ISSUED": (None, []),
    "ISSUED": ("ISSUED", []),
    "ACTIVE": ("ACTIVE", []),
    "SUSPENDED": ("ACTIVE", ["SUSPENDED"]),
    "EXPIRED": ("ACTIVE", ["EXPIRED"]),
    "DELETED": ("ACTIVE", ["DELETED"]),
}
ALLOWED = {
    ("ISSUED", "ACTIVE"),
    ("ISSUED", "SUSPENDED"),
    ("ISSUED", "EXPIRED"),
    ("ISSUED", "DELETED"),
    ("ACTIVE", "SUSPENDED"),
    ("ACTIVE", "EXPIRED"),
    ("ACTIVE", "DELETED"),
    ("SUSPENDED", "ACTIVE"),
    ("SUSPENDED", "EXPIRED"),
    ("SUSPENDED", "DELETED"),
}


def card_in(api: Api, status: str) -> str:
    """Return a card of the demo's generated series in ``status``."""
    (number,) = generate(api)
    linked_as, changes = ROUTE[status]
    if linked_as is not None:
        ok(link(api, new_customer(api), number, linked_as))
    for label in changes:
        ok(set_status(api, number, label))
    return number


def expected(current: str, wanted: str) -> int:
    if current == wanted:
        return 3012
    return 200 if (current, wanted) in ALLOWED else 3038


@pytest.mark.parametrize("wanted", STATUSES)
@pytest.mark.parametrize("current", STATUSES)
def test_a_status_change_follows_the_rules(api: Api, current: str, wanted: str) -> None:
    number = card_in(api, current)
    response = set_status(api, number, wanted, reason="table")
    if expected(current, wanted) == 200:
        info = ok(response)["entity"]["statusInfo"]
        assert (info["status"], info["label"], info["reason"]) == (wanted, wanted, "table")
    else:
        assert error(response) == (400, expected(current, wanted))


def test_a_suspended_card_is_reactivated_and_shows_in_the_log(api: Api) -> None:
    number = card_in(api, "ACTIVE")
    ok(set_status(api, number, "SUSPENDED", reason="lost"))
    ok(set_status(api, number, "ACTIVE", reason="found"))
    log = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert [(e["status"], e["reason"]) for e in log] == [
        ("NOT_ISSUED", ""),
        ("ACTIVE", ""),
        ("SUSPENDED", "lost"),
        ("ACTIVE", "found"),
    ]
    assert log[0]["customerId"] is None
    assert log[-1]["customerId"] is not None
    assert log[-1]["createdBy"] == log[0]["createdBy"]


def test_a_label_maps_the_status_it_belongs_to(api: Api) -> None:
    mapping = {"mapping": {"SUSPENDED": [{"label": "Lost"}]}}
    ok(api.post("/v2/genericStatus/card/labelMapping", json=mapping))
    number = card_in(api, "ACTIVE")
    info = ok(set_status(api, number, "lost"))["entity"]["statusInfo"]
    assert (info["status"], info["label"], info["isActive"]) == ("SUSPENDED", "Lost", False)
    assert isinstance(info["labelId"], int)


def test_an_unknown_card_is_not_found(api: Api) -> None:
    assert error(set_status(api, "NO-SUCH-CARD", "ACTIVE")) == (404, 3010)


def test_an_unknown_label_is_refused(api: Api) -> None:
    number = card_in(api, "ACTIVE")
    assert error(set_status(api, number, "SHINY")) == (400, 3017)


def test_a_missing_label_is_an_invalid_status(api: Api) -> None:
    number = card_in(api, "ACTIVE")
    assert error(api.put("/v2/card", json={"cardNumber": number})) == (400, 3016)


def test_an_overlong_reason_is_refused(api: Api) -> None:
    number = card_in(api, "ACTIVE")
    assert error(set_status(api, number, "SUSPENDED", reason="r" * 501)) == (400, 400)


def test_the_log_of_an_unknown_card_is_not_found(api: Api) -> None:
    response = api.get("/v2/card/statusLog", params={"number": "NO-SUCH-CARD"})
    assert error(response) == (404, 3010)
