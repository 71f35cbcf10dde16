"""Rules of customer images: accept only real images, version them, serve and move them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers.lookup import get_customer
from patron.errors import Invalid, NotFound, Unavailable
from patron.images import repository
from patron.images.models import CustomerImage
from patron.kit import clock
from patron.kit.blobs import BlobStore, delete_when_settled
from patron.orgs.config import OrgConfig

NAMESPACE = "customerImage"
NOT_AN_IMAGE = 400
NO_IMAGE = 404
STORE_FAILED = 503
UPLOADED = "Successfully uploaded file"
NOT_AN_IMAGE_MESSAGE = "Input is invalid: the file is not a PNG, JPEG, GIF or WebP image"


@dataclass(frozen=True)
class StoredImage:
    """The bytes of a customer's image and their media type."""

    content_type: str
    data: bytes
    version: int


def sniff_image_type(data: bytes) -> str | None:
    """Return the media type the bytes' signature shows (PNG, JPEG, GIF, WebP), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def file_block(image: CustomerImage, zone: dt.tzinfo) -> dict[str, Any]:
    """Render the documented ``file`` object of an image; ``lastModified`` in the org's zone."""
    return {
        "acl": "PRIVATE",
        "fileHandle": image.file_handle,
        "lastModified": clock.local_datetime(image.updated_at, zone),
        "latestVersion": image.version,
        "name": f"{image.org_id}/{image.customer_id}/0",
        "namespace": NAMESPACE,
        "s3Token": image.blob_key,
        "version": image.version,
    }


def set_image(
    session: Session, principal: Principal, customer_id: int, data: bytes, blobs: BlobStore
) -> dict[str, Any]:
    """Make ``data`` the customer's image (a new version) and answer as ``setImage`` documents."""
    content_type = sniff_image_type(data)
    if content_type is None:
        raise Invalid(NOT_AN_IMAGE, NOT_AN_IMAGE_MESSAGE)
    org_id = principal.org_id
    customer = get_customer(session, org_id, customer_id)
    now = clock.now()
    image = repository.lock_image(session, org_id, customer.id, str(uuid.uuid4()), now)
    replaced = image.blob_key
    key = f"{NAMESPACE}/{org_id}/{customer.id}/{uuid.uuid4()}"
    try:
        blobs.put(key, data, content_type)
    except OSError as exc:
        raise Unavailable(STORE_FAILED, "Unable to store the image; retry later") from exc
    delete_when_settled(
        session, blobs, if_committed=[replaced] if replaced else [], if_rolled_back=[key]
    )
    image.blob_key = key
    image.content_type = content_type
    image.size = len(data)
    image.version += 1
    image.updated_at = now
    image.updated_by = principal.till_id
    session.flush()
    return {
        "data": [
            {
                "code": 200,
                "file": file_block(image, principal.org.zone),
                "message": UPLOADED,
                "status": "true",
            }
        ],
        "warnings": [],
        "errors": [],
    }


def read_image(session: Session, org_id: int, customer_id: int, blobs: BlobStore) -> StoredImage:
    """Return the bytes of the customer's image; 404 when none is set."""
    customer = get_customer(session, org_id, customer_id)
    image = repository.get_image(session, org_id, customer.id)
    data = blobs.get(image.blob_key) if image is not None else None
    if image is None or data is None:
        raise NotFound(NO_IMAGE, "No image is set for the customer")
    return StoredImage(image.content_type, data, image.version)


def image_embed(
    session: Session, org: OrgConfig, customer_id: int, base_url: str
) -> list[dict[str, Any]]:
    """Return the ``customerImage`` list of a customer fetched with ``embed=CUSTOMERIMAGE``."""
    image = repository.get_image(session, org.id, customer_id)
    if image is None:
        return []
    url = f"{base_url.rstrip('/')}/v2/customers/{customer_id}/image"
    return [
        {
            "code": 200,
            "file": file_block(image, org.zone),
            "filePath": url,
            "message": "Success",
            "secureFilePath": url,
            "status": "true",
        }
    ]


def move_image(session: Session, org_id: int, victim_id: int, survivor_id: int) -> None:
    """Give the victim's image to the survivor unless the survivor has one of its own."""
    image = repository.get_image(session, org_id, victim_id)
    if image is None or repository.get_image(session, org_id, survivor_id) is not None:
        return
    image.customer_id = survivor_id
    session.flush()


def delete_image(session: Session, org_id: int, customer_id: int, blobs: BlobStore) -> None:
    """Delete the customer's image; its bytes go once the deletion commits."""
    image = repository.get_image(session, org_id, customer_id)
    if image is None:
        return
    delete_when_settled(session, blobs, if_committed=[image.blob_key])
    session.delete(image)
    session.flush()
