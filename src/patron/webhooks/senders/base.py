"""What a sender is given (a job) and what it answers, and the Protocol every sender follows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from patron.webhooks.models import WebhookType


@dataclass(frozen=True)
class Job:
    """One attempt to deliver one event to one webhook, ready to send (body signed)."""

    delivery_id: int
    attempt_id: int
    webhook_id: int
    org_id: int
    event_id: str
    kind: WebhookType
    url: str
    method: str
    headers: dict[str, str]
    body: bytes
    allow_private: bool
    endpoint_failing: bool = False  # the endpoint's last attempts failed (when claimed)
    error: str | None = None  # set when the payload cannot be built: nothing is sent


@dataclass(frozen=True)
class Answer:
    """What the receiver answered: an HTTP status, a broker acknowledgement, or an error."""

    status_code: int | None = None
    error: str | None = None
    retry_after: float | None = None
    acknowledged: bool = False
    final: bool = False


class Sender(Protocol):
    """Something that carries a job to its destination (an HTTP endpoint, a broker)."""

    async def send(self, job: Job) -> Answer:
        """Send the job once and report the answer; never raise for a delivery failure."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
