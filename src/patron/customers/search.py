"""Customer search: first name, last name or any identifier value starting with a prefix.

A prefix that looks like a phone number also matches mobiles by its other forms: typed with
``+``/``00`` or in the org's national form (``1391508`` in a CN org is ``861391508``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from patron.customers.identifiers import is_phone_prefix, mobile_prefixes
from patron.customers.models import Identifier, Profile
from patron.errors import Invalid
from patron.kit.pagination import Page
from patron.orgs.config import OrgConfig

MAX_LIMIT = 100
MAX_QUERY = 100


def _prefix_match(
    column: InstrumentedAttribute[str], prefix: str, dialect: str
) -> ColumnElement[bool]:
    """Match ``lower(column)`` against a lower-case prefix using the prefix index.

    PostgreSQL's ``text_pattern_ops`` index serves ``LIKE 'p%'``; SQLite's expression index
    serves a half-open range on the same expression.
    """
    lowered = func.lower(column)
    if dialect == "postgresql":
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return lowered.like(escaped + "%", escape="\\")
    return (lowered >= prefix) & (lowered < prefix + "\U0010ffff")


def _matching_ids(org_id: int, prefix: str, mobiles: list[str], dialect: str) -> Any:
    """Return the ids of matching customers, one row per match (served by the indexes alone)."""
    return union_all(
        select(Profile.customer_id.label("customer_id")).where(
            Profile.org_id == org_id, _prefix_match(Profile.first_name, prefix, dialect)
        ),
        select(Profile.customer_id).where(
            Profile.org_id == org_id, _prefix_match(Profile.last_name, prefix, dialect)
        ),
        select(Identifier.customer_id).where(
            Identifier.org_id == org_id, _prefix_match(Identifier.value, prefix, dialect)
        ),
        *(
            select(Identifier.customer_id).where(_mobile_match(org_id, mobile, dialect))
            for mobile in mobiles
        ),
    ).subquery("matching_ids")


def _mobile_match(org_id: int, prefix: str, dialect: str) -> ColumnElement[bool]:
    """Match mobiles by another form of the prefix, on the same prefix index."""
    return (
        (Identifier.org_id == org_id)
        & _prefix_match(Identifier.value, prefix, dialect)
        & (Identifier.type == "mobile")
    )


def _matches(org_id: int, prefix: str, mobiles: list[str], dialect: str) -> Any:
    first = select(
        Profile.customer_id.label("customer_id"),
        literal("firstName").label("id_type"),
        Profile.first_name.label("id_value"),
        Profile.source.label("source"),
        Profile.account_id.label("account_id"),
    ).where(Profile.org_id == org_id, _prefix_match(Profile.first_name, prefix, dialect))
    last = select(
        Profile.customer_id,
        literal("lastName"),
        Profile.last_name,
        Profile.source,
        Profile.account_id,
    ).where(Profile.org_id == org_id, _prefix_match(Profile.last_name, prefix, dialect))
    columns = (
        Identifier.customer_id,
        Identifier.type,
        Identifier.value,
        Identifier.source,
        Identifier.account_id,
    )
    idents = select(*columns).where(
        Identifier.org_id == org_id, _prefix_match(Identifier.value, prefix, dialect)
    )
    by_mobile = (select(*columns).where(_mobile_match(org_id, m, dialect)) for m in mobiles)
    return union_all(first, last, idents, *by_mobile).subquery("matches")


def search_customers(session: Session, org: OrgConfig, q: str | None, page: Page) -> dict[str, Any]:
    """Return one page of matching customers with what matched, and the total.

    A phone-like ``q`` also matches mobiles by the other forms it has in the org's region.
    """
    org_id = org.id
    prefix = (q or "").strip().lower()
    if not prefix:
        raise Invalid(400, "Input is invalid: q is required")
    if len(prefix) > MAX_QUERY:
        raise Invalid(400, f"Input is invalid: q is longer than {MAX_QUERY} characters")
    if not 1 <= page.limit <= MAX_LIMIT or page.offset < 0:
        raise Invalid(
            400, f"Input is invalid: limit must be 1..{MAX_LIMIT} and offset not negative"
        )
    dialect = session.get_bind().dialect.name
    mobiles = mobile_prefixes(prefix, org.default_region) if is_phone_prefix(prefix) else []
    matching = _matching_ids(org_id, prefix, mobiles, dialect)
    total = session.scalar(select(func.count(func.distinct(matching.c.customer_id)))) or 0
    ids = list(
        session.scalars(
            select(matching.c.customer_id)
            .group_by(matching.c.customer_id)
            .order_by(matching.c.customer_id)
            .limit(page.limit)
            .offset(page.offset)
        )
    )
    matches = _matches(org_id, prefix, mobiles, dialect)
    data = []
    if ids:
        matched: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        for row in session.execute(select(matches).where(matches.c.customer_id.in_(ids))):
            entry = {
                "idType": row.id_type,
                "idValue": row.id_value,
                "source": row.source,
                "accountId": row.account_id,
            }
            # A mobile matching both the typed prefix and another form of it is one match.
            if entry not in matched[row.customer_id]:
                matched[row.customer_id].append(entry)
        profiles: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        query = select(Profile).where(Profile.customer_id.in_(ids)).order_by(Profile.id)
        for profile in session.scalars(query):
            profiles[profile.customer_id].append(
                {
                    "source": profile.source,
                    "accountId": profile.account_id,
                    "firstName": profile.first_name,
                    "lastName": profile.last_name,
                }
            )
        data = [
            {"userId": i, "matchedIdentifiers": matched[i], "profiles": profiles[i]} for i in ids
        ]
    return {"pagination": page.as_dict(int(total)), "data": data, "warnings": [], "errors": []}
