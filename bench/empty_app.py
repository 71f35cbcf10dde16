"""The smallest FastAPI app on patron's ASGI server: the ceiling an endpoint cannot beat."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/empty")
async def empty() -> dict[str, object]:
    """Return an empty JSON object."""
    return {}
