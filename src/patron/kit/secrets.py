"""Hashing of stored secrets (till passwords, client secrets) and constant-time checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1
# Checked when there is no stored hash (an unknown till or client) so that a miss costs one
# scrypt run like a hit; a random digest matches no secret.
_DUMMY = (_N, _R, _P, secrets.token_bytes(16), secrets.token_bytes(32))


def md5_hex(text: str) -> str:
    """Return the lowercase hex MD5 of ``text`` (what Basic authentication carries)."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def hash_secret(secret: str) -> str:
    """Return a salted scrypt hash of ``secret`` in a self-describing text form."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_secret(secret: str, stored: str | None) -> bool:
    """Tell whether ``secret`` matches ``stored`` (constant-time comparison).

    Without a readable stored hash the same work is done against a dummy one and the answer is
    False, so whether a credential exists cannot be told from the time its check takes.
    """
    params = _scrypt_params(stored or "")
    if params is None:
        _scrypt_equals(secret, _DUMMY)
        return False
    return _scrypt_equals(secret, params)


def _scrypt_params(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return None
        return int(n), int(r), int(p), base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:  # binascii.Error is one
        return None


def _scrypt_equals(secret: str, params: tuple[int, int, int, bytes, bytes]) -> bool:
    n, r, p, salt, expected = params
    actual = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected))
    return hmac.compare_digest(actual, expected)


def token_digest(token: str) -> str:
    """Return the SHA-256 hex digest under which an opaque bearer token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Return a fresh opaque bearer token."""
    return secrets.token_urlsafe(32)
