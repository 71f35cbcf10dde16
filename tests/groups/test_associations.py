"""``POST /v2/customers/bulk``: the seed's sample registers and associates an owner and two
drivers in ``demo-fleet``, whose auto group they end up in."""

from __future__ import annotations

import json
from typing import Any

from patron.db import Database, unit_of_work
from patron.events.catalogue import EventName
from patron.events.outbox import list_events
from patron.groups import repository
from tests.conftest import Api
from tests.events.samples import key_structure
from tests.factories import FIXTURES, unique_mobile

SEEDS = FIXTURES / "seeds"
BULK = "/v2/customers/bulk"
# The seed's values that name its own org's hierarchy and roles, and patron's demo ones.
SEED_TO_DEMO = {
    '"code-association2"': '"demo-fleet"',
    '"roleCode": "FA"': '"roleCode": "OWNER"',
    '"roleCode": "FC"': '"roleCode": "DRIVER"',
    '"childRoleCode": "FC"': '"childRoleCode": "DRIVER"',
    '"FleetCard1"': '"DEMO-EXT"',
}
SEED_OWNER_MOBILE = "917979000000"
SEED_CARD = "710000"


def seed(name: str) -> Any:
    """Return a copy of one of the seed's ``/v2/customers/bulk`` samples."""
    return json.loads((SEEDS / name).read_text(encoding="utf-8"))


def sample_batch(owner: str, driver: str, other_driver: str) -> list[dict[str, Any]]:
    """Return the seed's POST sample in ``demo-fleet``, its template values filled."""
    text = (SEEDS / "customers_bulk_post.json").read_text(encoding="utf-8")
    for before, after in SEED_TO_DEMO.items():
        text = text.replace(before, after)
    text = text.replace(SEED_OWNER_MOBILE, owner).replace(SEED_CARD, owner[-8:])
    text = text.replace("{{mobile2}}", driver).replace("{{mobile3}}", other_driver)
    batch: list[dict[str, Any]] = json.loads(text)
    return batch


def customer(mobile: str, *, first: str = "Capillary", **extra: Any) -> dict[str, Any]:
    """Return a customer body of the WECHAT account with ``mobile``."""
    return {
        "profiles": [
            {
                "firstName": first,
                "lastName": "Customer",
                "identifiers": [{"type": "mobile", "value": mobile}],
                "source": "WECHAT",
                "accountId": "WECHAT-CM",
            }
        ],
        "extendedFields": {"city": "Pune"},
        **extra,
    }


def owner_item(mobile: str, *drivers: str, **details: Any) -> dict[str, Any]:
    """Return an item associating an OWNER with its DRIVER children."""
    association: dict[str, Any] = {"hierarchyCode": "demo-fleet", "roleCode": "OWNER", **details}
    if drivers:
        association["childCustomers"] = [customer(m) for m in drivers]
    return customer(mobile, loyaltyInfo={"loyaltyType": "loyalty"}, associationDetails=association)


def driver_item(mobile: str, owner: str, **details: Any) -> dict[str, Any]:
    """Return an item associating a DRIVER with its OWNER parent (the seed's second sample)."""
    association = {"roleCode": "DRIVER", "parentCustomer": customer(owner), **details}
    return customer(mobile, loyaltyInfo={"loyaltyType": "loyalty"}, associationDetails=association)


def post(api: Api, body: Any) -> Any:
    """Call ``POST /v2/customers/bulk``."""
    return api.post(BULK, json=body)


def written(api: Api, body: Any) -> list[dict[str, Any]]:
    """Call ``POST /v2/customers/bulk`` and return the answer of a call that wrote."""
    response = post(api, body)
    assert response.status_code == 200, response.text
    answer: list[dict[str, Any]] = response.json()
    return answer


def error_codes(entity: dict[str, Any]) -> list[int]:
    """Return the codes of an entity's errors."""
    return [e["code"] for e in entity.get("errors", [])]


def event_names(db: Database, org_id: int) -> list[str]:
    """Return the names of the org's events in the order they were written."""
    with unit_of_work(db.read_session) as session:
        return [e.event_name for e in list_events(session, org_id)]


def count_events(db: Database, org_id: int, name: EventName) -> int:
    """Return how many ``name`` events the org has."""
    with unit_of_work(db.read_session) as session:
        return len(list_events(session, org_id, name=name))


def group_members(db: Database, org_id: int, owner_id: int) -> dict[int, tuple[str, list[str]]]:
    """Return the members of the owner's auto group: role and permissions by customer id."""
    with unit_of_work(db.read_session) as session:
        group = repository.find_group_of_owner(session, org_id, owner_id)
        assert group is not None
        return {
            m.customer_id: (m.role, list(m.permissions))
            for m in repository.list_members(session, group.id)
        }


