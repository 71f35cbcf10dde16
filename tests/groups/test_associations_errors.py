"""``POST /v2/customers/bulk`` refusals: the batch as a whole, an item, or one child alone."""

from __future__ import annotations

from typing import Any

from patron.db import Database
from patron.events.catalogue import EventName
from tests.api.helpers import codes
from tests.conftest import Api, OrgCredentials, make_org
from tests.factories import unique_mobile
from tests.groups.test_associations import (
    count_events,
    customer,
    driver_item,
    error_codes,
    group_members,
    owner_item,
    post,
    written,
)


def define(api: Api, code: str, *roles: dict[str, Any], **options: Any) -> dict[str, Any]:
    """Define a hierarchy through the API and return it."""
    response = api.post("/v2/fleetHierarchy", json={"code": code, "roles": list(roles), **options})
    assert response.status_code == 200, response.text
    entity: dict[str, Any] = response.json()["entity"]
    return entity


def role(code: str, child: str | None = None, **extra: Any) -> dict[str, Any]:
    """Return a role definition."""
    return {"code": code, "childRoleCode": child, **extra}


def item_of(mobile: str, hierarchy: str, role_code: str, **details: Any) -> dict[str, Any]:
    """Return an item associating a customer with ``role_code`` of ``hierarchy``."""
    association = {"hierarchyCode": hierarchy, "roleCode": role_code, **details}
    return customer(mobile, loyaltyInfo={"loyaltyType": "loyalty"}, associationDetails=association)


def failed(api: Api, body: Any) -> dict[str, Any]:
    """Post a batch whose every item fails; return the first item's entity."""
    response = post(api, body)
    assert response.status_code == 400, response.text
    entity: dict[str, Any] = response.json()[0]["entity"]
    return entity


def test_more_than_ten_items_refuse_the_whole_batch(api: Api, db: Database) -> None:
    response = post(api, [owner_item(unique_mobile()) for _ in range(11)])
    assert response.status_code == 400
    assert codes(response) == [1060]
    assert count_events(db, api.org.org_id, EventName.CUSTOMER_ADDED) == 0


def test_ten_items_are_accepted(api: Api) -> None:
    assert len(written(api, [owner_item(unique_mobile()) for _ in range(10)])) == 10


def test_an_empty_batch_is_refused(api: Api) -> None:
    response = post(api, [])
    assert response.status_code == 400
    assert codes(response) == [400]


def test_a_body_that_is_no_customer_is_refused(api: Api) -> None:
    response = post(api, "customers")
    assert response.status_code == 400
    assert codes(response) == [400]


def test_more_than_twenty_children_refuse_the_item(api: Api, db: Database) -> None:
    entity = failed(api, [owner_item(unique_mobile(), *(unique_mobile() for _ in range(21)))])
    assert error_codes(entity) == [1060]
    assert count_events(db, api.org.org_id, EventName.CUSTOMER_ADDED) == 0


def test_a_failing_item_beside_a_good_one_leaves_the_good_one_written(
    api: Api, db: Database
) -> None:
    bad = owner_item(unique_mobile(), roleCode="MECHANIC")
    response = post(api, [bad, owner_item(unique_mobile())])
    assert response.status_code == 200
    first, second = response.json()
    assert error_codes(first["entity"]) == [1604]
    assert first["entity"]["id"] is None
    assert first["entity"]["profiles"][0]["identifiers"] == bad["profiles"][0]["identifiers"]
    assert second["entity"]["id"] > 0
    assert "errors" not in second["entity"]
    assert count_events(db, api.org.org_id, EventName.CUSTOMER_ADDED) == 1


def test_a_failed_item_writes_nothing_of_its_own(api: Api, db: Database) -> None:
    body = owner_item(unique_mobile(), unique_mobile(), fleetCompany={"externalId": "GONE"})
    body["associationDetails"]["childRoleCode"] = "OWNER"
    entity = failed(api, [body])
    assert error_codes(entity) == [1604]
    assert count_events(db, api.org.org_id, EventName.CUSTOMER_ADDED) == 0
    assert api.get("/v2/companies", params={"externalId": "GONE"}).status_code == 404


def test_a_malformed_item_fails_alone(api: Api) -> None:
    response = post(api, ["not a customer", {"profiles": "none"}, owner_item(unique_mobile())])
    assert response.status_code == 200
    answer = response.json()
    assert [error_codes(i["entity"]) for i in answer] == [[400], [400], []]


def test_an_unknown_hierarchy_is_1602(api: Api) -> None:
    assert error_codes(failed(api, [item_of(unique_mobile(), "no-such", "OWNER")])) == [1602]


