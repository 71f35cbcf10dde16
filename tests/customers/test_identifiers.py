"""Reading typed mobiles and phone prefixes (no database involved)."""

from __future__ import annotations

import pytest

from patron.customers.identifiers import lookup_values, mobile_prefixes, normalize_mobile


@pytest.mark.parametrize("q", ["0", "00", "+", "+ "])
def test_a_phone_prefix_never_widens_to_a_bare_country_code(q: str) -> None:
    assert mobile_prefixes(q, "IN") == []


def test_without_a_region_a_national_prefix_has_no_other_form() -> None:
    assert mobile_prefixes("139", None) == []


def test_an_international_prefix_is_its_digits_without_a_region() -> None:
    assert mobile_prefixes("+86 139", None) == ["86139"]


@pytest.mark.parametrize("q", ["tom", "139x", "a@b"])
def test_text_other_than_a_phone_number_has_no_other_form(q: str) -> None:
    assert mobile_prefixes(q, "CN") == []


def test_an_invalid_mobile_is_looked_up_as_typed() -> None:
    assert normalize_mobile("+91 abc", "IN") is None
    assert lookup_values("mobile", " +91 abc ", "IN") == ["+91 abc"]


def test_other_identifier_types_are_looked_up_in_one_form() -> None:
    assert lookup_values("email", "Tom@Example.COM", "IN") == ["tom@example.com"]
