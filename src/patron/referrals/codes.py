"""Making referral codes: prefix, random characters (or the referrer's name first), suffix."""

from __future__ import annotations

import re
import secrets

from patron.orgs.referrals import CodeFormat

# Upper-case letters and digits without the look-alikes 0/O and 1/I.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# A name-based code keeps at least this many random characters.
MIN_RANDOM = 4
_NOT_LETTER = re.compile(r"[^A-Z]")


def canonical(code: str) -> str:
    """Return the stored form of a code as typed: trimmed, upper case."""
    return code.strip().upper()


def make_code(fmt: CodeFormat, first_name: str = "") -> str:
    """Return a new code of ``fmt`` (uniqueness is the database's to enforce)."""
    lead = ""
    if fmt.name_based:
        lead = _NOT_LETTER.sub("", first_name.upper())[: max(fmt.length - MIN_RANDOM, 0)]
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(fmt.length - len(lead)))
    return canonical(f"{fmt.prefix}{lead}{random_part}{fmt.suffix}")
