"""``patron customers``: operator commands of the customers domain."""

from __future__ import annotations

import typer
from rich.console import Console

from patron.config import Settings
from patron.customers.tasks import run_pii_deletions
from patron.db import open_database
from patron.wiring import install_hooks, open_blobs

app = typer.Typer(help="Customer maintenance.", no_args_is_help=True)
console = Console()


@app.command("scrub-pending")
def scrub_pending() -> None:
    """Run every pending PII deletion now."""
    settings = Settings()
    install_hooks()
    db = open_database(settings)
    try:
        done = run_pii_deletions(db, open_blobs(settings), limit=10_000)
    finally:
        db.dispose()
    console.print(f"{done} customer(s) scrubbed")
