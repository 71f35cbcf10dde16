"""Every HTTP endpoint of the loyalty domain, one router per capability."""

from __future__ import annotations

from fastapi import APIRouter

from patron.loyalty.expiry.routes import router as expiry_router
from patron.loyalty.redemptions.routes import router as redemptions_router
from patron.loyalty.requests.routes import router as requests_router
from patron.loyalty.tiers.routes import router as tiers_router
from patron.loyalty.transactions.routes import router as transactions_router
from patron.loyalty.transfers.routes import router as transfers_router
from patron.loyalty.views_routes import router as views_router

router = APIRouter()
for part in (
    views_router,
    transactions_router,
    redemptions_router,
    transfers_router,
    requests_router,
    expiry_router,
    tiers_router,
):
    router.include_router(part)
