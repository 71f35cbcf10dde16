"""FastAPI dependencies that authenticate a request."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader, HTTPBasic
from starlette.concurrency import run_in_threadpool

from patron.auth.limiter import LoginLimiter
from patron.auth.principal import Principal
from patron.auth.service import (
    AttributionType,
    AuthCaches,
    attribute,
    attribution_type,
    authenticate_basic,
    authenticate_token,
    cached_attribution,
    cached_principal,
)
from patron.db import unit_of_work
from patron.errors import Unauthorized
from patron.web import database

# Declared for the OpenAPI document; the credentials are parsed below.
_basic = HTTPBasic(auto_error=False, description="Till code and the MD5 hex of its password")
_oauth = APIKeyHeader(name="X-CAP-API-OAUTH-TOKEN", auto_error=False)

AttributionTypeHeader = Annotated[
    str | None,
    Header(
        alias="X-CAP-API-ATTRIBUTION-ENTITY-TYPE",
        description="What the attribution code names: `TILL` (the default) or `STORE_CODE`.",
    ),
]
AttributionCodeHeader = Annotated[
    str | None,
    Header(
        alias="X-CAP-API-ATTRIBUTION-ENTITY-CODE",
        description=(
            "Attribute the call to another till of the caller's org (or, with `STORE_CODE`, to a "
            "store: its first active till acts). Writes then record that till as `createdBy`/"
            "`modifiedBy` and events name it and its store in `enteredBy`. An unknown code "
            "answers 400 with code 91021."
        ),
    ),
]

NO_CREDENTIALS = "Authentication required: send Basic credentials or X-CAP-API-OAUTH-TOKEN"
UNKNOWN_ADDRESS = "unknown"


def auth_caches(request: Request) -> AuthCaches:
    """Return the process's credential caches."""
    caches: AuthCaches = request.app.state.auth_caches
    return caches


def login_limiter(request: Request) -> LoginLimiter:
    """Return the process's failed-login limiter."""
    limiter: LoginLimiter = request.app.state.login_limiter
    return limiter


def client_address(request: Request) -> str:
    """Return the address failed logins are counted under (the connection's peer)."""
    return request.client.host if request.client else UNKNOWN_ADDRESS


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise Unauthorized(401, NO_CREDENTIALS)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise Unauthorized(401, "Malformed Basic credentials") from None
    code, sep, password_md5 = decoded.partition(":")
    if not sep or not code:
        raise Unauthorized(401, "Malformed Basic credentials")
    return code, password_md5


async def require_principal(
    request: Request,
    _b: Annotated[object, Depends(_basic)] = None,
    _o: Annotated[object, Depends(_oauth)] = None,
    attribution_type_header: AttributionTypeHeader = None,
    attribution_code_header: AttributionCodeHeader = None,
) -> Principal:
    """Authenticate the caller with an OAuth token or HTTP Basic till credentials."""
    token = (request.headers.get("x-cap-api-oauth-token") or "").strip() or None
    authorization = request.headers.get("authorization")
    if token is None and not authorization:
        raise Unauthorized(401, NO_CREDENTIALS)
    caches = auth_caches(request)
    basic = None if token else _basic_credentials(authorization or "")
    # The cached answer needs no I/O, so it is served on the event loop without a thread hop.
    principal = cached_principal(caches, token=token, basic=basic)
    if principal is None:
        principal = await run_in_threadpool(_authenticate, request, caches, token, basic)
    if attribution_type_header is None and not attribution_code_header:
        return principal
    return await _attributed(
        request, caches, principal, attribution_type_header, attribution_code_header or ""
    )


def _authenticate(
    request: Request, caches: AuthCaches, token: str | None, basic: tuple[str, str] | None
) -> Principal:
    limiter, address = login_limiter(request), client_address(request)
    with unit_of_work(database(request).read_session) as session:
        if token:
            return authenticate_token(session, caches, limiter, token, address)
        assert basic is not None
        return authenticate_basic(session, caches, limiter, *basic, address)


async def _attributed(
    request: Request, caches: AuthCaches, principal: Principal, entity_type: str | None, code: str
) -> Principal:
    """Honour the attribution headers: the call acts as the named till (or store) of the org."""
    kind = attribution_type(entity_type)
    code = code.strip()
    if not code:
        return principal
    acting = cached_attribution(caches, principal, kind, code)
    if acting is not None:
        return acting
    return await run_in_threadpool(_attribute, request, caches, principal, kind, code)


def _attribute(
    request: Request, caches: AuthCaches, principal: Principal, kind: AttributionType, code: str
) -> Principal:
    with unit_of_work(database(request).read_session) as session:
        return attribute(session, caches, principal, kind, code)


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
