"""HTTP endpoints of loyalty transactions."""

from __future__ import annotations

from fastapi import APIRouter

from patron.web import Route

router = APIRouter(tags=["loyalty"], route_class=Route)
