"""``patron partners``: operator commands of the partners domain."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from patron.config import Settings
from patron.db import open_database
from patron.kit import clock
from patron.partners.tasks import run_partner_sweep

app = typer.Typer(help="Partner program memberships.", no_args_is_help=True)
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
    """Apply due relinks, delink expired supplementary memberships and send due expiry
    reminders, once."""
    try:
        moment = clock.parse_datetime(at) if at is not None else clock.now()
    except ValueError:
        console.print(f"[red]--at {at!r} is not an ISO 8601 date-time[/red]")
        raise typer.Exit(2) from None
    db = open_database(Settings())
    try:
        counts = run_partner_sweep(db, moment, org)
    finally:
        db.dispose()
    console.print(
        f"relinked {counts['relinked']} membership(s), "
        f"delinked {counts['delinked']} membership(s), sent {counts['reminded']} reminder(s)"
    )
    if counts["failed"]:
        console.print(f"[red]{counts['failed']} membership(s) failed; see the log[/red]")
        raise typer.Exit(1)
