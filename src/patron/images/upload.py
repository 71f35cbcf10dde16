"""Reading an uploaded image from a ``multipart/form-data`` body, within the size limit."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from patron.config import Settings
from patron.errors import Invalid, TooLarge
from patron.kit.blobs import BlobStore

INVALID_INPUT = 400
TOO_LARGE = 413
FILE_FIELD = "file"
# Room for the multipart boundaries and part headers around the file itself.
ENVELOPE_BYTES = 64 * 1024


def blob_store(request: Request) -> BlobStore:
    """Return the process's blob store."""
    blobs: BlobStore = request.app.state.blobs
    return blobs


Blobs = Annotated[BlobStore, Depends(blob_store)]


def _too_large(limit: int) -> TooLarge:
    return TooLarge(TOO_LARGE, f"The image is larger than the allowed {limit} bytes")


async def _capped(request: Request, cap: int, limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > cap:
            raise _too_large(limit)
        yield chunk


async def read_image_upload(request: Request) -> bytes:
    """Return the bytes of the form field ``file``; stop reading once the body is too large."""
    settings: Settings = request.app.state.settings
    limit = settings.image_max_bytes
    cap = limit + ENVELOPE_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_large(limit)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise Invalid(INVALID_INPUT, "Input is invalid: send the image as multipart/form-data")
    parser = MultiPartParser(
        request.headers, _capped(request, cap, limit), max_files=1, max_fields=16
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise Invalid(INVALID_INPUT, f"Input is invalid: {exc.message}") from exc
    try:
        upload = form.get(FILE_FIELD)
        if not isinstance(upload, UploadFile):
            raise Invalid(INVALID_INPUT, "Input is invalid: the form has no file field 'file'")
        data = await upload.read()
    finally:
        await form.close()
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise Invalid(INVALID_INPUT, "Input is invalid: the file is empty")
    return data


ImageUpload = Annotated[bytes, Depends(read_image_upload)]
