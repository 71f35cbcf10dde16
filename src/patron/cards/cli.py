"""``patron cards``: operator commands of the cards domain."""

from __future__ import annotations

import typer
from rich.console import Console

from patron.cards.tasks import run_card_sweep
from patron.config import Settings
from patron.db import open_database
from patron.kit.cli_options import At, OrgOption, moment

app = typer.Typer(help="Loyalty cards.", no_args_is_help=True)
console = Console()


@app.command("sweep")
def sweep(at: At = None, org: OrgOption = None) -> None:
    """Expire the linked cards whose series' expiryDays have run out since their issue, once."""
    db = open_database(Settings())
    try:
        counts = run_card_sweep(db, moment(at, console), org)
    finally:
        db.dispose()
    console.print(f"expired {counts['expired']} card(s)")
    if counts["failed"]:
        console.print(f"[red]{counts['failed']} card(s) failed; see the log[/red]")
        raise typer.Exit(1)
