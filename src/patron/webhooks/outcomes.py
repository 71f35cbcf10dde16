"""Recording what came of each attempt: success, retry with backoff, final failure, disabling."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import BindParameter, Select, Update, bindparam, select, update
from sqlalchemy.orm import Session

from patron.config import Settings
from patron.webhooks import repository
from patron.webhooks.fanout import lock_rows, locking
from patron.webhooks.models import ATTEMPTS, DELIVERIES, DeliveryStatus, Outcome, Webhook
from patron.webhooks.retry import RetryPolicy, classify
from patron.webhooks.senders.base import Answer, Job

log = structlog.get_logger("patron.webhooks")


@dataclass(frozen=True)
class Result:
    """A finished attempt, waiting to be recorded."""

    job: Job
    answer: Answer
    outcome: Outcome
    started_at: dt.datetime
    ended_at: dt.datetime
    duration_ms: int


@dataclass(frozen=True)
class Rules:
    """When to retry, and when a failing endpoint is disabled."""

    retry: RetryPolicy
    disable_after: dt.timedelta
    disable_after_failures: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        """Build the rules the settings describe."""
        return cls(
            RetryPolicy.from_settings(settings),
            dt.timedelta(seconds=settings.webhook_disable_after_seconds),
            settings.webhook_disable_after_failures,
        )


def outcome_of(answer: Answer) -> Outcome:
    """Classify an answer: an acknowledgement or 2xx succeeds, 400 and local errors are final."""
    if answer.acknowledged:
        return Outcome.SUCCESS
    if answer.final:
        return Outcome.FAILED
    return classify(answer.status_code)


@dataclass
class Progress:
    """The state of one delivery as recording moves it on (written back in one batch)."""

    id: int
    status: str
    lease_owner: str | None
    lease_until: dt.datetime | None
    attempt_count: int
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    next_attempt_at: dt.datetime
    last_status_code: int | None = None
    last_error: str | None = None


PROGRESS_COLUMNS = ("id", "status", "lease_owner", "lease_until", "attempt_count",
    "started_at", "ended_at", "next_attempt_at")  # fmt: skip


def _finish(delivery: Progress, status: DeliveryStatus, result: Result) -> None:
    delivery.status = status
    delivery.lease_owner = None
    delivery.lease_until = None
    delivery.last_status_code = result.answer.status_code
    delivery.last_error = result.answer.error
    if status != DeliveryStatus.PENDING:
        delivery.ended_at = result.ended_at


def _disable(hook: Webhook, reason: str) -> None:
    if hook.is_active:
        hook.is_active = False
        hook.disabled_reason = reason[:500]
        log.warning("webhook_disabled", webhook_id=hook.id, org_id=hook.org_id, reason=reason)


def _note_failure(hook: Webhook, result: Result, rules: Rules) -> None:
    hook.consecutive_failures += 1
    hook.failing_since = hook.failing_since or result.started_at
    failing_for = result.ended_at - hook.failing_since
    if (
        failing_for >= rules.disable_after
        and hook.consecutive_failures >= rules.disable_after_failures
    ):
        _disable(
            hook,
            f"disabled after {hook.consecutive_failures} consecutive failures "
            f"over {int(failing_for.total_seconds())}s",
        )


def _apply(delivery: Progress, hook: Webhook | None, result: Result, rules: Rules) -> None:
    outcome = result.outcome
    if outcome == Outcome.SUCCESS:
        _finish(delivery, DeliveryStatus.SUCCEEDED, result)
        if hook is not None and hook.consecutive_failures:
            hook.consecutive_failures = 0
            hook.failing_since = None
        return
    if outcome == Outcome.FAILED:
        _finish(delivery, DeliveryStatus.FAILED, result)
        return
    if outcome == Outcome.GONE:
        _finish(delivery, DeliveryStatus.PAUSED, result)
        if hook is not None:
            _disable(hook, f"the endpoint answered HTTP {result.answer.status_code} Gone")
        return
    if outcome == Outcome.UNKNOWN:
        # Interrupted by a shutdown: try again at once, it is not the endpoint's fault.
        _finish(delivery, DeliveryStatus.PENDING, result)
        delivery.next_attempt_at = result.ended_at
        return
    delay = rules.retry.delay(delivery.attempt_count, result.answer.retry_after)
    next_at = result.ended_at + dt.timedelta(seconds=delay)
    started = delivery.started_at or result.started_at
    if rules.retry.is_exhausted(started, next_at):
        _finish(delivery, DeliveryStatus.FAILED, result)
    else:
        _finish(delivery, DeliveryStatus.PENDING, result)
        delivery.next_attempt_at = next_at
    if hook is not None:
        _note_failure(hook, result, rules)


def _webhooks_to_update(session: Session, results: Sequence[Result]) -> dict[int, Webhook]:
    """Lock the webhooks whose health changes: a failure, or a success after failures.

    Successes on a healthy endpoint leave its row alone, so workers do not queue on it. Lock
    order is webhooks, then deliveries, as everywhere else.
    """
    needed = sorted(
        {
            r.job.webhook_id
            for r in results
            if r.outcome != Outcome.SUCCESS or r.job.endpoint_failing
        }
    )
    if not needed:
        return {}
    query = lock_rows(
        session,
        select(Webhook).where(Webhook.id.in_(needed)).order_by(Webhook.id),
        skip_locked=False,
        key_share=True,
    )
    return {h.id: h for h in session.scalars(query)}


ATTEMPT_FIELDS = ("ended_at", "duration_ms", "status_code", "outcome", "error")
DELIVERY_FIELDS = ("status", "lease_owner", "lease_until", "ended_at", "next_attempt_at",
    "last_status_code", "last_error")  # fmt: skip


@dataclass(frozen=True)
class _Statements:
    """The recording statements, built once per dialect; the updates run as executemany."""

    lock: Select[Any]
    attempts: Update
    deliveries: Update


@functools.cache
def _statements(dialect: str) -> _Statements:
    ids: BindParameter[int] = bindparam("ids", expanding=True)
    return _Statements(
        lock=locking(
            select(*(DELIVERIES.c[name] for name in PROGRESS_COLUMNS))
            .where(DELIVERIES.c.id.in_(ids))
            .order_by(DELIVERIES.c.id),
            postgres=dialect == "postgresql",
            skip_locked=False,
        ),
        attempts=update(ATTEMPTS)
        .where(ATTEMPTS.c.id == bindparam("attempt_id"))
        .values({name: bindparam(name) for name in ATTEMPT_FIELDS}),
        deliveries=update(DELIVERIES)
        .where(DELIVERIES.c.id == bindparam("delivery_id"))
        .values({name: bindparam(name) for name in DELIVERY_FIELDS}),
    )


def record_results(session: Session, results: Sequence[Result], owner: str, rules: Rules) -> None:
    """Record finished attempts and move their deliveries on, in batched statements.

    Lock the webhooks whose health changes, then the deliveries (one ``SELECT … FOR
    UPDATE``); write every attempt and every delivery back with one executemany each.
    """
    if not results:
        return
    hooks = _webhooks_to_update(session, results)
    connection = session.connection()
    delivery_ids = sorted({r.job.delivery_id for r in results})
    statements = _statements(session.get_bind().dialect.name)
    locked = connection.execute(statements.lock, {"ids": delivery_ids})
    deliveries = {row.id: Progress(*row) for row in locked}
    kept = [r for r in results if r.job.delivery_id in deliveries]
    if not kept:
        return
    connection.execute(
        statements.attempts,
        [
            {
                "attempt_id": r.job.attempt_id,
                "ended_at": r.ended_at,
                "duration_ms": r.duration_ms,
                "status_code": r.answer.status_code,
                "outcome": r.outcome.value,
                "error": r.answer.error,
            }
            for r in kept
        ],
    )
    moved: dict[int, Progress] = {}
    for result in kept:
        delivery = deliveries[result.job.delivery_id]
        hook = hooks.get(result.job.webhook_id)
        owns = delivery.lease_owner == owner and delivery.status == DeliveryStatus.PENDING
        # A success is a fact whoever holds the lease now; anything else is only ours to
        # apply while we still hold it (a lapsed lease means another worker took over).
        if owns or result.outcome == Outcome.SUCCESS:
            _apply(delivery, hook, result, rules)
            moved[delivery.id] = delivery
    if moved:
        connection.execute(
            statements.deliveries,
            [
                {"delivery_id": d.id, **{name: getattr(d, name) for name in DELIVERY_FIELDS}}
                for d in moved.values()
            ],
        )
    for hook in hooks.values():
        if not hook.is_active:
            repository.pause_pending(session, hook.id)
    session.flush()
