"""Every HTTP endpoint of the groups domain, one router per capability."""

from __future__ import annotations

from fastapi import APIRouter

from patron.groups.associations.routes import router as associations_router
from patron.groups.hierarchy.routes import router as hierarchy_router
from patron.groups.pooling.routes import router as pooling_router
from patron.groups.usergroups.routes import router as usergroups_router

router = APIRouter()
for part in (hierarchy_router, associations_router, usergroups_router, pooling_router):
    router.include_router(part)
