"""Connecting domains that attach data to customers with the customers domain's extension points."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.config import Settings
from patron.customers import hooks
from patron.images.service import delete_image, image_embed, move_image
from patron.kit.blobs import BlobStore, FileSystemBlobStore
from patron.orgs.config import OrgConfig
from patron.subscriptions.service import delete_subscriptions, move_subscriptions, subscription_info


def open_blobs(settings: Settings) -> BlobStore:
    """Return the blob store of the configured data directory."""
    return FileSystemBlobStore(settings.data_dir / "blobs")


def _scrub_subscriptions(session: Session, org_id: int, customer_id: int, _: BlobStore) -> None:
    delete_subscriptions(session, org_id, customer_id)


def _embed_subscriptions(
    session: Session, org: OrgConfig, customer_id: int, _: str
) -> dict[str, Any]:
    return {"subscriptionInfo": subscription_info(session, org.id, customer_id)}


def _embed_image(
    session: Session, org: OrgConfig, customer_id: int, base_url: str
) -> dict[str, Any]:
    return {"customerImage": image_embed(session, org, customer_id, base_url)}


def install_hooks() -> None:
    """Register every domain's merge, scrub and embed hooks (idempotent)."""
    hooks.merge_hooks[:] = [move_subscriptions, move_image]
    hooks.scrub_hooks[:] = [_scrub_subscriptions, delete_image]
    hooks.embed_hooks.clear()
    hooks.embed_hooks.update({"subscriptions": _embed_subscriptions, "customerimage": _embed_image})
