"""Claims and outcomes in batches: a handful of statements per batch, whatever its size."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event, select, update

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.webhooks.claims import claim_due, prepare_jobs
from patron.webhooks.dispatcher import Dispatcher
from patron.webhooks.fanout import fan_out
from patron.webhooks.models import DELIVERIES, Delivery, Outcome
from patron.webhooks.outcomes import Result, Rules, outcome_of, record_results
from patron.webhooks.retry import RetryPolicy
from patron.webhooks.senders.base import Answer, Job
from tests.reliability.receiver import Receiver, Reply
from tests.webhooks.support import Hooks, wait_until

OWNER = "test-worker"
LEASE = dt.timedelta(seconds=60)
RULES = Rules(RetryPolicy(5.0, 60.0, 3600.0), dt.timedelta(days=1), 1000)


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Collect the statements sent to the writer (an executemany counts once)."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(db.writer, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.writer, "before_cursor_execute", note)


def claim(db: Database, limit: int) -> tuple[list[Job], list[str]]:
    """Fan out and claim up to ``limit`` deliveries; return the jobs and the claim's statements."""
    now = clock.now()
    with unit_of_work(db.write_session) as session:
        fan_out(session, now, 500)
    with statements(db) as seen, unit_of_work(db.write_session) as session:
        claims, _ = claim_due(session, OWNER, now, LEASE, limit, allow_private=True)
    return prepare_jobs(claims, now), seen


def finished(job: Job, answer: Answer) -> Result:
    now = clock.now()
    return Result(job, answer, outcome_of(answer), now, now, 3)


def test_a_claim_takes_the_same_statements_for_one_delivery_as_for_many(
    hooks: Hooks, db: Database, receiver: Receiver
) -> None:
    hooks.create(receiver.url("/many"), maxAllowedConnections=50)
    hooks.register(13)
    [one], first = claim(db, 1)
    many, second = claim(db, 50)
    assert len(many) == 12
    assert one.delivery_id not in {j.delivery_id for j in many}
    assert first == second


def test_a_batch_with_mixed_outcomes_is_recorded_in_one_go(
    hooks: Hooks, db: Database, receiver: Receiver
) -> None:
    hook = hooks.create(receiver.url("/mixed"), maxAllowedConnections=10)
    hooks.register(5)
    jobs, _ = claim(db, 10)
    ok, busy, refused, gone, lost = sorted(jobs, key=lambda j: j.delivery_id)
    results = [
        finished(ok, Answer(status_code=204)),
        finished(busy, Answer(status_code=503, error="HTTP 503")),
        finished(refused, Answer(status_code=400, error="HTTP 400")),
        finished(gone, Answer(status_code=410, error="HTTP 410")),
        Result(lost, Answer(error="interrupted"), Outcome.UNKNOWN, clock.now(), clock.now(), 1),
    ]
    with statements(db) as seen, unit_of_work(db.write_session) as session:
        record_results(session, results, OWNER, RULES)
    # Lock webhook and deliveries, one executemany for the attempts and one for the
    # deliveries, then the webhook's health and the pausing of what it still had pending.
    assert Counter(seen)["UPDATE"] <= 4
    assert len(seen) <= 7
    by_id = {d.id: d for d in hooks.deliveries(hook["webHookId"])}
    assert by_id[ok.delivery_id].status == "SUCCEEDED"
    assert by_id[refused.delivery_id].status == "FAILED"
    assert by_id[gone.delivery_id].status == "PAUSED"
    # The 410 disabled the webhook, so what was still pending is paused too.
    assert by_id[busy.delivery_id].status == "PAUSED"
    assert by_id[lost.delivery_id].status == "PAUSED"
    assert all(d.lease_owner is None for d in by_id.values())
    outcomes = {a.delivery_id: a.outcome for a in hooks.attempts(hook["webHookId"])}
    assert outcomes == {
        ok.delivery_id: "SUCCESS",
        busy.delivery_id: "RETRY",
        refused.delivery_id: "FAILED",
        gone.delivery_id: "GONE",
        lost.delivery_id: "UNKNOWN",
    }
    assert not hooks.webhook(hook["webHookId"]).is_active


def test_a_retry_is_scheduled_and_a_success_after_it_resets_the_health(
    hooks: Hooks, db: Database, receiver: Receiver
) -> None:
    hook = hooks.create(receiver.url("/again"), maxAllowedConnections=10)
    hooks.register(2)
    first, second = sorted(claim(db, 10)[0], key=lambda j: j.delivery_id)
    with unit_of_work(db.write_session) as session:
        record_results(
            session,
            [
                finished(second, Answer(status_code=200)),
                finished(first, Answer(status_code=500, error="HTTP 500", retry_after=30)),
            ],
            OWNER,
            RULES,
        )
    retried = {d.id: d for d in hooks.deliveries(hook["webHookId"])}[first.delivery_id]
    assert retried.status == "PENDING"
    assert retried.last_status_code == 500
    assert retried.next_attempt_at >= clock.now() + dt.timedelta(seconds=25)
    webhook = hooks.webhook(hook["webHookId"])
    assert webhook.consecutive_failures == 1
    with unit_of_work(db.write_session) as session:
        session.execute(
            update(DELIVERIES)
            .where(DELIVERIES.c.id == first.delivery_id)
            .values(next_attempt_at=clock.now())
        )
    [again], _ = claim(db, 10)
    assert again.endpoint_failing
    with unit_of_work(db.write_session) as session:
        record_results(session, [finished(again, Answer(status_code=200))], OWNER, RULES)
    assert hooks.webhook(hook["webHookId"]).consecutive_failures == 0
    assert {d.status for d in hooks.deliveries(hook["webHookId"])} == {"SUCCEEDED"}


def test_a_late_answer_after_another_worker_took_over_is_logged_but_not_applied(
    hooks: Hooks, db: Database, receiver: Receiver
) -> None:
    hook = hooks.create(receiver.url("/late"), maxAllowedConnections=10)
    hooks.register(1)
    [job], _ = claim(db, 10)
    with unit_of_work(db.write_session) as session:
        session.execute(
            update(DELIVERIES)
            .where(DELIVERIES.c.id == job.delivery_id)
            .values(lease_owner="another-worker")
        )
        record_results(
            session, [finished(job, Answer(status_code=503, error="HTTP 503"))], OWNER, RULES
        )
    [delivery] = hooks.deliveries(hook["webHookId"])
    assert (delivery.status, delivery.lease_owner) == ("PENDING", "another-worker")
    [attempt] = hooks.attempts(hook["webHookId"])
    assert attempt.outcome == "RETRY"


def test_two_workers_deliver_every_event_exactly_once(
    hooks: Hooks, db: Database, receiver: Receiver, start_dispatcher: Callable[..., Dispatcher]
) -> None:
    receiver.script("/pair", then=Reply(200))
    hook = hooks.create(receiver.url("/pair"), maxAllowedConnections=8)
    event_ids = hooks.register(120)
    start_dispatcher(dispatcher_batch_size=16)
    start_dispatcher(dispatcher_batch_size=16)
    wait_until(
        lambda: [d.status for d in hooks.deliveries(hook["webHookId"])] == ["SUCCEEDED"] * 120,
        timeout=60,
    )
    received = Counter(r.event_id for r in receiver.requests("/pair"))
    assert set(received) == set(event_ids)
    assert max(received.values()) == 1
    assert receiver.max_in_flight["/pair"] <= 8
    with unit_of_work(db.read_session) as session:
        workers = set(
            session.scalars(
                select(Delivery.lease_owner).where(Delivery.webhook_id == hook["webHookId"])
            )
        )
    assert workers == {None}
