"""Card status labels: the org file's (each status's own name when the file gives none) and
those added through ``labelMapping``, each with a stable id once stored.

A label belongs to one status; a status has one default label (an API default replaces the
file's). Labels match case-insensitively and are answered as defined.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.cards import repository
from patron.cards.models import CardLabelRow
from patron.errors import Conflict, Invalid
from patron.kit import clock
from patron.orgs.cards import CardStatus
from patron.orgs.config import OrgConfig

FROM_FILE = "FILE"
FROM_API = "API"
INVALID_STATUS = 3016
INVALID_LABEL = 3017
MAX_LABEL_LENGTH = 50


@dataclass(frozen=True)
class Label:
    """A status label; ``id`` is None for a file label not stored yet."""

    id: int | None
    label: str
    status: CardStatus
    default: bool

    def as_dict(self) -> dict[str, Any]:
        """Render the wire shape."""
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status.value,
            "default": self.default,
        }


def org_labels(session: Session, org: OrgConfig) -> list[Label]:
    """Return every label of the org, grouped by status in the statuses' order."""
    rows = repository.list_labels(session, org.id)
    stored = {r.label.lower(): r for r in rows}
    api_defaults = {r.status for r in rows if r.origin == FROM_API and r.is_default}
    out: list[Label] = []
    for status in CardStatus:
        seen: set[str] = set()
        for item in org.card_labels(status):
            row = stored.get(item.label.lower())
            chosen = row is not None and row.origin == FROM_API and row.is_default
            default = chosen or (item.default and status.value not in api_defaults)
            out.append(Label(row.id if row else None, item.label, status, default))
            seen.add(item.label.lower())
        for row in rows:
            if (
                row.status == status.value
                and row.origin == FROM_API
                and row.label.lower() not in seen
            ):
                out.append(Label(row.id, row.label, status, row.is_default))
    return out


def store_file_labels(session: Session, org: OrgConfig) -> None:
    """Store the org file's labels not stored yet, so they have ids; write paths call this."""
    have = {r.label.lower() for r in repository.list_labels(session, org.id)}
    for status in CardStatus:
        for item in org.card_labels(status):
            if item.label.lower() in have:
                continue
            try:
                with session.begin_nested():
                    session.add(
                        CardLabelRow(
                            org_id=org.id,
                            origin=FROM_FILE,
                            label=item.label,
                            status=status.value,
                            is_default=item.default,
                            created_at=clock.now(),
                        )
                    )
                    session.flush()
            except IntegrityError:
                # A concurrent unit of work stored it first.
                continue
            have.add(item.label.lower())


def find_label(session: Session, org: OrgConfig, text: str | None) -> Label | None:
    """Return the label ``text`` names (any case), or None."""
    wanted = (text or "").strip().lower()
    if not wanted:
        return None
    return next((lab for lab in org_labels(session, org) if lab.label.lower() == wanted), None)


def require_label(session: Session, org: OrgConfig, text: str | None) -> Label:
    """Return the label ``text`` names, or refuse with 3017."""
    found = find_label(session, org, text)
    if found is None:
        raise Invalid(INVALID_LABEL, f"Invalid card status label: {text!r}")
    return found


def default_label(session: Session, org: OrgConfig, status: CardStatus) -> Label:
    """Return the default label of a status (its first label when none is marked default)."""
    labels = [lab for lab in org_labels(session, org) if lab.status is status]
    return next((lab for lab in labels if lab.default), labels[0])


def _parse_mapping(body: Any) -> list[tuple[CardStatus, str, bool]]:
    mapping = body.get("mapping") if isinstance(body, Mapping) else None
    if not isinstance(mapping, Mapping) or not mapping:
        raise Invalid(400, "Input is invalid: mapping of statuses to labels is required")
    items: list[tuple[CardStatus, str, bool]] = []
    for key, labels in mapping.items():
        try:
            status = CardStatus(str(key).strip().upper())
        except ValueError:
            raise Invalid(INVALID_STATUS, f"Invalid card status: {key!r}") from None
        if not isinstance(labels, list) or not labels:
            raise Invalid(INVALID_LABEL, f"Invalid card status label: {key} needs labels")
        defaults = 0
        for entry in labels:
            text = entry.get("label") if isinstance(entry, Mapping) else None
            if (
                not isinstance(text, str)
                or not text.strip()
                or len(text.strip()) > MAX_LABEL_LENGTH
            ):
                raise Invalid(
                    INVALID_LABEL,
                    f"Invalid card status label: {status} labels need 1 to "
                    f"{MAX_LABEL_LENGTH} characters",
                )
            default = entry.get("default") is True
            defaults += default
            items.append((status, text.strip(), default))
        if defaults > 1:
            raise Invalid(INVALID_LABEL, f"Invalid card status label: {status} has two defaults")
    return items


def map_labels(session: Session, org: OrgConfig, body: Any) -> list[Label]:
    """Add labels to statuses (``{"mapping": {STATUS: [{label, default}]}}``); a label that
    belongs to another status is refused (3017), one given again only updates its default."""
    items = _parse_mapping(body)
    store_file_labels(session, org)
    current = {lab.label.lower(): lab for lab in org_labels(session, org)}
    rows = {r.label.lower(): r for r in repository.list_labels(session, org.id)}
    for status, text, _ in items:
        known = current.get(text.lower())
        if known is not None and known.status is not status:
            raise Conflict(
                INVALID_LABEL, f"Card status label {text} already belongs to {known.status}"
            )
    for status, text, default in items:
        if default:
            for row in rows.values():
                if row.status == status.value and row.origin == FROM_API:
                    row.is_default = False
        found = rows.get(text.lower())
        if found is None:
            row = CardLabelRow(
                org_id=org.id,
                origin=FROM_API,
                label=text,
                status=status.value,
                is_default=default,
                created_at=clock.now(),
            )
            session.add(row)
            rows[text.lower()] = row
        elif default or text.lower() not in current:
            # An API default replaces the file's (and a label the file dropped is reused): the
            # label is the API's from now on.
            found.origin = FROM_API
            found.status = status.value
            found.is_default = default
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(INVALID_LABEL, "Card status labels changed concurrently; retry") from None
    return org_labels(session, org)


def render_labels(labels: list[Label]) -> dict[str, list[dict[str, Any]]]:
    """Render labels by status, the shape ``labelMapping`` takes."""
    out: dict[str, list[dict[str, Any]]] = {s.value: [] for s in CardStatus}
    for lab in labels:
        out[lab.status.value].append(lab.as_dict())
    return out
