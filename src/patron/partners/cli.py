"""``patron partners``: operator commands of the partners domain."""

from __future__ import annotations

import typer
from rich.console import Console

from patron.config import Settings
from patron.db import open_database
from patron.kit.cli_options import At, OrgOption, moment
from patron.partners.tasks import run_partner_sweep

app = typer.Typer(help="Partner program memberships.", no_args_is_help=True)
console = Console()


@app.command("sweep")
def sweep(at: At = None, org: OrgOption = None) -> None:
    """Apply due relinks, delink expired supplementary memberships and send due expiry
    reminders, once."""
    db = open_database(Settings())
    try:
        counts = run_partner_sweep(db, moment(at, console), org)
    finally:
        db.dispose()
    console.print(
        f"relinked {counts['relinked']} membership(s), "
        f"delinked {counts['delinked']} membership(s), sent {counts['reminded']} reminder(s)"
    )
    if counts["failed"]:
        console.print(f"[red]{counts['failed']} membership(s) failed; see the log[/red]")
        raise typer.Exit(1)