def test_an_org_without_a_default_hierarchy_needs_a_code(app_client: Any, db: Database) -> None:
    org: OrgCredentials = make_org(db, hierarchies=[])
    api = Api(app_client, org)
    item = owner_item(unique_mobile())
    del item["associationDetails"]["hierarchyCode"]
    assert error_codes(failed(api, [item])) == [1602]


def test_an_unknown_or_missing_role_is_1604(api: Api) -> None:
    unknown = owner_item(unique_mobile(), roleCode="MECHANIC")
    missing = owner_item(unique_mobile())
    del missing["associationDetails"]["roleCode"]
    assert [error_codes(i["entity"]) for i in post(api, [unknown, missing]).json()] == [
        [1604],
        [1604],
    ]


def test_children_of_a_role_without_child_role_are_1604(api: Api) -> None:
    body = item_of(
        unique_mobile(), "demo-fleet", "DRIVER", childCustomers=[customer(unique_mobile())]
    )
    assert error_codes(failed(api, [body])) == [1604]


def test_a_child_role_that_skips_a_level_is_1604_unless_skipping_is_allowed(api: Api) -> None:
    chain = (role("A", "B"), role("B", "C"), role("C"))
    define(api, "strict-levels", *chain)
    define(api, "loose-levels", *chain, skipRoleAllowed=True)
    children = [customer(unique_mobile())]
    refused = item_of(
        unique_mobile(), "strict-levels", "A", childRoleCode="C", childCustomers=children
    )
    allowed = item_of(
        unique_mobile(),
        "loose-levels",
        "A",
        childRoleCode="C",
        childCustomers=[customer(unique_mobile())],
    )
    first, second = post(api, [refused, allowed]).json()
    assert error_codes(first["entity"]) == [1604]
    assert second["childEntities"][0]["associationDetails"]["roleCode"] == "C"
    assert second["entity"]["associationDetails"]["skipLevelAllowed"] is True


def test_an_unknown_company_is_created_unless_the_hierarchy_is_strict(api: Api) -> None:
    define(api, "strict-fleet", role("BOSS", "HAND"), role("HAND"), hierarchyCreationStrict=True)
    created = owner_item(unique_mobile(), fleetCompany={"externalId": "NEW-CO"})
    refused = item_of(
        unique_mobile(), "strict-fleet", "BOSS", fleetCompany={"externalId": "NEW-CO-2"}
    )
    first, second = post(api, [created, refused]).json()
    assert first["entity"]["associationDetails"]["fleetCompany"]["externalId"] == "NEW-CO"
    assert error_codes(second["entity"]) == [1606]
    assert api.get("/v2/companies", params={"externalId": "NEW-CO"}).status_code == 200


def test_a_strict_hierarchy_takes_a_company_created_first(api: Api) -> None:
    define(api, "strict-fleet", role("BOSS", "HAND"), role("HAND"), hierarchyCreationStrict=True)
    company = {"name": "Co", "externalId": "CO-1", "hierarchyDefinitionCode": "strict-fleet"}
    company_id = api.post("/v2/companies", json=company).json()["entity"]
    body = item_of(unique_mobile(), "strict-fleet", "BOSS", fleetCompany={"externalId": "CO-1"})
    details = written(api, [body])[0]["entity"]["associationDetails"]
    assert details["fleetCompany"] == {"externalId": "CO-1", "companyId": company_id}


def test_a_company_of_another_hierarchy_is_1606(api: Api) -> None:
    define(api, "other-fleet", role("BOSS", "HAND"), role("HAND"))
    written(api, [owner_item(unique_mobile(), fleetCompany={"externalId": "DEMO-CO"})])
    body = item_of(unique_mobile(), "other-fleet", "BOSS", fleetCompany={"externalId": "DEMO-CO"})
    assert error_codes(failed(api, [body])) == [1606]


def test_a_company_external_id_over_100_characters_is_400(api: Api) -> None:
    body = owner_item(unique_mobile(), fleetCompany={"externalId": "x" * 101})
    assert error_codes(failed(api, [body])) == [400]


def test_a_parent_in_a_role_that_cannot_have_the_child_is_1625(api: Api) -> None:
    owner, driver = unique_mobile(), unique_mobile()
    written(api, [owner_item(owner, driver)])
    entity = failed(api, [driver_item(unique_mobile(), driver)])
    assert error_codes(entity) == [1625]


def test_a_parent_for_the_top_role_is_1625(api: Api) -> None:
    body = owner_item(unique_mobile(), parentCustomer=customer(unique_mobile()))
    assert error_codes(failed(api, [body])) == [1625]


