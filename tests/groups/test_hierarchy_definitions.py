"""Hierarchy definitions: validation, the demo org's fleet, and storing the org file's ones."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from patron.db import Database, unit_of_work
from patron.errors import NotFound
from patron.groups import repository
from patron.groups.hierarchies import (
    default_hierarchy,
    find_hierarchy,
    get_hierarchy,
    require_hierarchy,
)
from patron.orgs.demo import DEMO_HIERARCHY, DEMO_ORG, demo_org_file
from patron.orgs.hierarchies import HierarchyDef, PermissionCode
from patron.orgs.schemas import OrgFile
from patron.orgs.service import apply_org_file, load_org_config
from tests.conftest import OrgCredentials, make_org, org_spec


def _roles(*codes: str, aggregate: str | None = None) -> list[dict[str, Any]]:
    """Chain roles ``codes[0]`` → ``codes[1]`` → …"""
    return [
        {
            "code": code,
            "childRoleCode": codes[i + 1] if i + 1 < len(codes) else None,
            "pointsAggregationRole": code == aggregate,
        }
        for i, code in enumerate(codes)
    ]


def test_demo_org_has_the_documented_fleet() -> None:
    fleet = demo_org_file().hierarchies[0]
    assert fleet.code == "demo-fleet"
    assert [r.code for r in fleet.roles] == ["OWNER", "DRIVER"]
    owner, driver = fleet.roles
    assert owner.child_role_code == "DRIVER"
    assert owner.max_child == 10
    assert owner.points_aggregation_role
    assert not driver.points_aggregation_role
    assert fleet.aggregation_role == owner
    assert fleet.auto_group_creation_enabled
    assert fleet.default
    assert not fleet.hierarchy_creation_strict
    assert not driver.allows(PermissionCode.BLOCK_POINTS_TRANSFER)
    assert driver.allows(PermissionCode.BLOCK_POINTS_REDEMPTION)
    assert driver.allows(PermissionCode.EARN_POINTS)
    assert DEMO_ORG["hierarchies"] == [DEMO_HIERARCHY]


def test_roles_find_their_parent_and_child() -> None:
    fleet = HierarchyDef.model_validate(
        {"code": "h", "roles": _roles("A", "B", "C", aggregate="B")}
    )
    assert fleet.parent_role("c") == fleet.role("B")
    assert fleet.parent_role("A") is None
    assert fleet.role("b") is not None
    assert fleet.role("x") is None
    assert fleet.aggregation_role == fleet.role("B")


@pytest.mark.parametrize(
    ("roles", "problem"),
    [
        (_roles("A"), "2 to 8 roles"),
        (_roles(*"ABCDEFGHI"), "2 to 8 roles"),
        ([*_roles("A", "B"), {"code": "a"}], "unique"),
        ([{"code": "A", "childRoleCode": "Z"}, {"code": "B"}], "not a role"),
        ([{"code": "A", "childRoleCode": "A"}, {"code": "B"}], "its own child"),
        ([{"code": "A", "childRoleCode": "B"}, {"code": "B", "childRoleCode": "A"}], "single top"),
        ([{"code": "A"}, {"code": "B"}], "single top"),
        (
            [
                {"code": "A", "childRoleCode": "C"},
                {"code": "B", "childRoleCode": "C"},
                {"code": "C"},
            ],
            "same child role",
        ),
        (
            [
                {"code": "A", "childRoleCode": "B", "pointsAggregationRole": True},
                {"code": "B", "pointsAggregationRole": True},
            ],
            "at most one role",
        ),
    ],
)
def test_invalid_role_lists_are_refused(roles: list[dict[str, Any]], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        HierarchyDef.model_validate({"code": "h", "roles": roles})


def test_org_file_refuses_two_hierarchies_with_one_code() -> None:
    twice = [
        {"code": "Fleet", "roles": _roles("A", "B")},
        {"code": "fleet", "roles": _roles("A", "B")},
    ]
    with pytest.raises(ValidationError, match="code must be unique"):
        OrgFile.model_validate(org_spec(1, hierarchies=twice))


def test_org_file_refuses_two_default_hierarchies() -> None:
    both = [
        {"code": "one", "roles": _roles("A", "B"), "default": True},
        {"code": "two", "roles": _roles("A", "B"), "default": True},
    ]
    with pytest.raises(ValidationError, match="at most one hierarchy is the default"):
        OrgFile.model_validate(org_spec(1, hierarchies=both))


def test_an_org_file_hierarchy_is_stored_on_first_use_with_stable_role_ids(
    db: Database, org: OrgCredentials
) -> None:
    with unit_of_work(db.write_session) as session:
        config = load_org_config(session, org.org_id)
        assert config is not None
        assert repository.list_hierarchies(session, org.org_id) == []
        first = require_hierarchy(session, config, "DEMO-FLEET")
        assert first.code == "demo-fleet"
        owner = first.role("owner")
        assert owner is not None
        ids = dict(first.role_ids)
    with unit_of_work(db.write_session) as session:
        config = load_org_config(session, org.org_id)
        assert config is not None
        again = find_hierarchy(session, config, "demo-fleet")
        assert again is not None
        assert again.id == first.id
        assert again.role_ids == ids
        assert len(repository.list_hierarchies(session, org.org_id)) == 1


def test_changing_the_org_file_keeps_role_ids_and_adds_new_roles(db: Database) -> None:
    spec = org_spec(0, hierarchies=[{"code": "family", "roles": _roles("HEAD", "KID")}])
    created = make_org(db, hierarchies=spec["hierarchies"])
    with unit_of_work(db.write_session) as session:
        config = load_org_config(session, created.org_id)
        assert config is not None
        before = require_hierarchy(session, config, "family")
    grown = {"code": "family", "name": "Family", "roles": _roles("HEAD", "KID", "PET")}
    with unit_of_work(db.write_session) as session:
        apply_org_file(
            session, OrgFile.model_validate(org_spec(created.org_id, hierarchies=[grown]))
        )
    with unit_of_work(db.write_session) as session:
        config = load_org_config(session, created.org_id)
        assert config is not None
        after = require_hierarchy(session, config, "family")
        assert after.id == before.id
        assert after.definition.name == "Family"
        assert after.role_ids["head"] == before.role_ids["head"]
        assert after.role_ids["kid"] == before.role_ids["kid"]
        assert set(after.role_ids) == {"head", "kid", "pet"}


def test_get_hierarchy_reads_the_file_definition_without_writing(
    db: Database, org: OrgCredentials
) -> None:
    with unit_of_work(db.write_session) as session:
        config = load_org_config(session, org.org_id)
        assert config is not None
        stored = require_hierarchy(session, config, "demo-fleet")
    with unit_of_work(db.read_session) as session:
        config = load_org_config(session, org.org_id)
        assert config is not None
        read = get_hierarchy(session, config, stored.id)
        assert read.definition == config.hierarchies[0]
        owner = read.role("OWNER")
        assert owner is not None
        assert read.role_of_id(read.role_id(owner)) == owner
        with pytest.raises(NotFound) as missing:
            get_hierarchy(session, config, stored.id + 1000)
        assert missing.value.notice.code == 1602


def test_unknown_hierarchy_code_is_1602(db: Database, org: OrgCredentials) -> None:
    with unit_of_work(db.write_session) as session:
        config = load_org_config(session, org.org_id)
        assert config is not None
        assert find_hierarchy(session, config, "  ") is None
        with pytest.raises(NotFound) as missing:
            require_hierarchy(session, config, "no-such")
        assert missing.value.notice.code == 1602


def test_the_default_hierarchy_is_the_files(db: Database, org: OrgCredentials) -> None:
    with unit_of_work(db.write_session) as session:
        config = load_org_config(session, org.org_id)
        assert config is not None
        found = default_hierarchy(session, config)
        assert found is not None
        assert found.code == "demo-fleet"
    bare = make_org(db, hierarchies=[{"code": "plain", "roles": _roles("A", "B")}])
    with unit_of_work(db.write_session) as session:
        config = load_org_config(session, bare.org_id)
        assert config is not None
        assert default_hierarchy(session, config) is None
