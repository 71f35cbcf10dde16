"""FastAPI dependencies that authenticate a request."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPBasic
from starlette.concurrency import run_in_threadpool

from patron.auth.principal import Principal
from patron.auth.service import (
    AuthCaches,
    authenticate_basic,
    authenticate_token,
    cached_principal,
)
from patron.db import unit_of_work
from patron.errors import Unauthorized
from patron.web import database

# Declared for the OpenAPI document; the credentials are parsed below.
_basic = HTTPBasic(auto_error=False, description="Till code and the MD5 hex of its password")
_oauth = APIKeyHeader(name="X-CAP-API-OAUTH-TOKEN", auto_error=False)

NO_CREDENTIALS = "Authentication required: send Basic credentials or X-CAP-API-OAUTH-TOKEN"


def auth_caches(request: Request) -> AuthCaches:
    """Return the process's credential caches."""
    caches: AuthCaches = request.app.state.auth_caches
    return caches


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise Unauthorized(401, NO_CREDENTIALS)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized(401, "Malformed Basic credentials") from None
    code, sep, password_md5 = decoded.partition(":")
    if not sep or not code:
        raise Unauthorized(401, "Malformed Basic credentials")
    return code, password_md5


async def require_principal(
    request: Request,
    _b: Annotated[object, Depends(_basic)] = None,
    _o: Annotated[object, Depends(_oauth)] = None,
) -> Principal:
    """Authenticate the caller with an OAuth token or HTTP Basic till credentials."""
    token = request.headers.get("x-cap-api-oauth-token")
    authorization = request.headers.get("authorization")
    if not token and not authorization:
        raise Unauthorized(401, NO_CREDENTIALS)
    caches = auth_caches(request)
    basic = None if token else _basic_credentials(authorization or "")
    token = token.strip() if token else None
    # The cached answer needs no I/O, so it is served on the event loop without a thread hop.
    principal = cached_principal(caches, token=token, basic=basic)
    if principal is not None:
        return principal
    return await run_in_threadpool(_authenticate, request, caches, token, basic)


def _authenticate(
    request: Request, caches: AuthCaches, token: str | None, basic: tuple[str, str] | None
) -> Principal:
    with unit_of_work(database(request).read_session) as session:
        if token:
            return authenticate_token(session, caches, token)
        assert basic is not None
        return authenticate_basic(session, caches, *basic)


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
