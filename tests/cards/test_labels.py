"""Card status labels: each status's own name by default, and labels added by mapping."""

from __future__ import annotations

from typing import Any

from tests.cards.support import error, generate, ok
from tests.conftest import Api

STATUSES = ["NOT_ISSUED", "ISSUED", "ACTIVE", "SUSPENDED", "EXPIRED", "DELETED"]


def _map(api: Api, mapping: Any) -> Any:
    return api.post("/v2/genericStatus/card/labelMapping", json={"mapping": mapping})


def test_every_status_has_its_own_name_as_default_label(api: Api) -> None:
    labels = ok(api.get("/v2/genericStatus/card/labels"))["entity"]
    assert list(labels) == STATUSES
    for status in STATUSES:
        (only,) = labels[status]
        assert (only["label"], only["status"], only["default"]) == (status, status, True)


def test_a_mapped_label_is_added_to_its_status(api: Api) -> None:
    answer = ok(_map(api, {"ACTIVE": [{"label": "Gold", "default": False}]}))
    active = answer["entity"]["ACTIVE"]
    assert [(lab["label"], lab["default"]) for lab in active] == [("ACTIVE", True), ("Gold", False)]
    assert all(isinstance(lab["id"], int) for lab in active)
    assert ok(api.get("/v2/genericStatus/card/labels"))["entity"] == answer["entity"]


def test_a_mapped_default_replaces_the_status_default(api: Api) -> None:
    ok(_map(api, {"NOT_ISSUED": [{"label": "Blank", "default": True}]}))
    labels = ok(api.get("/v2/genericStatus/card/labels"))["entity"]["NOT_ISSUED"]
    assert [(lab["label"], lab["default"]) for lab in labels] == [
        ("NOT_ISSUED", False),
        ("Blank", True),
    ]


def test_cards_generated_without_label_take_the_default(api: Api) -> None:
    ok(_map(api, {"NOT_ISSUED": [{"label": "Blank", "default": True}]}))
    body = {"seriesCode": "DEMO-GEN", "count": 1}
    (number,) = ok(api.post("/v2/card/generate", json=body))["entity"]
    (entry,) = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert (entry["label"], entry["status"]) == ("Blank", "NOT_ISSUED")


def test_a_mapped_label_matches_in_any_case(api: Api) -> None:
    ok(_map(api, {"NOT_ISSUED": [{"label": "Blank"}]}))
    (number,) = generate(api, statusLabel="blank")
    (entry,) = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert entry["label"] == "Blank"


def test_a_label_of_another_status_is_refused(api: Api) -> None:
    assert error(_map(api, {"ACTIVE": [{"label": "SUSPENDED"}]})) == (409, 3017)


def test_an_unknown_status_is_refused(api: Api) -> None:
    assert error(_map(api, {"LOST": [{"label": "Lost"}]})) == (400, 3016)


def test_two_defaults_of_one_status_are_refused(api: Api) -> None:
    mapping = {"ACTIVE": [{"label": "A", "default": True}, {"label": "B", "default": True}]}
    assert error(_map(api, mapping)) == (400, 3017)


def test_an_overlong_label_is_refused(api: Api) -> None:
    assert error(_map(api, {"ACTIVE": [{"label": "x" * 51}]})) == (400, 3017)


def test_an_empty_mapping_is_invalid(api: Api) -> None:
    assert error(_map(api, {})) == (400, 400)
