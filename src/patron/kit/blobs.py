"""Blob storage for binary files (customer images): a Protocol and a file-system store."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import structlog
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = structlog.get_logger("patron.blobs")

# Keys are '/'-separated segments of safe characters, so no key can name a path outside root.
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
MAX_KEY_LENGTH = 512


class BlobStore(Protocol):
    """Where binary files live, addressed by keys like ``customerImage/100/42/<uuid>``."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing any previous content."""

    def get(self, key: str) -> bytes | None:
        """Return the content under ``key``, or None when there is none."""

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""


def check_key(key: str) -> list[str]:
    """Return the segments of a valid key; raise ValueError for anything that could escape."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"invalid blob key length: {len(key)}")
    segments = key.split("/")
    for segment in segments:
        if not _SEGMENT.fullmatch(segment):
            raise ValueError(f"invalid blob key: {key!r}")
    return segments


class FileSystemBlobStore:
    """Blobs as files under ``root``; writes are atomic (temporary file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """Return the file that holds ``key``, checked to lie under the root."""
        path = self.root.joinpath(*check_key(key))
        root = self.root.resolve()
        if not path.resolve().is_relative_to(root):
            raise ValueError(f"blob key escapes the store: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write ``data`` to a temporary file beside the target, then rename it into place."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        """Read the file of ``key``, or None when it does not exist."""
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        """Remove the file of ``key`` if it exists."""
        self.path(key).unlink(missing_ok=True)


def delete_when_settled(
    session: Session,
    blobs: BlobStore,
    *,
    if_committed: Iterable[str] = (),
    if_rolled_back: Iterable[str] = (),
) -> None:
    """Delete blobs once the session's unit of work ends, depending on whether it committed.

    Blob stores are not transactional: a replaced file may only go once the new row is
    committed, and a freshly written file must go if the row that names it never commits.
    """
    on_commit, on_rollback = list(if_committed), list(if_rolled_back)
    state = {"committed": False, "settled": False}

    def committed(sess: Session) -> None:
        if sess.get_nested_transaction() is None:
            state["committed"] = True

    def ended(_sess: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is not None or state["settled"]:
            return
        state["settled"] = True
        for key in on_commit if state["committed"] else on_rollback:
            try:
                blobs.delete(key)
            except (OSError, ValueError) as exc:
                log.warning("blob_delete_failed", key=key, error=str(exc))

    event.listen(session, "after_commit", committed)
    event.listen(session, "after_transaction_end", ended)
