"""``PUT /v2/customers/bulk`` and ``PUT /v2/bulk``: existing customers' details and
associations, re-parenting between auto groups."""

from __future__ import annotations

import json
from typing import Any

import pytest

from patron.db import Database, unit_of_work
from patron.events.catalogue import EventName
from patron.events.outbox import list_events
from patron.groups import repository
from tests.api.helpers import codes
from tests.conftest import Api
from tests.factories import unique_mobile
from tests.groups.test_associations import (
    SEED_TO_DEMO,
    SEEDS,
    count_events,
    customer,
    driver_item,
    error_codes,
    group_members,
    owner_item,
    seed,
    written,
)

WECHAT = {"source": "WECHAT", "accountId": "WECHAT-CM"}
PATHS = ["/v2/customers/bulk", "/v2/bulk"]
SEED_CUSTOMER_MOBILE = "915905000000"
SEED_PARENT_MOBILE = "919905000000"


def put_sample(mobile: str, parent: str) -> list[dict[str, Any]]:
    """Return the seed's PUT sample in ``demo-fleet``: the customer a DRIVER, its parent an OWNER."""
    text = (SEEDS / "customers_bulk_put.json").read_text(encoding="utf-8")
    text = text.replace('"roleCode": "FA"', '"roleCode": "DRIVER"')
    for before, after in SEED_TO_DEMO.items():
        text = text.replace(before, after)
    text = text.replace(SEED_CUSTOMER_MOBILE, mobile).replace(SEED_PARENT_MOBILE, parent)
    batch: list[dict[str, Any]] = json.loads(text)
    return batch


def put(api: Api, body: Any, path: str = PATHS[0], **params: Any) -> Any:
    """Call a PUT of associations with the WECHAT account as the query's source."""
    return api.put(path, params={**WECHAT, **params}, json=body)


def updated(api: Api, body: Any, path: str = PATHS[0]) -> list[dict[str, Any]]:
    """Call a PUT of associations that writes; return its answer."""
    response = put(api, body, path)
    assert response.status_code == 200, response.text
    answer: list[dict[str, Any]] = response.json()
    return answer


