"""Customer search: first name, last name or any identifier value starting with a prefix.

A prefix that looks like a phone number also matches mobiles by its other forms: typed with
``+``/``00`` or in the org's national form (``1391508`` in a CN org is ``861391508``).

Every way of matching reads a stored lower-cased column (``first_name_lower``,
``last_name_lower``, ``value_lower``) through an index that also holds the customer id, so the
total and the page of ids come from the indexes alone, in one statement; a second one reads what
matched and the profiles of the page's customers. Both are built once for each dialect and
number of mobile forms, and take the prefixes as parameters.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    BigInteger,
    BindParameter,
    ColumnElement,
    Select,
    Subquery,
    Table,
    bindparam,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import Session

from patron.customers.identifiers import is_phone_prefix, mobile_prefixes
from patron.customers.models import Identifier, Profile
from patron.errors import Invalid
from patron.kit.pagination import Page
from patron.orgs.config import OrgConfig

MAX_LIMIT = 100
MAX_QUERY = 100
MAX_SUBSCRIPT = 2**31 - 1
PROFILES: Table = Profile.__table__  # type: ignore[assignment]
IDENTIFIERS: Table = Identifier.__table__  # type: ignore[assignment]


class SearchStatements(NamedTuple):
    """A search's two statements: the total beside the page of ids, then the page's details."""

    page: Select[Any]
    details: Select[Any]


class _Branch(NamedTuple):
    """One way of matching: its table, its condition, and what it lists as the match."""

    table: Table
    condition: ColumnElement[bool]
    id_type: ColumnElement[Any]
    id_value: ColumnElement[Any]


def _prefix_match(column: ColumnElement[Any], form: int, dialect: str) -> ColumnElement[bool]:
    """Match a stored lower-cased column against prefix number ``form`` on its index.

    PostgreSQL's ``text_pattern_ops`` index serves ``LIKE 'p%'``; SQLite's index serves a
    half-open range on the same column.
    """
    if dialect == "postgresql":
        return column.like(bindparam(f"pattern_{form}"), escape="\\")
    return (column >= bindparam(f"low_{form}")) & (column < bindparam(f"high_{form}"))


def _prefix_params(form: int, prefix: str, dialect: str) -> dict[str, str]:
    """Return the parameters of prefix number ``form`` for :func:`_prefix_match`."""
    if dialect == "postgresql":
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return {f"pattern_{form}": escaped + "%"}
    return {f"low_{form}": prefix, f"high_{form}": prefix + "\U0010ffff"}


def _branches(dialect: str, forms: int) -> list[_Branch]:
    """Return each way of matching, in the order answers list them: the typed prefix (form 0)
    against names and identifiers, then each other form of a phone prefix against mobiles."""
    p, i = PROFILES.c, IDENTIFIERS.c
    return [
        _Branch(
            PROFILES,
            _prefix_match(p.first_name_lower, 0, dialect),
            literal("firstName"),
            p.first_name,
        ),
        _Branch(
            PROFILES, _prefix_match(p.last_name_lower, 0, dialect), literal("lastName"), p.last_name
        ),
        _Branch(IDENTIFIERS, _prefix_match(i.value_lower, 0, dialect), i.type, i.value),
        *(
            _Branch(
                IDENTIFIERS,
                _prefix_match(i.value_lower, form, dialect) & (i.type == "mobile"),
                i.type,
                i.value,
            )
            for form in range(1, forms)
        ),
    ]


def _page(matching: Subquery, dialect: str) -> Select[Any]:
    """Select the number of distinct customers in ``matching`` and the ids of the page, in
    order, as a list, in one pass over the matches.

    PostgreSQL sorts the ids once into an array without duplicates (a sort of plain integers,
    far cheaper than hashing them), counts it and slices the page out of it; SQLite pages a
    common table expression.
    """
    customer_id = matching.c.customer_id
    if dialect == "postgresql":
        ordered = func.array_agg(
            aggregate_order_by(customer_id.distinct(), customer_id), type_=ARRAY(BigInteger)
        )
        array = select(ordered.label("ids")).subquery("sorted")
        return select(
            func.coalesce(func.cardinality(array.c.ids), 0).label("total"),
            array.c.ids[bindparam("first") : bindparam("last")].label("ids"),
        )
    ids = select(customer_id).distinct().cte("ids")
    paged = (
        select(ids.c.customer_id)
        .order_by(ids.c.customer_id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("paged")
    )
    return select(
        select(func.count()).select_from(ids).scalar_subquery().label("total"),
        select(type_coerce(func.json_group_array(paged.c.customer_id), JSON))
        .scalar_subquery()
        .label("ids"),
    )


@cache
def search_statements(dialect: str, forms: int) -> SearchStatements:
    """Return the statements of a search with ``forms`` prefixes (the typed one first).

    ``page`` selects one row: the number of matching customers and the page of their ids.
    ``details`` selects the profiles (kind -1) of the ``ids`` and what matched (kind 0…, in
    the order of the ways of matching); profile rows carry the first and last name, match rows
    the identifier type and value.
    """
    branches = _branches(dialect, forms)
    org_id: BindParameter[int] = bindparam("org_id")
    matching = union_all(
        *(
            select(b.table.c.customer_id).where(b.table.c.org_id == org_id, b.condition)
            for b in branches
        )
    ).subquery("matching")
    page = _page(matching, dialect)
    page_ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    p = PROFILES.c
    profiles = select(
        p.customer_id.label("customer_id"),
        literal(-1).label("kind"),
        p.id.label("row_id"),
        p.source.label("source"),
        p.account_id.label("account_id"),
        p.first_name.label("first"),
        p.last_name.label("second"),
    ).where(p.customer_id.in_(page_ids))
    matches = (
        select(
            b.table.c.customer_id,
            literal(kind),
            b.table.c.id,
            b.table.c.source,
            b.table.c.account_id,
            b.id_type,
            b.id_value,
        ).where(b.table.c.customer_id.in_(page_ids), b.table.c.org_id == org_id, b.condition)
        for kind, b in enumerate(branches)
    )
    rows = union_all(profiles, *matches).subquery("details")
    details = select(rows).order_by(rows.c.kind, rows.c.row_id)
    return SearchStatements(page, details)


def search_params(
    org_id: int, prefix: str, region: str | None, page: Page, dialect: str
) -> tuple[SearchStatements, dict[str, Any]]:
    """Return the statements of a search for a lower-case ``prefix`` and their parameters (but
    ``ids``, the page's customers, which ``details`` also takes); a phone-like prefix adds its
    other forms in ``region``."""
    forms = [prefix, *(mobile_prefixes(prefix, region) if is_phone_prefix(prefix) else [])]
    params: dict[str, Any] = {
        "org_id": org_id,
        "limit": page.limit,
        "offset": page.offset,
        # The page as a 1-based slice of the sorted ids, both ends included (PostgreSQL, whose
        # array subscripts are 32-bit: no array reaches past them, so a page beyond is empty).
        "first": min(page.offset + 1, MAX_SUBSCRIPT),
        "last": min(page.offset + page.limit, MAX_SUBSCRIPT),
    }
    for form, text in enumerate(forms):
        params.update(_prefix_params(form, text, dialect))
    return search_statements(dialect, len(forms)), params


def search_customers(session: Session, org: OrgConfig, q: str | None, page: Page) -> dict[str, Any]:
    """Return one page of matching customers with what matched, and the total.

    A phone-like ``q`` also matches mobiles by the other forms it has in the org's region.
    """
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
    statements, params = search_params(org.id, prefix, org.default_region, page, dialect)
    total, page_ids = session.execute(statements.page, params).one()
    # SQLite aggregates the page in its order too; sorting a page costs nothing and says so.
    ids = sorted(page_ids or [])
    data = []
    if ids:
        matched: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        profiles: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        for row in session.execute(statements.details, {**params, "ids": ids}):
            if row.kind < 0:
                profiles[row.customer_id].append(
                    {
                        "source": row.source,
                        "accountId": row.account_id,
                        "firstName": row.first,
                        "lastName": row.second,
                    }
                )
                continue
            entry = {
                "idType": row.first,
                "idValue": row.second,
                "source": row.source,
                "accountId": row.account_id,
            }
            # A mobile matching both the typed prefix and another form of it is one match.
            if entry not in matched[row.customer_id]:
                matched[row.customer_id].append(entry)
        data = [
            {"userId": i, "matchedIdentifiers": matched[i], "profiles": profiles[i]} for i in ids
        ]
    return {"pagination": page.as_dict(int(total)), "data": data, "warnings": [], "errors": []}
