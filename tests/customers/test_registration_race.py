"""Concurrent registrations of one identifier end with exactly one customer (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from patron.customers.models import Customer, Profile
from patron.db import Database, unit_of_work
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile


def race(api: Api, bodies: list[dict[str, Any]]) -> list[Any]:
    barrier = threading.Barrier(len(bodies))
    results: list[Any] = [None] * len(bodies)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = api.post("/v2/customers", json=bodies[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def count_customers(db: Database, org_id: int) -> int:
    with unit_of_work(db.read_session) as session:
        return int(
            session.scalar(
                select(func.count()).select_from(Customer).where(Customer.org_id == org_id)
            )
            or 0
        )


@pytest.fixture
def on_postgres(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("real write concurrency needs PostgreSQL")


@pytest.mark.usefixtures("on_postgres")
@pytest.mark.parametrize("round_", range(10))
def test_same_mobile_same_source_race_leaves_one_customer(
    api: Api, db: Database, round_: int
) -> None:
    mobile = unique_mobile()
    results = race(api, [registration(profile(mobile)) for _ in range(4)])
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409, 409, 409]
    assert {r.json()["errors"][0]["code"] for r in results if r.status_code == 409} == {1032}
    assert count_customers(db, api.org.org_id) == 1


@pytest.mark.usefixtures("on_postgres")
def test_same_mobile_different_sources_race_leaves_one_customer(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    bodies = [
        registration(profile(mobile)),
        registration(profile(mobile, source="WECHAT", account_id="WECHAT-CM")),
        registration(profile(mobile, source="LINE", account_id="LINE-DEMO")),
    ]
    results = race(api, bodies)
    assert [r.status_code for r in results] == [200, 200, 200]
    ids = {r.json()["createdId"] for r in results}
    assert len(ids) == 1
    assert count_customers(db, api.org.org_id) == 1
    with unit_of_work(db.read_session) as session:
        sources = set(
            session.scalars(select(Profile.source).where(Profile.customer_id == ids.pop()))
        )
    assert sources == {"INSTORE", "WECHAT", "LINE"}


def test_sequential_duplicate_is_rejected_on_every_backend(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    results = [api.post("/v2/customers", json=registration(profile(mobile))) for _ in range(2)]
    assert [r.status_code for r in results] == [200, 409]
    assert count_customers(db, api.org.org_id) == 1
