"""HTTP endpoints of the customers domain (``/v2/customers``).

Fixed paths (``/lookup``, ``/search``) are routed before ``/{customer_id}``.
"""

from __future__ import annotations

from fastapi import APIRouter

from patron.customers.routes import core, lifecycle

router = APIRouter()
router.include_router(lifecycle.router)
router.include_router(core.router)
