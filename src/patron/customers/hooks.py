"""Extension points: what other domains do when a customer is merged away or scrubbed.

Domains that attach data to customers (subscriptions, images, later points and memberships)
register here through ``patron.wiring``, so the customers domain never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from patron.kit.blobs import BlobStore
from patron.orgs.config import OrgConfig

# (session, org_id, victim_id, survivor_id): move everything of the victim to the survivor.
MergeHook = Callable[[Session, int, int, int], None]
# (session, org_id, customer_id, blobs): delete the customer's personal data held by the domain.
ScrubHook = Callable[[Session, int, int, BlobStore], None]
# (session, org, customer_id, base_url): the keys an ``embed=`` value adds to a fetch answer.
EmbedHook = Callable[[Session, OrgConfig, int, str], dict[str, Any]]

merge_hooks: list[MergeHook] = []
scrub_hooks: list[ScrubHook] = []
embed_hooks: dict[str, EmbedHook] = {}


def run_merge_hooks(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    """Let every registered domain move the victim's data to the survivor."""
    for hook in merge_hooks:
        hook(session, org_id, victim_id, survivor_id)


def run_scrub_hooks(session: Session, org_id: int, customer_id: int, blobs: BlobStore) -> None:
    """Let every registered domain delete the customer's personal data."""
    for hook in scrub_hooks:
        hook(session, org_id, customer_id, blobs)
