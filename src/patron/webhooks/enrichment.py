"""``customerIdentifiersToBeEnriched``: the identifier types enriched payloads carry."""

from __future__ import annotations

from collections.abc import Iterable

from patron.customers.identifiers import canonical_lookup_name
from patron.errors import Invalid
from patron.webhooks import codes


def identifier_types(values: Iterable[str] | None) -> list[str] | None:
    """Validate the list and return it in canonical spelling, without repeats."""
    if values is None:
        return None
    names: list[str] = []
    unknown: list[str] = []
    for value in values:
        name = canonical_lookup_name(value)
        if name is None:
            unknown.append(value)
        elif name not in names:
            names.append(name)
    if unknown:
        raise Invalid(
            codes.IDENTIFIERS_INVALID,
            "Unknown identifier type(s) in customerIdentifiersToBeEnriched: "
            + ", ".join(repr(u) for u in unknown),
        )
    return names


def stored_identifier_types(values: Iterable[str]) -> list[str]:
    """Return the known types of a stored list; names saved before they were checked are ignored."""
    return list(dict.fromkeys(n for v in values if (n := canonical_lookup_name(v)) is not None))
