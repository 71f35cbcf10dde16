"""Wire models every domain's answers share: the ``{status, code, message}`` item and the envelope."""

from __future__ import annotations

from pydantic import BaseModel, Field


class NoticeOut(BaseModel):
    """A warning or error item."""

    status: bool = False
    code: int
    message: str


class ErrorEnvelope(BaseModel):
    """The error envelope every failure is rendered in."""

    errors: list[NoticeOut]
    warnings: list[NoticeOut] = Field(default_factory=list)
