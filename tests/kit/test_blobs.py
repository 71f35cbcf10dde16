"""The file-system blob store: atomic writes, keys that cannot escape the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from patron.kit.blobs import FileSystemBlobStore


def test_put_get_delete_round_trip(tmp_path: Path) -> None:
    store = FileSystemBlobStore(tmp_path / "blobs")
    store.put("customerImage/1/2/abc-def", b"bytes", "image/png")
    assert store.get("customerImage/1/2/abc-def") == b"bytes"
    store.put("customerImage/1/2/abc-def", b"other", "image/png")
    assert store.get("customerImage/1/2/abc-def") == b"other"
    store.delete("customerImage/1/2/abc-def")
    assert store.get("customerImage/1/2/abc-def") is None
    store.delete("customerImage/1/2/abc-def")  # deleting twice is fine


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    store = FileSystemBlobStore(tmp_path)
    store.put("a/b", b"x" * 1000, "image/png")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b"]


@pytest.mark.parametrize(
    "key",
    ["", "../outside", "a/../../outside", "/etc/passwd", "a//b", "a/./b", ".hidden", "a\\b", "é"],
)
def test_keys_that_could_escape_are_refused(tmp_path: Path, key: str) -> None:
    store = FileSystemBlobStore(tmp_path / "root")
    with pytest.raises(ValueError, match="blob key"):
        store.put(key, b"x", "image/png")
    with pytest.raises(ValueError, match="blob key"):
        store.get(key)
    assert not (tmp_path / "outside").exists()


def test_symlinked_directory_cannot_lead_outside(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    store = FileSystemBlobStore(root)
    with pytest.raises(ValueError, match="escapes"):
        store.put("link/stolen", b"x", "image/png")
