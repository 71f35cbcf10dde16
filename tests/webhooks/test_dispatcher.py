"""The dispatcher's life: it survives an unreachable database and stops cleanly."""

from __future__ import annotations

import time
from pathlib import Path

from patron.config import Settings
from patron.db import open_database
from patron.webhooks.dispatcher import Dispatcher
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
