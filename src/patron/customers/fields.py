"""Validation of extended fields (typed, from the org catalogue) and custom fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from patron.errors import Notice
from patron.kit.clock import parse_datetime
from patron.orgs.catalog import FieldType
from patron.orgs.config import ExtendedField, OrgConfig

EXTENDED_FIELD_WARNING = 91015
CUSTOM_FIELD_WARNING = 1017
MAX_FIELD_LENGTH = 1000
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


class _Rejected(ValueError):
    pass


def _as_date(value: Any) -> str:
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return parse_datetime(text).date().isoformat()
    except ValueError:
        raise _Rejected(text) from None


def _coerce(field: ExtendedField, value: Any) -> Any:
    kind = field.data_type
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise _Rejected(value)
    if kind == FieldType.INTEGER:
        if isinstance(value, bool):
            raise _Rejected(value)
        if isinstance(value, float) and not value.is_integer():
            raise _Rejected(value)
        try:
            return int(str(value).strip()) if not isinstance(value, float) else int(value)
        except ValueError:
            raise _Rejected(value) from None
    if kind == FieldType.DOUBLE:
        if isinstance(value, bool):
            raise _Rejected(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _Rejected(value) from None
    if kind == FieldType.BOOLEAN:
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _Rejected(value)
    if kind == FieldType.DATE:
        return _as_date(value)
    if kind == FieldType.DATETIME:
        try:
            return parse_datetime(str(value)).isoformat(timespec="seconds")
        except ValueError:
            raise _Rejected(value) from None
    text = str(value).strip()
    if len(text) > MAX_FIELD_LENGTH:
        raise _Rejected(value)
    if field.allowed_values:
        for allowed in field.allowed_values:
            if str(allowed).lower() == text.lower():
                return allowed
        raise _Rejected(value)
    return text


def clean_extended_fields(
    org: OrgConfig, values: dict[str, Any] | None, warnings: list[Notice]
) -> dict[str, Any]:
    """Keep the values that fit the catalogue; each unknown or ill-typed one is warning 91015."""
    cleaned: dict[str, Any] = {}
    for name, value in (values or {}).items():
        field = org.extended_field(str(name))
        if field is None or field.entity != "customer":
            warnings.append(
                Notice(
                    EXTENDED_FIELD_WARNING,
                    f"Failed to update extended fields; field {name} is not enabled for the org",
                )
            )
            continue
        try:
            cleaned[field.name] = _coerce(field, value)
        except _Rejected:
            warnings.append(
                Notice(
                    EXTENDED_FIELD_WARNING,
                    f"Failed to update extended fields; invalid value for field {name} of type {field.data_type}",
                )
            )
    return cleaned


def clean_custom_fields(
    org: OrgConfig, values: dict[str, Any] | None, warnings: list[Notice]
) -> dict[str, str]:
    """Keep the org's custom fields (as text); each unknown one is warning 1017."""
    cleaned: dict[str, str] = {}
    for name, value in (values or {}).items():
        canonical = org.custom_field_name(str(name))
        if canonical is None:
            warnings.append(
                Notice(CUSTOM_FIELD_WARNING, f"Provided Custom Field is invalid: {name}")
            )
            continue
        text = "" if value is None else (value if isinstance(value, str) else _text(value))
        if len(text) > MAX_FIELD_LENGTH:
            warnings.append(Notice(CUSTOM_FIELD_WARNING, f"Custom field {name} is too long"))
            continue
        cleaned[canonical] = text
    return cleaned


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