def test_a_parent_associated_in_another_hierarchy_is_1625(api: Api) -> None:
    define(api, "other-fleet", role("BOSS", "HAND"), role("HAND"))
    boss = unique_mobile()
    written(api, [item_of(boss, "other-fleet", "BOSS")])
    assert error_codes(failed(api, [driver_item(unique_mobile(), boss)])) == [1625]


def test_a_customer_of_another_hierarchy_is_1626(api: Api) -> None:
    define(api, "other-fleet", role("BOSS", "HAND"), role("HAND"))
    mobile = unique_mobile()
    written(api, [owner_item(mobile)])
    assert error_codes(failed(api, [item_of(mobile, "other-fleet", "BOSS")])) == [1626]


def test_a_customer_role_cannot_change(api: Api) -> None:
    mobile = unique_mobile()
    written(api, [owner_item(mobile)])
    assert error_codes(failed(api, [driver_item(mobile, unique_mobile())])) == [1627]


def test_children_beyond_max_child_fail_alone(api: Api, db: Database) -> None:
    define(api, "small-fleet", role("BOSS", "HAND", maxChild=1), role("HAND"))
    first_hand, second_hand = unique_mobile(), unique_mobile()
    body = item_of(
        unique_mobile(),
        "small-fleet",
        "BOSS",
        childCustomers=[customer(first_hand), customer(second_hand)],
    )
    item = written(api, [body])[0]
    assert (item["childCount"], item["childSuccessCount"], item["childFailureCount"]) == (2, 1, 1)
    ok, refused = item["childEntities"]
    assert "errors" not in ok
    assert error_codes(refused) == [1607]
    assert refused["profiles"][0]["identifiers"][0]["value"] == second_hand
    assert len(item["entity"]["associationDetails"]["childCustomers"]) == 1
    assert count_events(db, api.org.org_id, EventName.CUSTOMER_ADDED) == 2


def test_a_later_child_beyond_max_child_is_1607(api: Api) -> None:
    define(api, "small-fleet", role("BOSS", "HAND", maxChild=1), role("HAND"))
    boss = unique_mobile()
    written(api, [item_of(boss, "small-fleet", "BOSS", childCustomers=[customer(unique_mobile())])])
    later = item_of(unique_mobile(), "small-fleet", "HAND", parentCustomer=customer(boss))
    assert error_codes(failed(api, [later])) == [1607]


def test_a_malformed_child_fails_alone(api: Api) -> None:
    body = owner_item(unique_mobile(), unique_mobile())
    body["associationDetails"]["childCustomers"].append(["not", "a", "customer"])
    item = written(api, [body])[0]
    assert [error_codes(c) for c in item["childEntities"]] == [[], [400]]


def test_a_child_that_cannot_register_fails_alone(api: Api) -> None:
    body = owner_item(unique_mobile(), unique_mobile())
    bad = customer("12")
    body["associationDetails"]["childCustomers"].append(bad)
    item = written(api, [body])[0]
    assert [error_codes(c) for c in item["childEntities"]] == [[], [1001]]


def test_a_hierarchy_without_auto_groups_creates_none(api: Api, db: Database) -> None:
    define(api, "plain-fleet", role("BOSS", "HAND", pointsAggregationRole=True), role("HAND"))
    written(
        api,
        [
            item_of(
                unique_mobile(), "plain-fleet", "BOSS", childCustomers=[customer(unique_mobile())]
            )
        ],
    )
    assert count_events(db, api.org.org_id, EventName.GROUP_CREATED) == 0


def test_only_customers_below_the_aggregation_role_join_its_group(api: Api, db: Database) -> None:
    define(
        api,
        "deep-fleet",
        role("HQ", "BOSS"),
        role("BOSS", "HAND", maxChild=2, pointsAggregationRole=True),
        role("HAND", maxChild=None),
        autoGroupCreationEnabled=True,
    )
    hq, boss = unique_mobile(), unique_mobile()
    written(api, [item_of(hq, "deep-fleet", "HQ")])
    body = item_of(
        boss,
        "deep-fleet",
        "BOSS",
        parentCustomer=customer(hq),
        childCustomers=[customer(unique_mobile())],
    )
    item = written(api, [body])[0]
    members = group_members(db, api.org.org_id, item["entity"]["id"])
    assert sorted(role for role, _ in members.values()) == ["BOSS", "HAND"]


def test_a_customer_named_as_its_own_parent_is_1625(api: Api) -> None:
    mobile = unique_mobile()
    assert error_codes(failed(api, [driver_item(mobile, mobile)])) == [1625]
