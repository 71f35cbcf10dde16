"""HTTP endpoints of usergroups."""

from __future__ import annotations

from fastapi import APIRouter

from patron.web import Route

router = APIRouter(tags=["groups"], route_class=Route)
