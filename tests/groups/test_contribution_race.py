"""Concurrent contributions (PostgreSQL): members' bills credit their group at the same time
and the group's balance is the sum, one entry each, the ledger clean."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from patron.db import Database, unit_of_work
from patron.loyalty.models import Account, Entry
from tests.api.helpers import events
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.groups.test_pooling import fleet, group_account, make_group
from tests.loyalty.test_transactions import customer, post, purchase


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


def award_entries(db: Database, group_id: int) -> int:
    with unit_of_work(db.read_session) as session:
        query = (
            select(func.count(Entry.id))
            .join(Account, Account.id == Entry.account_id)
            .where(Account.group_id == group_id, Entry.kind == "AWARD")
        )
        return int(session.scalar(query) or 0)


@pytest.mark.parametrize("round_", range(2))
def test_two_members_credit_a_new_group_at_once(api: Api, db: Database, round_: int) -> None:
    first, first_mobile = customer(api)
    second, second_mobile = customer(api)
    group_id = make_group(db, api.org.org_id, [first, second])
    results = concurrently(
        lambda: post(api, first_mobile, purchase(1000, userGroup2Id=group_id)),
        lambda: post(api, second_mobile, purchase(3000, userGroup2Id=group_id)),
    )
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    account = group_account(db, api.org.org_id, group_id)
    assert account is not None
    assert (account.points, account.lifetime, account.purchases) == (40, 40, 4000)
    assert award_entries(db, group_id) == 2
    assert len(events(db, api.org.org_id, "pointsContributionToGroup")) == 2


def test_four_drivers_credit_their_owners_group_at_once(api: Api, db: Database) -> None:
    owner, _ = customer(api)
    drivers = [customer(api) for _ in range(4)]
    group_id = fleet(db, api.org.org_id, owner, [d for d, _ in drivers])
    results = concurrently(*(lambda m=m: post(api, m, purchase(1000)) for _, m in drivers))
    assert [r.status_code for r in results] == [200] * 4, [r.text for r in results]
    account = group_account(db, api.org.org_id, group_id)
    assert account is not None
    assert (account.points, account.purchases) == (40, 4000)
    assert award_entries(db, group_id) == 4
