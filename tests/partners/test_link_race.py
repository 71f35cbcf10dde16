"""Two links of one customer to one program at once (PostgreSQL): one links, one answers 2005."""

from __future__ import annotations

import pytest

from patron.db import Database
from tests.api.helpers import events
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.partners.support import PLUS, customer, link, status


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


@pytest.mark.parametrize("round_", range(3))
def test_two_links_at_once_link_once(api: Api, db: Database, round_: int) -> None:
    _, mobile = customer(api)
    results = concurrently(lambda: link(api, mobile, PLUS), lambda: link(api, mobile, PLUS))
    assert sorted(status(r)["code"] for r in results) == [200, 2005]
    assert len(events(db, api.org.org_id, "partnerProgramLinked")) == 1
