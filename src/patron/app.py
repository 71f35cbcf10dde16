"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text

from patron import __version__
from patron.auth.routes import router as auth_router
from patron.auth.service import AuthCaches
from patron.config import Settings
from patron.customers.routes import router as customers_router
from patron.db import Database, open_database
from patron.orgs.routes import router as orgs_router
from patron.web import JSON, ReadSession, RequestIdMiddleware, install_error_handlers

ROUTERS = (auth_router, customers_router, orgs_router)


def create_app(settings: Settings, database: Database | None = None) -> FastAPI:
    """Build the API for ``settings``; the schema must already be migrated."""
    db = database or open_database(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if database is None:
            db.dispose()

    app = FastAPI(
        title="patron",
        version=__version__,
        description="The v2 Customer API of a loyalty platform, and its event notifications.",
        default_response_class=JSON,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.auth_caches = AuthCaches.create(
        settings.credential_cache_seconds, settings.org_cache_seconds
    )
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/health", tags=["operations"])
    def health(session: ReadSession) -> dict[str, Any]:
        """Report liveness and whether the database answers."""
        session.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "database": db.dialect}

    return app
