"""Referral test fixtures: after every test, each account of the test's org must agree with
its journal and lots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from patron.db import Database, unit_of_work
from patron.loyalty.audit import check_org
from tests.conftest import Api, OrgCredentials


@pytest.fixture
def api(app_client: TestClient, org: OrgCredentials, db: Database) -> Iterator[Api]:
    """The API client of the test's org (the demo campaign DEMOREF), its ledger checked after."""
    yield Api(app_client, org)
    with unit_of_work(db.read_session) as session:
        assert check_org(session, org.org_id) == []
