"""Hashing of stored secrets (till passwords, client secrets) and constant-time checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1


def md5_hex(text: str) -> str:
    """Return the lowercase hex MD5 of ``text`` (what Basic authentication carries)."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def hash_secret(secret: str) -> str:
    """Return a salted scrypt hash of ``secret`` in a self-describing text form."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_secret(secret: str, stored: str) -> bool:
    """Tell whether ``secret`` matches ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt = base64.b64decode(salt_b64)
    expected = base64.b64decode(digest_b64)
    actual = hashlib.scrypt(
        secret.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
    )
    return hmac.compare_digest(actual, expected)


def token_digest(token: str) -> str:
    """Return the SHA-256 hex digest under which an opaque bearer token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Return a fresh opaque bearer token."""
    return secrets.token_urlsafe(32)
