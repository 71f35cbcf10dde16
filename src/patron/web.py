"""HTTP plumbing shared by every router: request ids, JSON, sessions and the error envelope."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import orjson
import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from patron.db import Database, unit_of_work
from patron.errors import Notice, PatronError, envelope, http_status
from patron.kit.context import request_id_var
from patron.kit.ids import new_request_id

REQUEST_ID_HEADER = "X-CAP-REQUEST-ID"
INVALID_INPUT = 400

log = structlog.get_logger("patron.http")


class JSON(JSONResponse):
    """A JSON response rendered with orjson."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


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
                request_id = value.decode("latin-1").strip()[:64]
                break
        request_id = request_id or new_request_id()
        token = request_id_var.set(request_id)
        header = (b"x-cap-request-id", request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


def error_response(error: PatronError) -> JSON:
    """Render a domain error as the envelope with its HTTP status."""
    return JSON(envelope([error.notice], error.warnings), status_code=http_status(error))


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        if err.get("type") == "json_invalid":
            return "Input is invalid: the request body is not valid JSON"
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
    return "Input is invalid. " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure through the one envelope; nothing expected becomes a 500."""

    @app.exception_handler(PatronError)
    async def _domain(_: Request, exc: PatronError) -> JSON:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSON:
        notice = Notice(INVALID_INPUT, _validation_message(exc))
        return JSON(envelope([notice]), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSON:
        notice = Notice(exc.status_code, str(exc.detail))
        return JSON(envelope([notice]), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def _database_down(_: Request, exc: OperationalError) -> JSON:
        log.error("database_unavailable", error=str(exc.orig))
        notice = Notice(503, "Service unavailable: the database cannot be reached")
        return JSON(envelope([notice]), status_code=503)

    @app.exception_handler(Exception)
    async def _bug(_: Request, exc: Exception) -> JSON:
        log.exception("unhandled_error", error=repr(exc))
        notice = Notice(500, "All requests have failed due to errors")
        return JSON(envelope([notice]), status_code=500)


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
    session = database(request).read_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


WriteSession = Annotated[Session, Depends(_write_session)]
ReadSession = Annotated[Session, Depends(_read_session)]
