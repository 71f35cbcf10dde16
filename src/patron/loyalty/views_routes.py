"""HTTP endpoints of the loyalty read views (``loyaltyDetails``)."""

from __future__ import annotations

from fastapi import APIRouter

from patron.web import Route

router = APIRouter(prefix="/v2/customers", tags=["loyalty"], route_class=Route)
