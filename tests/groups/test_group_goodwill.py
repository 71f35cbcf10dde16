"""Goodwill requests for a user group (earningEntityType USERGROUP2): filed for the group,
decided by another till, credited to the group's account; 93026 when no group is named."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from patron.db import Database, unit_of_work
from patron.loyalty.models import Request
from tests.api.helpers import codes
from tests.conftest import Api
from tests.groups.test_pooling import (
    delete_group,
    group_account,
    group_external_id,
    group_points,
    make_group,
)
from tests.loyalty.test_goodwill import (
    ask,
    auto_approving_org,
    balance,
    decide,
    decision,
    goodwill_items,
    item_codes,
    loyal_customer,
)


def group_goodwill(points: Any = 100, **naming: Any) -> dict[str, Any]:
    """Return a goodwill points request for the group ``naming`` names."""
    return {
        "type": "GOODWILL",
        "baseType": "POINTS",
        "goodwillRequest": {"points": points, "reason": "fleet bonus"},
        "earningEntityType": "USERGROUP2",
        **naming,
    }


def a_group(api: Api, db: Database) -> tuple[int, int]:
    """A group with a primary member; return (group id, primary member id)."""
    primary = loyal_customer(api)
    return make_group(db, api.org.org_id, primary=primary), primary


def test_a_group_request_stays_pending_and_credits_nothing(api: Api, db: Database) -> None:
    group_id, _ = a_group(api, db)
    ask(api, group_goodwill(userGroup2Id=group_id))
    assert group_points(db, api.org.org_id, group_id) == 0


def test_another_till_approves_and_the_group_is_credited(
    api: Api, approver: Api, db: Database
) -> None:
    group_id, primary = a_group(api, db)
    before = balance(db, api.org.org_id, primary)
    request_id = ask(api, group_goodwill(100, userGroup2Id=group_id))
    [outcome] = decide(approver, decision(request_id, approvedValue=80))
    assert (outcome["errors"], outcome["status"]) == ([], "APPROVED")
    assert outcome["sideEffects"] == [
        {
            "entityType": "USERGROUP2",
            "rawAwardedPoints": 80.0,
            "awardedPoints": 80.0,
            "type": "points",
        }
    ]
    account = group_account(db, api.org.org_id, group_id)
    assert account is not None
    assert (account.points, account.lifetime) == (80, 80)
    assert balance(db, api.org.org_id, primary) == before


@pytest.mark.parametrize("name", ["userGroup2ExternalId", "userGroup2PrimaryUserId"])
def test_a_group_is_also_named_by_external_id_or_primary_member(
    api: Api, approver: Api, db: Database, name: str
) -> None:
    group_id, primary = a_group(api, db)
    value = (
        group_external_id(db, api.org.org_id, group_id)
        if name == "userGroup2ExternalId"
        else primary
    )
    request_id = ask(api, group_goodwill(30, **{name: value}))
    decide(approver, decision(request_id))
    assert group_points(db, api.org.org_id, group_id) == 30


def test_a_group_without_primary_is_filed_under_its_first_member(
    api: Api, approver: Api, db: Database
) -> None:
    member = loyal_customer(api)
    group_id = make_group(db, api.org.org_id, [member])
    request_id = ask(api, group_goodwill(20, userGroup2Id=group_id))
    decide(approver, decision(request_id))
    assert group_points(db, api.org.org_id, group_id) == 20


def test_the_till_that_asked_cannot_approve_a_group_request(api: Api, db: Database) -> None:
    group_id, _ = a_group(api, db)
    request_id = ask(api, group_goodwill(userGroup2Id=group_id))
    [outcome] = decide(api, decision(request_id))
    assert item_codes(outcome) == [9051]
    assert group_points(db, api.org.org_id, group_id) == 0


def test_a_rejected_group_request_credits_nothing(api: Api, approver: Api, db: Database) -> None:
    group_id, _ = a_group(api, db)
    request_id = ask(api, group_goodwill(userGroup2Id=group_id))
    [outcome] = decide(approver, decision(request_id, "REJECTED"))
    assert outcome["status"] == "REJECTED"
    assert group_points(db, api.org.org_id, group_id) == 0


def test_a_group_request_is_not_the_primary_members_own(api: Api, db: Database) -> None:
    group_id, primary = a_group(api, db)
    ask(api, group_goodwill(userGroup2Id=group_id))
    assert goodwill_items(api, primary) == []


def test_an_auto_approving_program_credits_the_group_at_once(
    app_client: TestClient, db: Database
) -> None:
    api = Api(app_client, auto_approving_org(db))
    group_id, _ = a_group(api, db)
    ask(api, group_goodwill(40, userGroup2Id=group_id))
    assert group_points(db, api.org.org_id, group_id) == 40


def test_a_group_deleted_before_approval_is_refused_with_93026(
    api: Api, approver: Api, db: Database
) -> None:
    group_id, _ = a_group(api, db)
    request_id = ask(api, group_goodwill(userGroup2Id=group_id))
    delete_group(db, api.org.org_id, group_id)
    [outcome] = decide(approver, decision(request_id))
    assert (item_codes(outcome), outcome["status"]) == ([93026], "PENDING")
    assert group_points(db, api.org.org_id, group_id) == 0


@pytest.mark.parametrize(
    "naming",
    [
        {},
        {"userGroup2Id": 987654321},
        {"userGroup2Id": "abc"},
        {"userGroup2ExternalId": "nobody"},
        {"userGroup2PrimaryUserId": 987654321},
    ],
)
def test_a_request_naming_no_group_answers_93026(api: Api, naming: dict[str, Any]) -> None:
    response = api.post("/v2/requests", json=group_goodwill(**naming))
    assert (response.status_code, codes(response)) == (400, [93026])


def test_a_retro_request_for_a_group_is_refused_with_400(api: Api, db: Database) -> None:
    group_id, _ = a_group(api, db)
    body = group_goodwill(userGroup2Id=group_id)
    body |= {"type": "TRANSACTION_UPDATE", "baseType": "RETRO", "billNumber": "B-1"}
    assert codes(api.post("/v2/requests", json=body)) == [400]


def test_group_goodwill_points_are_checked_as_a_customers(api: Api, db: Database) -> None:
    group_id, _ = a_group(api, db)
    assert codes(api.post("/v2/requests", json=group_goodwill(0, userGroup2Id=group_id))) == [801]


def test_a_deleted_group_cannot_be_asked_for(api: Api, db: Database) -> None:
    group_id, _ = a_group(api, db)
    delete_group(db, api.org.org_id, group_id)
    assert codes(api.post("/v2/requests", json=group_goodwill(userGroup2Id=group_id))) == [93026]


def test_an_empty_group_cannot_be_asked_for(api: Api, db: Database) -> None:
    group_id = make_group(db, api.org.org_id)
    assert codes(api.post("/v2/requests", json=group_goodwill(userGroup2Id=group_id))) == [93026]


def test_a_group_request_records_its_group(api: Api, db: Database) -> None:
    group_id, primary = a_group(api, db)
    request_id = ask(api, group_goodwill(userGroup2Id=group_id))
    with unit_of_work(db.read_session) as session:
        request = session.get(Request, request_id)
        assert request is not None
        assert (request.group_id, request.customer_id) == (group_id, primary)
