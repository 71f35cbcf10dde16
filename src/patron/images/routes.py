"""HTTP endpoints of the images domain (``setImage`` and the image download)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from patron.auth.dependencies import CurrentPrincipal
from patron.images.schemas import SetImageOut
from patron.images.service import read_image, set_image
from patron.images.upload import Blobs, ImageUpload
from patron.web import ReadSession, Route, WriteSession, error_responses

ERRORS = error_responses(
    {
        400: "Not multipart, no `file` field, an empty file or not a PNG/JPEG/GIF/WebP image (400)",
        401: "No or bad credentials",
        404: "Customer not found (8015), merged into another (8069), or no image set (404)",
        413: "The image is larger than the configured limit (413)",
        503: "The image could not be stored (503)",
    }
)

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}

router = APIRouter(prefix="/v2/customers", tags=["images"], responses=ERRORS, route_class=Route)

CustomerId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Unique ID of the customer")]


@router.post("/{customer_id:int}/setImage", response_model=SetImageOut, openapi_extra=UPLOAD_BODY)
def upload_image(
    customer_id: CustomerId,
    principal: CurrentPrincipal,
    data: ImageUpload,
    session: WriteSession,
    blobs: Blobs,
) -> dict[str, Any]:
    """Set a customer's profile image from the form field `file` (PNG, JPEG, GIF or WebP).

    Each upload replaces the image and raises its `version`; the bytes decide the type, not
    the declared content type.
    """
    return set_image(session, principal, customer_id, data, blobs)


@router.get(
    "/{customer_id:int}/image",
    response_class=Response,
    responses={200: {"content": {"image/*": {}}, "description": "The image bytes"}},
)
def download_image(
    customer_id: CustomerId, principal: CurrentPrincipal, session: ReadSession, blobs: Blobs
) -> Response:
    """Return the bytes of a customer's profile image with their media type."""
    image = read_image(session, principal.org_id, customer_id, blobs)
    return Response(
        image.data,
        media_type=image.content_type,
        headers={"X-Content-Type-Options": "nosniff", "ETag": f'"{image.version}"'},
    )
