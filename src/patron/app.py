"""The ASGI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text

from patron import __version__
from patron.auth.limiter import LoginLimiter
from patron.auth.routes import router as auth_router
from patron.auth.service import AuthCaches
from patron.cards.routes import router as cards_router
from patron.cards.tasks import CardSweeper
from patron.config import Settings
from patron.coupons.routes import router as coupons_router
from patron.customers.routes import router as customers_router
from patron.customers.tasks import PiiSweeper
from patron.db import Database, open_database
from patron.groups.routes import router as groups_router
from patron.images.routes import router as images_router
from patron.images.upload import ENVELOPE_BYTES as UPLOAD_ENVELOPE
from patron.kit.blobs import FileSystemBlobStore
from patron.loyalty.routes import router as loyalty_router
from patron.loyalty.tasks import LoyaltySweeper
from patron.orgs.routes import router as orgs_router
from patron.partners.routes import router as partners_router
from patron.partners.tasks import PartnerSweeper
from patron.referrals.routes import router as referrals_router
from patron.subscriptions.routes import router as subscriptions_router
from patron.web import (
    COMMON_ERRORS,
    JSON,
    BodyLimitMiddleware,
    ReadSession,
    RequestIdMiddleware,
    install_error_handlers,
    install_openapi,
)
from patron.webhooks.dispatcher import Dispatcher
from patron.webhooks.routes import router as webhooks_router
from patron.wiring import install_hooks

ROUTERS = (
    auth_router,
    # Before customers: its paths lie under /v2/customers too.
    referrals_router,
    # Before customers: /v2/customers/coupons is no customer id.
    coupons_router,
    customers_router,
    orgs_router,
    subscriptions_router,
    images_router,
    webhooks_router,
    loyalty_router,
    groups_router,
    cards_router,
    partners_router,
)


def create_app(settings: Settings, database: Database | None = None) -> FastAPI:
    """Build the API for ``settings``; the schema must already be migrated."""
    db = database or open_database(settings)
    install_hooks()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        dispatcher = Dispatcher(settings, db) if settings.dispatcher else None
        if dispatcher is not None:
            dispatcher.start()
        sweeper = app.state.pii_sweeper
        sweeper.start()
        loyalty_sweeper = app.state.loyalty_sweeper
        loyalty_sweeper.start()
        partner_sweeper = app.state.partner_sweeper
        partner_sweeper.start()
        card_sweeper = app.state.card_sweeper
        card_sweeper.start()
        yield
        await asyncio.to_thread(sweeper.stop)
        await asyncio.to_thread(loyalty_sweeper.stop)
        await asyncio.to_thread(partner_sweeper.stop)
        await asyncio.to_thread(card_sweeper.stop)
        if dispatcher is not None:
            await asyncio.to_thread(dispatcher.stop)
        if database is None:
            db.dispose()

    app = FastAPI(
        title="patron",
        version=__version__,
        description="The v2 Customer API of a loyalty platform, and its event notifications.",
        default_response_class=JSON,
        lifespan=lifespan,
        responses=COMMON_ERRORS,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.blobs = FileSystemBlobStore(settings.data_dir / "blobs")
    app.state.auth_caches = AuthCaches.create(
        settings.credential_cache_seconds, settings.org_cache_seconds
    )
    app.state.login_limiter = LoginLimiter.from_settings(settings)
    app.state.pii_sweeper = PiiSweeper(db, app.state.blobs, settings.pii_sweep_seconds)
    app.state.loyalty_sweeper = LoyaltySweeper(db, settings.loyalty_sweep_seconds)
    app.state.partner_sweeper = PartnerSweeper(db, settings.partner_sweep_seconds)
    app.state.card_sweeper = CardSweeper(db, settings.card_sweep_seconds)
    image_limit = settings.image_max_bytes + UPLOAD_ENVELOPE
    app.add_middleware(
        BodyLimitMiddleware,
        # An image upload is larger than any JSON body; its reader checks the image itself.
        limit_for=lambda path: (
            image_limit if path.endswith("/setImage") else settings.max_body_bytes
        ),
    )
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    install_openapi(app)
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/health", tags=["operations"])
    def health(session: ReadSession) -> dict[str, Any]:
        """Report liveness and whether the database answers."""
        session.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "database": db.dialect}

    return app
