"""``make migration``: autogenerate a date-prefixed migration against a scratch database."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from patron.migrate import alembic_config, upgrade


def main(message: str) -> None:
    """Diff the models against a database at head and write the migration."""
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'scratch.db'}"
        upgrade(url)
        command.revision(alembic_config(url), message=message, autogenerate=True)


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "schema change")
