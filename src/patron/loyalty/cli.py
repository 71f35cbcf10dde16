"""``patron loyalty``: operator commands of the loyalty domain."""

from __future__ import annotations

import typer
from rich.console import Console

from patron.config import Settings
from patron.db import Database, open_database, unit_of_work
from patron.kit.cli_options import At, OrgOption, moment
from patron.loyalty import audit, ledger
from patron.loyalty.tasks import run_expiries, run_releases, run_renewals

app = typer.Typer(help="Points expiry, tier renewal and ledger checks.", no_args_is_help=True)
console = Console()


def _database() -> Database:
    return open_database(Settings())


@app.command("expire")
def expire(at: At = None, org: OrgOption = None) -> None:
    """Release delayed points and expire every lot due now (or at ``--at``)."""
    when = moment(at, console)
    db = _database()
    try:
        released, release_failures = run_releases(db, when, org)
        expired, expiry_failures = run_expiries(db, when, org)
    finally:
        db.dispose()
    console.print(
        f"released {released.lots} lot(s) ({ledger.render_points(released.points):g} points) "
        f"of {released.accounts} account(s)"
    )
    console.print(
        f"expired {expired.lots} lot(s) ({ledger.render_points(expired.points):g} points) "
        f"of {expired.accounts} account(s)"
    )
    failures = release_failures + expiry_failures
    if failures:
        console.print(f"[red]{failures} account(s) failed; see the log[/red]")
        raise typer.Exit(1)


@app.command("renew")
def renew(at: At = None, org: OrgOption = None) -> None:
    """Renew or lower every tier whose validity has ended by now (or by ``--at``)."""
    when = moment(at, console)
    db = _database()
    try:
        renewals, failures = run_renewals(db, when, org)
    finally:
        db.dispose()
    console.print(f"renewed {renewals.renewed} tier(s), downgraded {renewals.downgraded}")
    if failures:
        console.print(f"[red]{failures} account(s) failed; see the log[/red]")
        raise typer.Exit(1)


@app.command("check")
def check(org: OrgOption = None) -> None:
    """Check every account's balances against its journal and lots; exit 1 on a difference."""
    db = _database()
    try:
        with unit_of_work(db.read_session) as session:
            problems = audit.check_org(session, org)
    finally:
        db.dispose()
    if problems:
        for problem in problems:
            typer.echo(problem)
        console.print(f"[red]{len(problems)} difference(s) found[/red]")
        raise typer.Exit(1)
    console.print("every account agrees with its journal")
