"""Card series as stored: the org file's, kept in step with the file, and the API's.

A series of the org file is stored the first time a write needs it (every write of the cards
domain stores all of them first), so its id is stable and every card refers to a row. Read
paths never write: a file series not stored yet is listed without an id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.cards import repository
from patron.cards.models import CardSeries
from patron.errors import Conflict, Invalid, NotFound
from patron.kit import clock
from patron.kit.ids import MAX_ID
from patron.orgs.cards import CardSeriesDef
from patron.orgs.config import OrgConfig

FROM_FILE = "FILE"
FROM_API = "API"
INVALID_SERIES = 3000


@dataclass(frozen=True)
class StoredSeries:
    """A series with its definition; ``row`` is None for a file series not stored yet."""

    row: CardSeries | None
    definition: CardSeriesDef
    origin: str

    @property
    def id(self) -> int:
        """The series' id (``seriesId``); only stored series are asked for it."""
        assert self.row is not None
        return self.row.id

    @property
    def code(self) -> str:
        """The series' code (``seriesCode``)."""
        return self.definition.code

    @property
    def is_generated(self) -> bool:
        """Tell whether patron numbers the series' cards."""
        return self.definition.generation is not None


def _insert(
    session: Session, org_id: int, definition: CardSeriesDef, origin: str, till_id: int | None
) -> CardSeries:
    now = clock.now()
    generation = definition.generation
    row = CardSeries(
        org_id=org_id,
        code=definition.code,
        origin=origin,
        definition=definition.model_dump(mode="json", by_alias=True),
        next_number=(generation.offset if generation else 0) + 1,
        created_by=till_id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _sync(session: Session, org_id: int, definition: CardSeriesDef) -> CardSeries:
    """Store a file series, or bring the stored one up to date with the file."""
    row = repository.find_series(session, org_id, definition.code)
    wanted = definition.model_dump(mode="json", by_alias=True)
    if row is None:
        try:
            with session.begin_nested():
                return _insert(session, org_id, definition, FROM_FILE, None)
        except IntegrityError:
            # A concurrent unit of work stored it first.
            row = repository.find_series(session, org_id, definition.code)
            if row is None:
                raise
    if row.origin == FROM_FILE and row.definition != wanted:
        row.definition = wanted
        row.updated_at = clock.now()
    return row


def store_file_series(session: Session, org: OrgConfig) -> None:
    """Store (or update) every series of the org file; write paths call this first."""
    for definition in org.card_series:
        _sync(session, org.id, definition)


def _stored(org: OrgConfig, row: CardSeries) -> StoredSeries:
    in_file = next((d for d in org.card_series if d.code.lower() == row.code.lower()), None)
    if row.origin == FROM_FILE and in_file is not None:
        return StoredSeries(row=row, definition=in_file, origin=FROM_FILE)
    return StoredSeries(
        row=row, definition=CardSeriesDef.model_validate(row.definition), origin=row.origin
    )


def list_series(session: Session, org: OrgConfig) -> list[StoredSeries]:
    """Return every series of the org: stored ones by id, then file ones not stored yet."""
    rows = repository.list_series(session, org.id)
    stored = [_stored(org, row) for row in rows]
    codes = {s.code.lower() for s in stored}
    pending = [
        StoredSeries(row=None, definition=d, origin=FROM_FILE)
        for d in org.card_series
        if d.code.lower() not in codes
    ]
    return stored + pending


def find_series(
    session: Session, org: OrgConfig, *, series_id: int | None = None, code: str | None = None
) -> StoredSeries | None:
    """Return the stored series named by id or code (both given: they must agree), or None."""
    by_id = None
    if series_id is not None:
        if not 1 <= series_id <= MAX_ID:
            return None
        row = repository.get_series(session, org.id, series_id)
        if row is None:
            return None
        by_id = _stored(org, row)
    text = (code or "").strip()
    if not text:
        return by_id
    found = repository.find_series(session, org.id, text)
    if found is None or (by_id is not None and by_id.id != found.id):
        return None
    return _stored(org, found)


def require_series(
    session: Session, org: OrgConfig, *, series_id: int | None = None, code: str | None = None
) -> StoredSeries:
    """Return the series named by id or code, or refuse with 3000."""
    if series_id is None and not (code or "").strip():
        raise Invalid(INVALID_SERIES, "Invalid card series: seriesId or seriesCode is required")
    found = find_series(session, org, series_id=series_id, code=code)
    if found is None:
        named = series_id if series_id is not None else code
        raise NotFound(INVALID_SERIES, f"Invalid card series: {named}")
    return found


def lock_series(session: Session, series: StoredSeries) -> CardSeries:
    """Lock a stored series' row (its number counter) until the unit of work ends."""
    assert series.row is not None
    row = repository.get_series(session, series.row.org_id, series.id, lock=True)
    assert row is not None
    return row


def create_series(session: Session, principal: Principal, body: dict[str, Any]) -> StoredSeries:
    """Store a series defined through the API; it must be valid and its code new (3000)."""
    org = principal.org
    store_file_series(session, org)
    data = dict(body)
    if not data.get("code") and isinstance(data.get("name"), str):
        data["code"] = data["name"].strip()[:50]
    try:
        definition = CardSeriesDef.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "series"
        raise Invalid(INVALID_SERIES, f"Invalid card series: {where}: {first['msg']}") from None
    if repository.find_series(session, org.id, definition.code) is not None:
        raise Conflict(INVALID_SERIES, f"Card series code {definition.code} already exists")
    try:
        with session.begin_nested():
            row = _insert(session, org.id, definition, FROM_API, principal.till_id)
    except IntegrityError:
        raise Conflict(
            INVALID_SERIES, f"Card series code {definition.code} already exists"
        ) from None
    return StoredSeries(row=row, definition=definition, origin=FROM_API)


def render_series(org: OrgConfig, series: StoredSeries) -> dict[str, Any]:
    """Render a series the way ``GET /v2/card/series`` answers it."""
    definition = series.definition
    generation = definition.generation
    return {
        "id": series.row.id if series.row else None,
        "code": definition.code,
        "name": definition.name,
        "description": definition.description,
        "type": definition.type.value,
        "expiryDays": definition.expiry_days,
        "maxActiveCardsPerCustomer": definition.max_active_cards_per_customer,
        "cardGenerationConfiguration": (
            generation.model_dump(mode="json", by_alias=True) if generation else None
        ),
        "trigger": definition.trigger.value,
        "generated": generation is not None,
        "source": series.origin,
        "orgId": org.id,
    }


def select_series(
    session: Session, org: OrgConfig, series_id: int | None, code: str | None
) -> list[StoredSeries]:
    """Return every series, or the one named by id or code (3000 when it does not exist)."""
    if series_id is None and not (code or "").strip():
        return list_series(session, org)
    wanted = (code or "").strip().lower()
    found = [
        s
        for s in list_series(session, org)
        if (series_id is None or (s.row is not None and s.row.id == series_id))
        and (not wanted or s.code.lower() == wanted)
    ]
    if not found:
        raise NotFound(INVALID_SERIES, f"Invalid card series: {series_id or code}")
    return found
