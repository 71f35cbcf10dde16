"""The dispatcher's life: it survives an unreachable database and stops cleanly."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy.exc import OperationalError

from patron.config import Settings
from patron.db import open_database
from patron.kit import clock
from patron.webhooks.dispatcher import Dispatcher
from patron.webhooks.models import Outcome, WebhookType
from patron.webhooks.outcomes import Result
from patron.webhooks.senders.base import Answer, Job
from tests.webhooks.support import fast_settings


def test_an_unreachable_database_does_not_kill_the_dispatcher(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "patron.db"
    settings = fast_settings(Settings(database_url=f"sqlite:///{missing}", data_dir=tmp_path))
    database = open_database(settings)
    dispatcher = Dispatcher(settings, database)
    dispatcher.start()
    time.sleep(0.5)
    assert dispatcher.is_running
    started = time.monotonic()
    dispatcher.stop()
    assert not dispatcher.is_running
    assert time.monotonic() - started < 3
    database.dispose()


def test_answers_waiting_during_an_outage_do_not_make_it_retry_in_a_loop(
    tmp_path: Path,
) -> None:
    settings = fast_settings(Settings(data_dir=tmp_path, dispatcher_poll_seconds=0.05))
    database = open_database(settings)
    dispatcher = Dispatcher(settings, database)
    attempts: list[int] = []

    def unreachable(results: list[Result], limit: int) -> tuple[list[Job], bool]:
        attempts.append(len(results))
        raise OperationalError("SELECT 1", {}, Exception("the database is down"))

    job = Job(1, 1, 1, 1, "evt", WebhookType.HTTP, "http://127.0.0.1:9/", "POST", {}, b"", True)
    now = clock.now()
    dispatcher._results.append(Result(job, Answer(status_code=200), Outcome.SUCCESS, now, now, 1))
    dispatcher._step = unreachable  # type: ignore[method-assign]
    dispatcher.start()
    time.sleep(1.0)
    dispatcher.stop()
    database.dispose()
    # Backing off 0.1, 0.2, 0.4 … s: a handful of tries in a second, each keeping the answer.
    assert 2 <= len(attempts) <= 8
    assert set(attempts) == {1}
