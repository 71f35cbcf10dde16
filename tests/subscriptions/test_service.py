"""Subscription services other domains call: the embed, merge and scrub hooks; transactions."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from patron.auth.principal import Principal
from patron.auth.service import AuthCaches, load_principal
from patron.db import Database, unit_of_work
from patron.events.catalogue import EventName
from patron.events.outbox import list_events
from patron.orgs import repository as orgs_repo
from patron.subscriptions import repository
from patron.subscriptions.schemas import UpdateSubscriptionsIn
from patron.subscriptions.service import (
    delete_subscriptions,
    get_subscriptions,
    move_subscriptions,
    subscription_info,
    update_subscriptions,
)
from tests.conftest import Api, OrgCredentials
from tests.factories import profile, registration


def register(api: Api) -> int:
    return int(api.post("/v2/customers", json=registration(profile())).json()["createdId"])


def principal_of(db: Database, org: OrgCredentials) -> Principal:
    with unit_of_work(db.read_session) as session:
        till = orgs_repo.find_till_by_code(session, org.till_code)
        assert till is not None
        principal = load_principal(session, AuthCaches.create(60, 5), till.id)
    assert principal is not None
    return principal


def update(*items: tuple[str, str, str], **extra: Any) -> UpdateSubscriptionsIn:
    changes = [{"channel": c, "priority": p, "type": t, **extra} for c, p, t in items]
    return UpdateSubscriptionsIn.model_validate({"subscriptions": changes})


def apply(
    db: Database, principal: Principal, customer_id: int, body: UpdateSubscriptionsIn
) -> None:
    with unit_of_work(db.write_session) as session:
        update_subscriptions(session, principal, customer_id, body, "rq")


def listing(db: Database, org_id: int, customer_id: int) -> list[dict[str, Any]]:
    with unit_of_work(db.read_session) as session:
        result: list[dict[str, Any]] = get_subscriptions(session, org_id, customer_id)[
            "subscriptions"
        ]
    return result


def event_count(db: Database, org_id: int) -> int:
    with unit_of_work(db.read_session) as session:
        return len(list_events(session, org_id, name=EventName.CUSTOMER_SUBSCRIPTION))


def test_embed_lists_app_channels_too(api: Api, db: Database) -> None:
    customer_id = register(api)
    principal = principal_of(db, api.org)
    apply(
        db,
        principal,
        customer_id,
        update(("IOS", "BULK", "OPTOUT"), ("LINE", "TRANS", "OPTOUT")),
    )
    with unit_of_work(db.read_session) as session:
        info = subscription_info(session, api.org.org_id, customer_id)
    assert info == {
        "subscriptions": [
            {"channel": "EMAIL", "priority": "TRANS", "type": "OPTIN"},
            {"channel": "SMS", "priority": "TRANS", "type": "OPTIN"},
            {"channel": "ANDROID", "priority": "TRANS", "type": "OPTIN"},
            {"channel": "IOS", "priority": "TRANS", "type": "OPTIN"},
            {"channel": "LINE", "priority": "TRANS", "type": "OPTOUT"},
            {"channel": "EMAIL", "priority": "BULK", "type": "OPTIN"},
            {"channel": "SMS", "priority": "BULK", "type": "OPTIN"},
            {"channel": "ANDROID", "priority": "BULK", "type": "OPTIN"},
            {"channel": "IOS", "priority": "BULK", "type": "OPTOUT"},
        ]
    }


def test_merge_moves_the_victims_rows_and_the_survivor_keeps_its_own(
    api: Api, db: Database
) -> None:
    victim, survivor = register(api), register(api)
    principal = principal_of(db, api.org)
    apply(db, principal, victim, update(("EMAIL", "BULK", "OPTOUT"), ("SMS", "BULK", "OPTOUT")))
    apply(db, principal, survivor, update(("SMS", "BULK", "OPTIN"), ("EMAIL", "TRANS", "OPTOUT")))
    with unit_of_work(db.write_session) as session:
        move_subscriptions(session, api.org.org_id, victim, survivor)
    statuses = {
        (item["channel"], item["priority"]): item["type"]
        for item in listing(db, api.org.org_id, survivor)
    }
    assert statuses == {
        ("EMAIL", "TRANS"): "OPTOUT",  # the survivor's own
        ("SMS", "TRANS"): "OPTIN",
        ("EMAIL", "BULK"): "OPTOUT",  # moved from the victim
        ("SMS", "BULK"): "OPTIN",  # the survivor's own wins the collision
    }
    with unit_of_work(db.read_session) as session:
        assert repository.list_subscriptions(session, api.org.org_id, victim) == []


def test_scrub_deletes_every_row(api: Api, db: Database) -> None:
    customer_id = register(api)
    principal = principal_of(db, api.org)
    apply(db, principal, customer_id, update(("EMAIL", "BULK", "OPTOUT")))
    with unit_of_work(db.write_session) as session:
        delete_subscriptions(session, api.org.org_id, customer_id)
    assert all(item["type"] == "OPTIN" for item in listing(db, api.org.org_id, customer_id))


def test_rolled_back_update_leaves_no_event_and_no_change(api: Api, db: Database) -> None:
    customer_id = register(api)
    principal = principal_of(db, api.org)
    seen: list[int] = []

    def change_then_fail() -> None:
        with unit_of_work(db.write_session) as session:
            body = update(("EMAIL", "BULK", "OPTOUT"))
            update_subscriptions(session, principal, customer_id, body, "rq")
            events = list_events(session, api.org.org_id, name=EventName.CUSTOMER_SUBSCRIPTION)
            seen.append(len(events))
            raise RuntimeError("the unit of work fails after the change")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert seen == [1]
    assert event_count(db, api.org.org_id) == 0
    assert {item["type"] for item in listing(db, api.org.org_id, customer_id)} == {"OPTIN"}


def test_concurrent_identical_changes_report_the_change_once(api: Api, db: Database) -> None:
    customer_id = register(api)
    principal = principal_of(db, api.org)
    body = update(("WHATSAPP", "BULK", "OPTOUT"), ("EMAIL", "BULK", "OPTOUT"))
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            apply(db, principal, customer_id, body)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert event_count(db, api.org.org_id) == 1
