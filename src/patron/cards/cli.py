"""``patron cards``: operator commands of the cards domain."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from patron.cards.tasks import run_card_sweep
from patron.config import Settings
from patron.db import open_database
from patron.kit import clock

app = typer.Typer(help="Loyalty cards.", no_args_is_help=True)
console = Console()

At = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Act as if it were this moment (ISO 8601; without an offset, UTC) instead of now.",
    ),
]
OrgOption = Annotated[int | None, typer.Option("--org", help="Only this org (default: all).")]


@app.command("sweep")
def sweep(at: At = None, org: OrgOption = None) -> None:
    """Expire the linked cards whose series' expiryDays have run out since their issue, once."""
    try:
        moment = clock.parse_datetime(at) if at is not None else clock.now()
    except ValueError:
        console.print(f"[red]--at {at!r} is not an ISO 8601 date-time[/red]")
        raise typer.Exit(2) from None
    db = open_database(Settings())
    try:
        counts = run_card_sweep(db, moment, org)
    finally:
        db.dispose()
    console.print(f"expired {counts['expired']} card(s)")
    if counts["failed"]:
        console.print(f"[red]{counts['failed']} card(s) failed; see the log[/red]")
        raise typer.Exit(1)
