"""Concurrent merges end consistent: one survivor, nothing left on a victim (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from patron.customers.models import CommChannel, Customer, Identifier, Identity, Profile
from patron.db import Database, unit_of_work
from tests.api.helpers import register
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


def add(api: Api, customer_id: int, mobile: str, source: str) -> Any:
    return lambda: api.post(
        f"/v2/customers/{customer_id}/changeIdentifier?source={source}",
        json={"add": [{"type": "mobile", "value": mobile}]},
    )


def assert_consistent(db: Database, org_id: int) -> set[int]:
    """Check the merge invariants of the org; return the ids of live customers."""
    with unit_of_work(db.read_session) as session:
        customers = {
            c.id: c for c in session.scalars(select(Customer).where(Customer.org_id == org_id))
        }
        merged = {i for i, c in customers.items() if c.merged_into_id is not None}
        for model in (Profile, Identifier, CommChannel, Identity):
            owners = set(
                session.scalars(select(model.customer_id).where(model.customer_id.in_(customers)))
            )
            assert not owners & merged, f"{model.__name__} rows left on merged customers"
        for cid in merged:
            seen, current = set(), customers[cid]
            while current.merged_into_id is not None:
                assert current.id not in seen, "merge cycle"
                seen.add(current.id)
                current = customers[current.merged_into_id]
        identities = session.execute(
            select(Identity.type, Identity.value, Identity.customer_id).where(
                Identity.org_id == org_id
            )
        ).all()
        held = set(
            session.execute(
                select(Identifier.type, Identifier.value, Identifier.customer_id).where(
                    Identifier.org_id == org_id
                )
            ).all()
        )
        for row in identities:
            assert tuple(row) in held, f"identity {tuple(row)} without an identifier"
        return set(customers) - merged


@pytest.mark.parametrize("round_", range(3))
def test_opposite_merges_of_one_pair(api: Api, db: Database, round_: int) -> None:
    ma, mb = unique_mobile(), unique_mobile()
    a = register(api, registration(profile(ma)))
    b = register(api, registration(profile(mb, source="WECHAT", account_id="WECHAT-CM")))
    results = concurrently(add(api, a, mb, "LINE&accountId=LINE-DEMO"), add(api, b, ma, "WEBSITE"))
    assert all(r.status_code in (200, 409) for r in results), [r.text for r in results]
    live = assert_consistent(db, api.org.org_id)
    assert len(live & {a, b}) == 1


@pytest.mark.parametrize("round_", range(3))
def test_same_merge_twice(api: Api, db: Database, round_: int) -> None:
    ma, mb = unique_mobile(), unique_mobile()
    a = register(api, registration(profile(ma)))
    b = register(api, registration(profile(mb, source="WECHAT", account_id="WECHAT-CM")))
    results = concurrently(add(api, a, mb, "TMALL"), add(api, a, mb, "JD"))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409]
    assert {r.json()["errors"][0]["code"] for r in results if r.status_code == 409} == {8067}
    assert assert_consistent(db, api.org.org_id) & {a, b} == {b}


@pytest.mark.parametrize("round_", range(3))
def test_chain_of_merges(api: Api, db: Database, round_: int) -> None:
    ma, mb, mc = unique_mobile(), unique_mobile(), unique_mobile()
    a = register(api, registration(profile(ma)))
    b = register(api, registration(profile(mb, source="WECHAT", account_id="WECHAT-CM")))
    c = register(api, registration(profile(mc, source="LINE", account_id="LINE-DEMO")))
    results = concurrently(add(api, b, ma, "JD"), add(api, c, mb, "TMALL"))
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    assert assert_consistent(db, api.org.org_id) & {a, b, c} == {a}
    assert (
        api.get(
            f"/v2/customers/lookup?source=ALL&identifierName=mobile&identifierValue={mc}"
        ).json()["entity"]
        == a
    )
