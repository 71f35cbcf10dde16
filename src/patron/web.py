"""HTTP plumbing shared by every router: request ids, strict JSON, units of work, the envelope.

A write's unit of work is a dependency of the ``function`` scope: FastAPI ends it (commits, or
rolls back) when the endpoint returns and *before* the response starts, so a client is only
told of what is stored, and a commit that fails is answered with an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

import orjson
import structlog
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from patron.db import Database, unit_of_work
from patron.errors import Invalid, Notice, PatronError, envelope, http_status
from patron.kit.context import request_id_var
from patron.kit.ids import MAX_ID, new_request_id
from patron.kit.wire import ErrorEnvelope

REQUEST_ID_HEADER = "X-CAP-REQUEST-ID"
INVALID_INPUT = 400
CONFLICT = 409
UNAVAILABLE = 503
# A client's request id is kept when it is a plain token; anything else gets a fresh id.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
NUL_REFUSED = "Input is invalid: NUL characters (\\u0000) are not accepted"

log = structlog.get_logger("patron.http")


class JSON(JSONResponse):
    """A JSON response rendered with orjson."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def decode_json(body: bytes) -> Any:
    """Parse a request body strictly: lone surrogates, NaN, infinities and NUL are refused."""
    value = orjson.loads(body)
    # A NUL can only arrive escaped, so the walk is needed only when the escape is present.
    if b"\\u0000" in body and _has_nul(value):
        raise json.JSONDecodeError("NUL characters (\\u0000) are not accepted", "", 0)
    return value


class StrictRequest(Request):
    """A request whose JSON body is parsed by :func:`decode_json`."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = decode_json(await self.body())
        return self._json


class Route(APIRoute):
    """The route class of every router: strict JSON, no NUL in the path or query, and no
    query parameter given twice (which of two values was meant cannot be known)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            if "\x00" in request.scope["path"] or b"\x00" in unquote_to_bytes(
                request.scope["query_string"]
            ):
                raise Invalid(INVALID_INPUT, NUL_REFUSED)
            names = [name for name, _ in request.query_params.multi_items()]
            if len(names) != len(set(names)):
                repeated = sorted({name for name in names if names.count(name) > 1})
                raise Invalid(
                    INVALID_INPUT,
                    f"Input is invalid: query parameter {', '.join(repeated)} is given more than once",
                )
            return await handler(StrictRequest(request.scope, request.receive))

        return strict_handler


