"""HTTP endpoints of the auth domain."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from patron.auth.dependencies import client_address, login_limiter
from patron.auth.service import issue_token
from patron.errors import Invalid
from patron.web import Route, WriteSession

router = APIRouter(tags=["auth"], route_class=Route)


class TokenRequest(BaseModel):
    """The API client's credentials."""

    key: str | None = None
    secret: str | None = None


@router.post("/v3/oauth/token/generate")
def generate_token(body: TokenRequest, session: WriteSession, request: Request) -> dict[str, Any]:
    """Exchange an API client's key and secret for an access token (valid up to 60 minutes).

    Send the token in the `X-CAP-API-OAUTH-TOKEN` header of later calls. After too many
    failed requests for one key or from one address the answer is 429 with `Retry-After`.
    """
    if not body.key or not body.secret:
        raise Invalid(400, "key and secret are required")
    ttl = request.app.state.settings.token_ttl_seconds
    limiter, address = login_limiter(request), client_address(request)
    issued = issue_token(session, limiter, body.key, body.secret, ttl, address)
    return {
        "data": {
            "accessToken": issued.access_token,
            "ttlSeconds": issued.ttl_seconds,
            "expiresIn": issued.ttl_seconds,
            "tokenType": "Bearer",
        },
        "errors": None,
    }
