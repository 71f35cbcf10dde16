"""Domain errors with documented codes, and the one envelope every failure is rendered in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What went wrong, independent of the transport."""

    INVALID = "invalid"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"


HTTP_STATUS: dict[Kind, int] = {
    Kind.INVALID: 400,
    Kind.UNAUTHORIZED: 401,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.TOO_LARGE: 413,
    Kind.RATE_LIMITED: 429,
    Kind.UNAVAILABLE: 503,
}


@dataclass(frozen=True)
class Notice:
    """A documented ``{status, code, message}`` item: a warning, or one error of a failure."""

    code: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        """Render the wire shape."""
        return {"status": False, "code": self.code, "message": self.message}


class PatronError(Exception):
    """A failure with a documented code; the boundary turns it into the error envelope."""

    kind: Kind = Kind.INVALID
    # Seconds after which a retry may succeed, when the failure says so (rate limits).
    retry_after: int | None = None

    def __init__(self, code: int, message: str, *, warnings: list[Notice] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.warnings = list(warnings or [])

    @property
    def notice(self) -> Notice:
        """The error as an envelope item."""
        return Notice(self.code, self.message)


class Invalid(PatronError):
    """The request is malformed or breaks a documented rule."""

    kind = Kind.INVALID


class Unauthorized(PatronError):
    """No credentials, or credentials that do not check out."""

    kind = Kind.UNAUTHORIZED


class Forbidden(PatronError):
    """The principal is known but not allowed to do this."""

    kind = Kind.FORBIDDEN


class NotFound(PatronError):
    """The addressed entity does not exist for this org."""

    kind = Kind.NOT_FOUND


class Conflict(PatronError):
    """The request clashes with existing state (a taken identifier, a concurrent change)."""

    kind = Kind.CONFLICT


class TooLarge(PatronError):
    """The request body is larger than allowed."""

    kind = Kind.TOO_LARGE


class RateLimited(PatronError):
    """Too many failed attempts; a retry after ``retry_after`` seconds may succeed."""

    kind = Kind.RATE_LIMITED

    def __init__(self, code: int, message: str, *, retry_after: int) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after


class Unavailable(PatronError):
    """A dependency is down; retrying later may succeed."""

    kind = Kind.UNAVAILABLE


def envelope(errors: list[Notice], warnings: list[Notice] | None = None) -> dict[str, Any]:
    """Render the error envelope ``{"errors": [...], "warnings": [...]}``."""
    return {
        "errors": [e.as_dict() for e in errors],
        "warnings": [w.as_dict() for w in warnings or []],
    }


def http_status(error: PatronError) -> int:
    """Map an error's kind to its HTTP status."""
    return HTTP_STATUS[error.kind]