def missing_keys(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Return the paths of keys ``expected`` has and ``actual`` lacks (lists: first items)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [path or "."]
        out: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{path}.{key}")
            else:
                out.extend(missing_keys(value, actual[key], f"{path}.{key}"))
        return out
    if isinstance(expected, list) and expected and isinstance(expected[0], dict):
        if not isinstance(actual, list) or not actual:
            return [path]
        return missing_keys(expected[0], actual[0], f"{path}[0]")
    return []


@pytest.fixture
def fleet(api: Api) -> dict[str, Any]:
    """A driver under a first owner, and a second owner."""
    first, second, driver = unique_mobile(), unique_mobile(), unique_mobile()
    item = written(api, [owner_item(first, driver), owner_item(second)])
    return {
        "driver": driver,
        "driver_id": item[0]["childEntities"][0]["id"],
        "first": first,
        "first_id": item[0]["entity"]["id"],
        "second": second,
        "second_id": item[1]["entity"]["id"],
    }


def reparent(driver: str, owner: str, **extra: Any) -> dict[str, Any]:
    """Return a PUT item moving the driver under ``owner``."""
    return customer(driver, associationDetails={"parentCustomer": customer(owner), **extra})


def test_the_seed_put_sample_answers_the_seed_response_keys(api: Api) -> None:
    mobile, old_owner, new_owner = unique_mobile(), unique_mobile(), unique_mobile()
    written(api, [driver_item(mobile, old_owner)])
    answer = updated(api, put_sample(mobile, new_owner))
    expected = seed("customers_bulk_put_response.json")
    expected[0]["errors"] = []
    assert missing_keys(expected, answer) == []
    details = answer[0]["associationDetails"]
    assert (details["roleCode"], details["new"], details["childCustomer"]) == (
        "DRIVER",
        False,
        False,
    )
    assert details["parentCustomer"]["profiles"][0]["firstName"] == "Jim"
    assert answer[0]["profiles"][0]["firstName"] == "Tom"
    assert answer[0]["errors"] == []


@pytest.mark.parametrize("path", PATHS)
def test_reparenting_moves_the_driver(api: Api, fleet: dict[str, Any], path: str) -> None:
    answer = updated(api, [reparent(fleet["driver"], fleet["second"])], path)
    parent = answer[0]["associationDetails"]["parentCustomer"]
    assert parent["profiles"][0]["userId"] == fleet["second_id"]
    listed = api.get(
        "/v2/customers/bulk",
        params={
            **WECHAT,
            "associationEntityIdentifierType": "mobile",
            "associationEntityIdentifierValue": fleet["first"],
        },
    ).json()
    assert listed["entity"]["count"] == 0


def test_reparenting_moves_the_driver_between_auto_groups(
    api: Api, db: Database, fleet: dict[str, Any]
) -> None:
    org_id = api.org.org_id
    updated(api, [reparent(fleet["driver"], fleet["second"])])
    assert fleet["driver_id"] not in group_members(db, org_id, fleet["first_id"])
    assert group_members(db, org_id, fleet["second_id"])[fleet["driver_id"]] == (
        "DRIVER",
        ["block_points_redemption"],
    )
    with unit_of_work(db.read_session) as session:
        names = [e.event_name for e in list_events(session, org_id)]
        first_group = repository.find_group_of_owner(session, org_id, fleet["first_id"])
        assert first_group is not None
        removed = list_events(session, org_id, name=EventName.GROUP_MEMBER_REMOVED)
    assert names[-2:] == ["groupMemberRemoved", "groupMemberAdded"]
    assert [e.entity_id for e in removed] == [first_group.id]


def test_an_unchanged_parent_moves_nothing(api: Api, db: Database, fleet: dict[str, Any]) -> None:
    before = count_events(db, api.org.org_id, EventName.GROUP_MEMBER_ADDED)
    updated(api, [reparent(fleet["driver"], fleet["first"])])
    assert count_events(db, api.org.org_id, EventName.GROUP_MEMBER_ADDED) == before
    assert count_events(db, api.org.org_id, EventName.GROUP_MEMBER_REMOVED) == 0


@pytest.mark.parametrize("path", PATHS)
def test_names_and_fields_update_with_customer_updated(
    api: Api, db: Database, fleet: dict[str, Any], path: str
) -> None:
    body = customer(fleet["driver"], first="Renamed", extendedFields={"city": "Goa"})
    entity = updated(api, [body], path)[0]
    assert entity["profiles"][0]["firstName"] == "Renamed"
    assert entity["extendedFields"]["city"] == "Goa"
    assert entity["id"] == fleet["driver_id"]
    with unit_of_work(db.read_session) as session:
        events = list_events(session, api.org.org_id, name=EventName.CUSTOMER_UPDATED)
    assert [e.entity_id for e in events] == [fleet["driver_id"]]


def test_an_item_without_association_details_keeps_the_association(
    api: Api, fleet: dict[str, Any]
) -> None:
    entity = updated(api, [customer(fleet["driver"], first="Renamed")])[0]
    assert entity["associationDetails"] is None
    listed = api.get(
        "/v2/customers/bulk",
        params={
            **WECHAT,
            "associationEntityIdentifierType": "mobile",
            "associationEntityIdentifierValue": fleet["first"],
        },
    ).json()
    assert listed["entity"]["count"] == 1


def test_children_added_by_put_are_registered_and_join_the_group(
    api: Api, db: Database, fleet: dict[str, Any]
) -> None:
    new_driver = unique_mobile()
    body = customer(fleet["second"], associationDetails={"childCustomers": [customer(new_driver)]})
    entity = updated(api, [body])[0]
    assert (entity["childCount"], entity["childSuccessCount"]) == (1, 1)
    child = entity["childEntities"][0]
    assert child["associationDetails"]["roleCode"] == "DRIVER"
    assert child["associationDetails"]["new"] is True
    assert entity["associationDetails"]["roleCode"] == "OWNER"
    assert child["id"] in group_members(db, api.org.org_id, fleet["second_id"])


def test_the_company_changes(api: Api, fleet: dict[str, Any]) -> None:
    body = customer(fleet["driver"], associationDetails={"fleetCompany": {"externalId": "MOVED"}})
    details = updated(api, [body])[0]["associationDetails"]
    assert details["fleetCompany"]["externalId"] == "MOVED"


def test_an_unknown_customer_is_8015(api: Api) -> None:
    response = put(api, [customer(unique_mobile(), first="Nobody")])
    assert response.status_code == 400
    assert error_codes(response.json()[0]) == [8015]
    assert response.json()[0]["id"] is None


def test_an_item_without_identifiers_is_1015(api: Api) -> None:
    response = put(api, [{"profiles": [{"firstName": "Nobody", **WECHAT}]}])
    assert error_codes(response.json()[0]) == [1015]


def test_a_role_change_is_1627(api: Api, fleet: dict[str, Any]) -> None:
    body = customer(fleet["driver"], associationDetails={"roleCode": "OWNER"})
    assert error_codes(put(api, [body]).json()[0]) == [1627]


def test_a_move_to_a_full_owner_is_1607_and_changes_nothing(
    api: Api, db: Database, fleet: dict[str, Any]
) -> None:
    full = unique_mobile()
    written(api, [owner_item(full, *(unique_mobile() for _ in range(10)))])
    response = put(api, [reparent(fleet["driver"], full)])
    assert error_codes(response.json()[0]) == [1607]
    assert fleet["driver_id"] in group_members(db, api.org.org_id, fleet["first_id"])


def test_a_failing_item_beside_a_good_one_leaves_the_good_one_written(
    api: Api, fleet: dict[str, Any]
) -> None:
    good = customer(fleet["driver"], first="Renamed")
    response = put(api, [customer(unique_mobile()), good])
    assert response.status_code == 200
    first, second = response.json()
    assert error_codes(first) == [8015]
    assert second["profiles"][0]["firstName"] == "Renamed"


def test_a_bad_query_source_refuses_the_call(api: Api, fleet: dict[str, Any]) -> None:
    response = put(api, [customer(fleet["driver"])], source="NOWHERE")
    assert response.status_code == 400
    assert codes(response) == [8012]


def test_more_than_ten_items_are_1060(api: Api, fleet: dict[str, Any]) -> None:
    response = put(api, [customer(fleet["driver"])] * 11)
    assert response.status_code == 400
    assert codes(response) == [1060]


def test_a_customer_without_a_profile_in_the_query_source_is_8065(
    api: Api, fleet: dict[str, Any]
) -> None:
    response = api.put(PATHS[0], params={"source": "INSTORE"}, json=[customer(fleet["driver"])])
    assert response.status_code == 400
    assert error_codes(response.json()[0]) == [8065]
