"""``patron org``: manage orgs from org files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import ValidationError
from rich.console import Console

from patron.config import Settings
from patron.db import open_database, unit_of_work
from patron.orgs.schemas import OrgFile
from patron.orgs.service import OrgFileError, apply_org_file, describe_org

app = typer.Typer(help="Create, update and inspect orgs.", no_args_is_help=True)
console = Console()


@app.command("apply")
def apply(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Create or update the org described by an org file (YAML)."""
    try:
        spec = OrgFile.model_validate(yaml.safe_load(file.read_text()))
    except (ValidationError, yaml.YAMLError) as exc:
        console.print(f"[red]{file}: not a valid org file[/red]\n{exc}")
        raise typer.Exit(2) from None
    db = open_database(Settings())
    try:
        with unit_of_work(db.write_session) as session:
            apply_org_file(session, spec)
    except OrgFileError as exc:
        console.print(f"[red]{file}: {exc}[/red]")
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    console.print(f"org {spec.org_id} ({spec.name}) applied")


@app.command("show")
def show(org_id: int) -> None:
    """Print an org's configuration (never its secrets) as JSON."""
    db = open_database(Settings())
    try:
        with unit_of_work(db.read_session) as session:
            described = describe_org(session, org_id)
    finally:
        db.dispose()
    if described is None:
        console.print(f"[red]org {org_id} does not exist[/red]")
        raise typer.Exit(1)
    typer.echo(json.dumps(described, indent=2))
