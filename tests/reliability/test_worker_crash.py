"""A `patron worker` killed with SIGKILL mid-batch: every committed event still arrives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import select

from patron.config import Settings
from patron.db import Database, unit_of_work
from patron.events.models import Event
from patron.webhooks.models import Delivery, DeliveryAttempt
from tests.reliability.receiver import Receiver, Reply
from tests.webhooks.support import Hooks, wait_until

PATRON = Path(sys.executable).parent / "patron"


def spawn_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PATRON_DATABASE_URL": settings.resolved_database_url,
        "PATRON_DATA_DIR": str(settings.data_dir),
        "PATRON_LOG_JSON": "true",
        "PATRON_DISPATCHER_POLL_SECONDS": "0.05",
        "PATRON_WEBHOOK_LEASE_SECONDS": "2",
        "PATRON_WEBHOOK_TIMEOUT_SECONDS": "1.5",
        "PATRON_WEBHOOK_RETRY_BASE_SECONDS": "0.05",
        "PATRON_WEBHOOK_RETRY_MAX_DELAY_SECONDS": "0.2",
    }
    with log.open("ab") as out:
        return subprocess.Popen([str(PATRON), "worker"], env=env, stdout=out, stderr=out)


def attempts_by_event(db: Database, webhook_id: int) -> dict[str, list[DeliveryAttempt]]:
    with unit_of_work(db.read_session) as session:
        rows = session.execute(
            select(Event.event_id, DeliveryAttempt)
            .join(Delivery, Delivery.event_row_id == Event.id)
            .join(DeliveryAttempt, DeliveryAttempt.delivery_id == Delivery.id)
            .where(Delivery.webhook_id == webhook_id)
            .order_by(DeliveryAttempt.id)
        ).all()
    out: dict[str, list[DeliveryAttempt]] = defaultdict(list)
    for event_id, attempt in rows:
        out[event_id].append(attempt)
    return out


def test_sigkilled_worker_loses_nothing_and_duplicates_only_unknown_outcomes(
    settings: Settings, db: Database, hooks: Hooks, receiver: Receiver, tmp_path: Path
) -> None:
    receiver.script("/crash", then=Reply(200, delay=0.25))
    hook = hooks.create(receiver.url("/crash"), maxAllowedConnections=8)
    webhook_id = hook["webHookId"]
    event_ids = hooks.register(40)
    log = tmp_path / "workers.log"

    first = spawn_worker(settings, log)
    try:
        receiver.wait_for(lambda seen: len(seen) >= 12, timeout=30)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed_at = len(receiver.requests())
    assert killed_at < len(event_ids), "the worker finished before it was killed"

    second = spawn_worker(settings, log)
    try:
        wait_until(
            lambda: all(d.status == "SUCCEEDED" for d in hooks.deliveries(webhook_id)),
            timeout=45,
            message=f"not all delivered; worker log:\n{log.read_text()[-3000:]}",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=15) == 0

    received = Counter(r.event_id for r in receiver.requests() if r.answered == 200)
    assert set(received) == set(event_ids)  # nothing lost
    attempts = attempts_by_event(db, webhook_id)
    unknown = {e: sum(a.outcome == "UNKNOWN" for a in rows) for e, rows in attempts.items()}
    assert sum(unknown.values()) > 0  # the kill really interrupted deliveries
    for event_id, count in received.items():
        # A second copy only where a worker died before it could record the first outcome.
        assert count <= 1 + unknown[event_id], (event_id, count, attempts[event_id])
    assert all(a.outcome is not None for rows in attempts.values() for a in rows)
    assert all(rows[-1].outcome == "SUCCESS" for rows in attempts.values())
