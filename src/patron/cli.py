"""The ``patron`` command line."""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.panel import Panel

from patron.cards.cli import app as cards_app
from patron.config import Settings
from patron.customers.cli import app as customers_app
from patron.db import open_database, unit_of_work
from patron.logs import configure_logging
from patron.loyalty.cli import app as loyalty_app
from patron.migrate import upgrade
from patron.orgs.cli import app as org_app
from patron.orgs.demo import (
    DEMO_CLIENT_KEY,
    DEMO_CLIENT_SECRET,
    DEMO_ORG_ID,
    DEMO_TILL_CODE,
    DEMO_TILL_PASSWORD,
    ensure_demo_org,
)
from patron.partners.cli import app as partners_app
from patron.webhooks.dispatcher import run_worker

app = typer.Typer(help="patron: a loyalty customer platform.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(loyalty_app, name="loyalty")
app.add_typer(customers_app, name="customers")
app.add_typer(partners_app, name="partners")
app.add_typer(cards_app, name="cards")
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = "heads") -> None:
    """Migrate the database to the newest schema (or ``revision``)."""
    settings = Settings()
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url, revision)
    console.print(f"database at {revision}")


def _prepare(settings: Settings) -> bool:
    """Migrate, then create the demo org on an empty database; tell whether it was created."""
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    if not settings.create_demo_org:
        return False
    db = open_database(settings)
    try:
        with unit_of_work(db.write_session) as session:
            return ensure_demo_org(session)
    finally:
        db.dispose()


def _print_demo(settings: Settings, created: bool) -> None:
    base = f"http://{settings.host}:{settings.port}"
    state = "created" if created else "available"
    console.print(
        Panel.fit(
            f"Demo org {DEMO_ORG_ID} {state}\n"
            f"Basic auth: till [bold]{DEMO_TILL_CODE}[/bold], password [bold]{DEMO_TILL_PASSWORD}[/bold] "
            f"(send the MD5 hex of the password)\n"
            f"OAuth: key [bold]{DEMO_CLIENT_KEY}[/bold], secret [bold]{DEMO_CLIENT_SECRET}[/bold] "
            f"→ POST {base}/v3/oauth/token/generate\n"
            f"API docs: {base}/docs",
            title="patron",
        )
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[int | None, typer.Option(help="Server worker processes")] = None,
) -> None:
    """Migrate, create the demo org on an empty database, and serve the API."""
    if host is not None:
        os.environ["PATRON_HOST"] = host
    if port is not None:
        os.environ["PATRON_PORT"] = str(port)
    if workers is not None:
        os.environ["PATRON_WORKERS"] = str(workers)
    settings = Settings()
    created = _prepare(settings)
    if settings.create_demo_org:
        _print_demo(settings, created)
    uvicorn.run(
        "patron.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers if settings.workers > 1 else None,
        log_level=settings.log_level.lower(),
        access_log=False,
        proxy_headers=False,
    )


@app.command()
def worker() -> None:
    """Run a webhook dispatcher without the API (as many as the load needs)."""
    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    db = open_database(settings)
    try:
        run_worker(settings, db)
    finally:
        db.dispose()


def main() -> None:
    """Run the command line."""
    app()
