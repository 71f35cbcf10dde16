"""Options the operator commands of sweeping domains share: ``--at`` and ``--org``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console

from patron.kit import clock

At = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Act as if it were this moment (ISO 8601; without an offset, UTC) instead of now.",
    ),
]
OrgOption = Annotated[int | None, typer.Option("--org", help="Only this org (default: all).")]


def moment(at: str | None, console: Console) -> dt.datetime:
    """Return the moment ``--at`` names (now without it); a bad value exits with code 2."""
    if at is None:
        return clock.now()
    try:
        return clock.parse_datetime(at)
    except ValueError:
        console.print(f"[red]--at {at!r} is not an ISO 8601 date-time[/red]")
        raise typer.Exit(2) from None
