"""Concurrent member calls (PostgreSQL): the last place, the one primary member, a deletion and
a shrinking size each decide one way, and opposite transfers do not deadlock."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from patron.db import Database, unit_of_work
from patron.groups.models import GroupMember, UserGroup
from tests.api.helpers import codes, events
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.groups.test_group_transfer import transfer
from tests.groups.test_user_groups import (
    GROUPS,
    create,
    customer,
    item_codes,
    join,
    joined,
    member,
)


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


def stored(db: Database, group_id: int) -> tuple[UserGroup, int, int]:
    """Return the group row, its member rows and its primary members as stored."""
    with unit_of_work(db.read_session) as session:
        group = session.get(UserGroup, group_id)
        assert group is not None
        count = select(func.count()).where(GroupMember.group_id == group_id)
        members = int(session.scalar(count) or 0)
        primaries = int(session.scalar(count.where(GroupMember.is_primary)) or 0)
        return group, members, primaries


@pytest.mark.parametrize("round_", range(3))
def test_two_joins_for_the_last_place_add_one_member(api: Api, db: Database, round_: int) -> None:
    group_id = create(api, maxGroupSize=2)
    joined(api, group_id, member(customer(api)))
    first, second = customer(api), customer(api)
    before = len(events(db, api.org.org_id, "groupMemberAdded"))
    results = concurrently(
        lambda: join(api, group_id, member(first)), lambda: join(api, group_id, member(second))
    )
    assert sorted(r.status_code for r in results) == [200, 400], [r.text for r in results]
    assert sorted(item_codes(r)[0] for r in results) == [[], [1638]]
    group, members, _ = stored(db, group_id)
    assert group.member_count == members == group.max_size == 2
    assert len(events(db, api.org.org_id, "groupMemberAdded")) == before + 1


@pytest.mark.parametrize("round_", range(3))
def test_two_primary_joins_make_one_primary(api: Api, db: Database, round_: int) -> None:
    group_id = create(api)
    first, second = customer(api), customer(api)
    results = concurrently(
        lambda: join(api, group_id, member(first, primary=True)),
        lambda: join(api, group_id, member(second, primary=True)),
    )
    assert sorted(item_codes(r)[0] for r in results) == [[], [1637]], [r.text for r in results]
    group, members, primaries = stored(db, group_id)
    assert (group.member_count, members, primaries) == (1, 1, 1)


@pytest.mark.parametrize("round_", range(3))
def test_a_join_racing_a_deletion_leaves_no_member_in_the_deleted_group(
    api: Api, db: Database, round_: int
) -> None:
    group_id, user = create(api), customer(api)
    joined_first, deleted = concurrently(
        lambda: join(api, group_id, member(user)),
        lambda: api.delete(GROUPS, params={"id": group_id}),
    )
    assert deleted.status_code == 200, deleted.text
    assert joined_first.status_code == 200 or codes(joined_first) == [1619]
    group, members, _ = stored(db, group_id)
    assert (group.status, group.member_count, members) == ("DELETED", 0, 0)


@pytest.mark.parametrize("round_", range(3))
def test_a_shrink_racing_a_join_never_leaves_more_members_than_places(
    api: Api, db: Database, round_: int
) -> None:
    group_id = create(api, maxGroupSize=3)
    joined(api, group_id, member(customer(api)))
    user = customer(api)
    joining, shrinking = concurrently(
        lambda: join(api, group_id, member(user)),
        lambda: api.put(GROUPS, json={"id": group_id, "maxGroupSize": 1}),
    )
    outcomes = (joining.status_code, shrinking.status_code)
    assert outcomes in ((200, 400), (400, 200)), [joining.text, shrinking.text]
    if shrinking.status_code == 400:
        assert codes(shrinking) == [1640]
    else:
        assert item_codes(joining) == [[1638]]
    group, members, _ = stored(db, group_id)
    assert group.member_count == members <= group.max_size


@pytest.mark.parametrize("round_", range(3))
def test_opposite_transfers_both_succeed(api: Api, db: Database, round_: int) -> None:
    one, other = create(api), create(api)
    here, there = customer(api), customer(api)
    joined(api, one, member(here))
    joined(api, other, member(there))
    results = concurrently(
        lambda: transfer(api, one, other, here), lambda: transfer(api, other, one, there)
    )
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    assert (stored(db, one)[1], stored(db, other)[1]) == (1, 1)
