"""``GET /v2/customers/bulk``: the children of a parent customer, a page at a time."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import codes
from tests.conftest import Api
from tests.events.samples import key_structure
from tests.factories import unique_mobile
from tests.groups.test_associations import (
    BULK,
    owner_item,
    sample_batch,
    seed,
    shape,
    written,
)


def children_of(api: Api, owner: str, **params: Any) -> Any:
    """Call ``GET /v2/customers/bulk`` for the parent holding mobile ``owner``."""
    query = {
        "source": "WECHAT",
        "accountId": "WECHAT-CM",
        "associationEntityType": "parentCustomer",
        "associationEntityIdentifierType": "mobile",
        "associationEntityIdentifierValue": owner,
        **params,
    }
    return api.get(BULK, params=query)


def mobiles(answer: dict[str, Any]) -> list[str]:
    """Return each listed child's mobile."""
    return [c["profiles"][0]["identifiers"][0]["value"] for c in answer["entity"]["customers"]]


@pytest.fixture
def fleet(api: Api) -> tuple[str, list[str]]:
    """An owner with three drivers, associated in that order."""
    owner, drivers = unique_mobile(), [unique_mobile() for _ in range(3)]
    written(api, [owner_item(owner, *drivers)])
    return owner, drivers


def test_the_children_are_listed_in_the_seed_shape(api: Api) -> None:
    owner, driver, other = unique_mobile(), unique_mobile(), unique_mobile()
    written(api, sample_batch(owner, driver, other))
    response = children_of(api, owner)
    assert response.status_code == 200, response.text
    answer = response.json()
    expected = seed("customers_bulk_get_response.json")
    assert key_structure(shape(answer)) == key_structure(shape(expected))
    assert (answer["entity"]["count"], answer["success"]) == (2, True)
    assert mobiles(answer) == [driver, other]


def test_the_children_are_listed_with_the_total_count(
    api: Api, fleet: tuple[str, list[str]]
) -> None:
    owner, drivers = fleet
    answer = children_of(api, owner).json()
    assert answer["entity"]["count"] == 3
    assert mobiles(answer) == drivers


def test_a_page_of_children_keeps_the_total_count(api: Api, fleet: tuple[str, list[str]]) -> None:
    owner, drivers = fleet
    answer = children_of(api, owner, limit=1, offset=1).json()
    assert mobiles(answer) == [drivers[1]]
    assert answer["entity"]["count"] == 3


def test_descending_order_lists_the_newest_child_first(
    api: Api, fleet: tuple[str, list[str]]
) -> None:
    owner, drivers = fleet
    assert mobiles(children_of(api, owner, sortOrder="DESC").json()) == drivers[::-1]


def test_children_sort_by_last_update(api: Api, fleet: tuple[str, list[str]]) -> None:
    owner, drivers = fleet
    update = {
        "profiles": [
            {
                "firstName": "Renamed",
                "identifiers": [{"type": "mobile", "value": drivers[0]}],
                "source": "WECHAT",
                "accountId": "WECHAT-CM",
            }
        ]
    }
    response = api.put(BULK, params={"source": "WECHAT", "accountId": "WECHAT-CM"}, json=[update])
    assert response.status_code == 200, response.text
    listed = mobiles(children_of(api, owner, sortBy="lastUpdatedOn").json())
    assert listed == [drivers[1], drivers[2], drivers[0]]


def test_a_parent_without_children_lists_none(api: Api) -> None:
    owner = unique_mobile()
    written(api, [owner_item(owner)])
    answer = children_of(api, owner).json()
    assert (answer["entity"]["customers"], answer["entity"]["count"]) == ([], 0)


def test_an_unknown_parent_is_8015(api: Api) -> None:
    response = children_of(api, unique_mobile())
    assert response.status_code == 404
    assert codes(response) == [8015]


def test_a_missing_source_is_8012(api: Api) -> None:
    response = children_of(api, unique_mobile(), source=None)
    assert response.status_code == 400
    assert codes(response) == [8012]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("associationEntityType", "childCustomer"),
        ("sortBy", "name"),
        ("sortOrder", "UP"),
        ("limit", 101),
        ("limit", 0),
        ("offset", -1),
    ],
)
def test_bad_listing_parameters_are_400(api: Api, param: str, value: Any) -> None:
    response = children_of(api, unique_mobile(), **{param: value})
    assert response.status_code == 400
    assert codes(response) == [400]
    assert param in response.json()["errors"][0]["message"]


def test_a_parent_of_another_source_is_8065(api: Api, fleet: tuple[str, list[str]]) -> None:
    response = children_of(api, fleet[0], source="INSTORE", accountId=None)
    assert response.status_code == 404
    assert codes(response) == [8065]


def test_a_missing_identifier_type_is_8013(api: Api) -> None:
    response = children_of(api, unique_mobile(), associationEntityIdentifierType=None)
    assert response.status_code == 400
    assert codes(response) == [8013]


def test_all_sources_find_the_parent(api: Api, fleet: tuple[str, list[str]]) -> None:
    owner, drivers = fleet
    answer = children_of(api, owner, source="ALL", accountId=None).json()
    assert mobiles(answer) == drivers
