"""Resolving the ``source``/``accountId`` pair a request names against the org's sources."""

from __future__ import annotations

from dataclasses import dataclass

from patron.errors import Invalid
from patron.orgs.catalog import Source, parse_source
from patron.orgs.config import OrgConfig

ALL_SOURCES = "ALL"
INVALID_SOURCE = 8012
INVALID_SOURCE_ACCOUNT = 8011
ACCOUNT_MISSING = 8045


@dataclass(frozen=True)
class SourceAccount:
    """One source account of an org (``account_id`` is '' for single-account sources)."""

    source: Source
    account_id: str


def resolve_source_account(
    org: OrgConfig, source_text: str | None, account_id: str | None, *, allow_all: bool = False
) -> SourceAccount | None:
    """Check a source and account against the org; None stands for ``ALL`` where allowed."""
    if allow_all and source_text and source_text.strip().upper() == ALL_SOURCES:
        return None
    source = parse_source(source_text)
    if source is None:
        raise Invalid(INVALID_SOURCE, f"Invalid source passed: {source_text or '(none)'}")
    if not org.is_enabled(source):
        raise Invalid(
            INVALID_SOURCE_ACCOUNT,
            f"Invalid source account passed: {source} is not enabled for the org",
        )
    if not org.is_multi_account(source):
        return SourceAccount(source, "")
    account = (account_id or "").strip()
    if not account:
        raise Invalid(ACCOUNT_MISSING, f"Account id is not passed: {source} needs an accountId")
    if not org.has_account(source, account):
        raise Invalid(
            INVALID_SOURCE_ACCOUNT,
            f"Invalid source account passed: {source} has no account {account}",
        )
    return SourceAccount(source, account)