# Keys whose contents are data rather than shape: the seed's warnings come from its own
# platform, and its response's custom fields are not those its request sent.
DATA_KEYS = ("warnings", "fields")


def shape(value: Any) -> Any:
    """Return the key structure of an answer, the contents of ``DATA_KEYS`` left out."""
    if isinstance(value, dict):
        return {k: None if k in DATA_KEYS else shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return value


def test_the_seed_sample_answers_the_seed_response_shape(api: Api) -> None:
    answer = written(api, sample_batch(unique_mobile(), unique_mobile(), unique_mobile()))
    expected = seed("customers_bulk_response.json")
    assert key_structure(shape(answer)) == key_structure(shape(expected))
    entity = answer[0]["entity"]
    assert isinstance(entity["warnings"], list)
    assert all(isinstance(c["warnings"], list) for c in answer[0]["childEntities"])


def test_the_seed_sample_registers_the_owner_and_both_drivers(api: Api, db: Database) -> None:
    owner, driver, other = unique_mobile(), unique_mobile(), unique_mobile()
    item = written(api, sample_batch(owner, driver, other))[0]
    entity = item["entity"]
    assert entity["profiles"][0]["identifiers"][0] == {"type": "mobile", "value": owner}
    assert [c["profiles"][0]["identifiers"][0]["value"] for c in item["childEntities"]] == [
        driver,
        other,
    ]
    assert (item["childCount"], item["childSuccessCount"], item["childFailureCount"]) == (2, 2, 0)
    assert count_events(db, api.org.org_id, EventName.CUSTOMER_ADDED) == 3


def test_the_seed_sample_associates_the_owner_and_its_drivers(api: Api) -> None:
    item = written(api, sample_batch(unique_mobile(), unique_mobile(), unique_mobile()))[0]
    details = item["entity"]["associationDetails"]
    assert details["hierarchyCode"] == "demo-fleet"
    assert details["roleCode"] == "OWNER"
    assert details["childRoleCode"] == "DRIVER"
    assert (details["new"], details["childCustomer"], details["skipLevelAllowed"]) == (
        True,
        False,
        False,
    )
    assert details["fleetCompany"]["externalId"] == "ex917471949194"
    assert len(details["childCustomers"]) == 2
    for child in item["childEntities"]:
        assert child["associationDetails"]["hierarchyId"] == details["hierarchyId"]
        assert child["associationDetails"]["roleCode"] == "DRIVER"
        assert child["associationDetails"]["childCustomer"] is True
        assert child["associationDetails"]["fleetCompany"] == details["fleetCompany"]
    parent_role_ids = {c["associationDetails"]["parentRoleId"] for c in item["childEntities"]}
    assert len(parent_role_ids) == 1
    assert None not in parent_role_ids


def test_the_seed_sample_creates_the_owner_group_with_both_drivers(api: Api, db: Database) -> None:
    item = written(api, sample_batch(unique_mobile(), unique_mobile(), unique_mobile()))[0]
    owner_id = item["entity"]["id"]
    drivers = [c["id"] for c in item["childEntities"]]
    members = group_members(db, api.org.org_id, owner_id)
    assert members == {
        owner_id: ("OWNER", []),
        drivers[0]: ("DRIVER", ["block_points_redemption"]),
        drivers[1]: ("DRIVER", ["block_points_redemption"]),
    }
    names = event_names(db, api.org.org_id)
    assert names.count("groupCreated") == 1
    assert names.count("groupMemberAdded") == 2
    assert names.index("groupCreated") < names.index("groupMemberAdded")


def test_the_owner_group_is_named_after_the_owner_and_holds_max_child_plus_one(
    api: Api, db: Database
) -> None:
    owner_id = written(api, [owner_item(unique_mobile())])[0]["entity"]["id"]
    with unit_of_work(db.read_session) as session:
        group = repository.find_group_of_owner(session, api.org.org_id, owner_id)
        assert group is not None
        assert (group.name, group.max_size, group.member_count) == ("Capillary Customer", 11, 1)
        assert group.external_id == f"demo-fleet-{owner_id}"


def test_a_single_object_is_a_batch_of_one(api: Api) -> None:
    answer = written(api, driver_item(unique_mobile(), unique_mobile()))
    assert len(answer) == 1
    assert answer[0]["entity"]["associationDetails"]["roleCode"] == "DRIVER"


def test_a_named_parent_is_registered_in_the_role_above_and_gets_the_group(
    api: Api, db: Database
) -> None:
    owner = unique_mobile()
    entity = written(api, [driver_item(unique_mobile(), owner)])[0]["entity"]
    parent = entity["associationDetails"]["parentCustomer"]
    assert parent["profiles"][0]["identifiers"][0]["value"] == owner
    assert entity["associationDetails"]["hierarchyCode"] == "demo-fleet"
    owner_id = parent["profiles"][0]["userId"]
    assert group_members(db, api.org.org_id, owner_id) == {
        owner_id: ("OWNER", []),
        entity["id"]: ("DRIVER", ["block_points_redemption"]),
    }
    assert count_events(db, api.org.org_id, EventName.CUSTOMER_ADDED) == 2


def test_a_driver_associated_later_joins_the_owner_group(api: Api, db: Database) -> None:
    owner = unique_mobile()
    owner_id = written(api, [owner_item(owner, unique_mobile())])[0]["entity"]["id"]
    later = written(api, [driver_item(unique_mobile(), owner)])[0]["entity"]
    assert later["id"] in group_members(db, api.org.org_id, owner_id)
    assert len(group_members(db, api.org.org_id, owner_id)) == 3
    assert count_events(db, api.org.org_id, EventName.GROUP_CREATED) == 1


def test_an_existing_customer_re_sent_is_used_not_registered_again(api: Api, db: Database) -> None:
    owner, driver = unique_mobile(), unique_mobile()
    first = written(api, [owner_item(owner, driver)])[0]
    again = written(api, [owner_item(owner, driver)])[0]
    assert again["entity"]["id"] == first["entity"]["id"]
    assert again["childEntities"][0]["id"] == first["childEntities"][0]["id"]
    assert again["entity"]["associationDetails"]["new"] is False
    assert again["childEntities"][0]["associationDetails"]["new"] is False
    assert count_events(db, api.org.org_id, EventName.CUSTOMER_ADDED) == 2
    assert count_events(db, api.org.org_id, EventName.GROUP_MEMBER_ADDED) == 1


def test_an_item_without_association_details_only_registers(api: Api, db: Database) -> None:
    body = customer(unique_mobile(), loyaltyInfo={"loyaltyType": "loyalty"})
    entity = written(api, [body])[0]["entity"]
    assert entity["associationDetails"] is None
    assert entity["id"] > 0
    assert count_events(db, api.org.org_id, EventName.CUSTOMER_ADDED) == 1


def test_the_default_hierarchy_applies_when_none_is_named(api: Api) -> None:
    item = owner_item(unique_mobile())
    del item["associationDetails"]["hierarchyCode"]
    details = written(api, [item])[0]["entity"]["associationDetails"]
    assert details["hierarchyCode"] == "demo-fleet"


def test_children_take_the_item_company_and_a_later_child_its_parent_company(api: Api) -> None:
    owner = unique_mobile()
    written(api, [owner_item(owner, fleetCompany={"externalId": "FLEET-1"})])
    later = written(api, [driver_item(unique_mobile(), owner)])[0]["entity"]
    assert later["associationDetails"]["fleetCompany"]["externalId"] == "FLEET-1"


def test_registration_warnings_are_the_customer_own(api: Api) -> None:
    body = owner_item(unique_mobile(), unique_mobile())
    body["associationDetails"]["childCustomers"][0]["profiles"][0]["commChannels"] = [
        {"type": "mobile", "value": "12", "primary": True}
    ]
    item = written(api, [body])[0]
    assert item["entity"]["warnings"] == []
    assert [w["code"] for w in item["childEntities"][0]["warnings"]] == [8058]


def test_the_group_events_show_the_owner_as_primary_and_each_driver_added(
    api: Api, db: Database
) -> None:
    item = written(api, sample_batch(unique_mobile(), unique_mobile(), unique_mobile()))[0]
    with unit_of_work(db.read_session) as session:
        group = repository.find_group_of_owner(session, api.org.org_id, item["entity"]["id"])
        assert group is not None
        created = list_events(session, api.org.org_id, name=EventName.GROUP_CREATED)
        added = list_events(session, api.org.org_id, name=EventName.GROUP_MEMBER_ADDED)
    assert [e.entity_id for e in created + added] == [group.id] * 3
    assert created[0].data["primaryMember"]["role"] == "OWNER"
    assert [e.data["memberAdded"]["role"] for e in added] == ["DRIVER", "DRIVER"]
    customer_ids = [e.data["memberAdded"]["customerIdentifiers"]["customerId"] for e in added]
    assert customer_ids == [c["id"] for c in item["childEntities"]]