class RequestIdMiddleware:
    """Give every request an id (the client's ``X-CAP-REQUEST-ID`` or a new one) and echo it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = ""
        for name, value in scope["headers"]:
            if name == b"x-cap-request-id":
                request_id = value.decode("latin-1").strip()
                break
        if not _REQUEST_ID.fullmatch(request_id):
            request_id = new_request_id()
        token = request_id_var.set(request_id)
        header = (b"x-cap-request-id", request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class BodyTooLarge(StarletteHTTPException):
    """The request body passed its size limit (an HTTP exception, so FastAPI lets it through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the allowed {limit} bytes")


class BodyLimitMiddleware:
    """Refuse request bodies above the limit of their path with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                exc = BodyTooLarge(limit)
                await _envelope(413, str(exc.detail), 413)(scope, receive, send)
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)


def error_response(error: PatronError) -> JSON:
    """Render a domain error as the envelope with its HTTP status."""
    headers = None if error.retry_after is None else {"Retry-After": str(error.retry_after)}
    return JSON(
        envelope([error.notice], error.warnings), status_code=http_status(error), headers=headers
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        if err.get("type") == "json_invalid":
            reason = (err.get("ctx") or {}).get("error", "")
            return f"Input is invalid: the request body is not valid JSON ({reason})"
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
    return "Input is invalid. " + "; ".join(parts)


def _envelope(code: int, message: str, status: int, headers: Any = None) -> JSON:
    return JSON(envelope([Notice(code, message)]), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure through the one envelope; nothing expected becomes a 500."""

    @app.exception_handler(PatronError)
    async def _domain(_: Request, exc: PatronError) -> JSON:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSON:
        return _envelope(INVALID_INPUT, _validation_message(exc), INVALID_INPUT)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSON:
        return _envelope(exc.status_code, str(exc.detail), exc.status_code, exc.headers)

    @app.exception_handler(IntegrityError)
    async def _conflict(_: Request, exc: IntegrityError) -> JSON:
        # A constraint the services do not anticipate, often checked only at commit time.
        log.warning("integrity_error", error=str(exc.orig).splitlines()[0])
        message = "Conflict: the change clashes with stored data and was not stored"
        return _envelope(CONFLICT, message, CONFLICT)

    @app.exception_handler(DataError)
    async def _bad_value(_: Request, exc: DataError) -> JSON:
        log.warning("data_error", error=str(exc.orig).splitlines()[0])
        message = "Input is invalid: a value does not fit the field it is stored in"
        return _envelope(INVALID_INPUT, message, INVALID_INPUT)

    @app.exception_handler(OperationalError)
    async def _database_down(_: Request, exc: OperationalError) -> JSON:
        log.error("database_unavailable", error=str(exc.orig))
        return _envelope(UNAVAILABLE, "Service unavailable: the database cannot be reached", 503)

    @app.exception_handler(DBAPIError)
    async def _not_stored(_: Request, exc: DBAPIError) -> JSON:
        log.error("database_refused", error=str(exc.orig).splitlines()[0])
        message = "Service unavailable: the database refused the change; nothing was stored"
        return _envelope(UNAVAILABLE, message, UNAVAILABLE)

    @app.exception_handler(Exception)
    async def _bug(_: Request, exc: Exception) -> JSON:
        log.exception("unhandled_error", error=repr(exc))
        return _envelope(500, "All requests have failed due to errors", 500)


def database(request: Request) -> Database:
    """Return the process's database handle."""
    db: Database = request.app.state.db
    return db


def _write_session(request: Request) -> Iterator[Session]:
    with unit_of_work(database(request).write_session) as session:
        yield session


async def _read_session(request: Request) -> AsyncIterator[Session]:
    # Opening and ending a read session does no blocking I/O worth a thread hop: the session
    # connects lazily in the handler's thread, and on PostgreSQL reads run in autocommit mode.
    with unit_of_work(database(request).read_session) as session:
        yield session


# Both end when the endpoint returns, before the response is sent (see the module docstring).
WriteSession = Annotated[Session, Depends(_write_session, scope="function")]
ReadSession = Annotated[Session, Depends(_read_session, scope="function")]

# Identifiers and windows: anything the database could not hold is refused up front.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def error_responses(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """Declare the error statuses a router answers, each rendered in the envelope."""
    return {
        code: {"model": ErrorEnvelope, "description": text} for code, text in descriptions.items()
    }


# What any endpoint may answer, declared once for the whole API.
COMMON_ERRORS = error_responses(
    {
        400: "Invalid input (a documented code in the envelope)",
        401: "No or bad credentials",
        413: "The request body is larger than the configured limit",
        429: "Too many failed logins: retry after `Retry-After` seconds",
        503: "The database is unavailable or refused the change; nothing was stored",
    }
)


# Marks an input the API document calls mandatory that patron checks itself, so that leaving it
# out is answered with the documented code (a validation error could not carry it). The OpenAPI
# document declares such an input required.
DOCUMENTED_REQUIRED = "x-documented-required"
REQUIRED: dict[str, Any] = {DOCUMENTED_REQUIRED: True}


def _declare_required(parameter: dict[str, Any]) -> None:
    schema = parameter.get("schema", {})
    if not schema.pop(DOCUMENTED_REQUIRED, False):
        return
    parameter["required"] = True
    kinds = [k for k in schema.pop("anyOf", []) if k.get("type") != "null"]
    if len(kinds) == 1:
        schema.update(kinds[0])
    elif kinds:
        schema["anyOf"] = kinds


def install_openapi(app: FastAPI) -> None:
    """Describe validation failures as the 400 envelope patron answers, not FastAPI's 422, and
    declare the inputs the API document calls mandatory as required."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.get("components", {}).get("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)
                for parameter in operation.get("parameters", []):
                    _declare_required(parameter)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
