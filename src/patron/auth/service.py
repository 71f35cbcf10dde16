"""Rules of authentication: verify till credentials, issue and check OAuth tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from patron.auth.cache import KeyedLocks, TTLCache
from patron.auth.models import OAuthToken
from patron.auth.principal import Principal
from patron.errors import Unauthorized
from patron.kit import clock
from patron.kit.secrets import new_token, token_digest, verify_secret
from patron.orgs import repository as orgs_repo
from patron.orgs.service import load_org_config, store_info

INVALID_CREDENTIALS = "Invalid credentials: authentication failed"
INVALID_TOKEN = "Invalid or expired OAuth token"  # noqa: S105 - an error message


@dataclass
class AuthCaches:
    """Process-local caches; entries expire so revocations take effect within seconds."""

    credentials: TTLCache[int]
    principals: TTLCache[Principal]
    tokens: TTLCache[tuple[int, float]]
    # Concurrent misses of one credential wait for a single scrypt check instead of each running one.
    checks: KeyedLocks

    @classmethod
    def create(cls, credential_seconds: float, org_seconds: float) -> AuthCaches:
        """Build the caches with the configured lifetimes."""
        return cls(
            credentials=TTLCache(credential_seconds),
            principals=TTLCache(org_seconds),
            tokens=TTLCache(credential_seconds),
            checks=KeyedLocks(),
        )

    def clear(self) -> None:
        """Forget every cached credential and principal."""
        self.credentials.clear()
        self.principals.clear()
        self.tokens.clear()


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued access token."""

    access_token: str
    ttl_seconds: int


def principal_of_till(
    session: Session, till_id: int, *, active_only: bool = True
) -> Principal | None:
    """Build the principal of a till (for jobs acting on behalf of the till that asked)."""
    till = orgs_repo.get_till(session, till_id)
    if till is None or (active_only and not till.is_active):
        return None
    store = orgs_repo.get_store(session, till.store_id)
    org = load_org_config(session, till.org_id)
    if store is None or org is None:
        return None
    return Principal(
        org=org, till_id=till.id, till_code=till.code, till_name=till.name, store=store_info(store)
    )


def load_principal(session: Session, caches: AuthCaches, till_id: int) -> Principal | None:
    """Return the principal of an active till, from the cache when fresh."""
    return caches.principals.get_or_load(till_id, lambda: principal_of_till(session, till_id))


def _credential_key(till_code: str, password_md5: str) -> tuple[str, str]:
    return (till_code, hashlib.sha256(password_md5.lower().encode()).hexdigest())


def cached_principal(
    caches: AuthCaches, *, token: str | None, basic: tuple[str, str] | None
) -> Principal | None:
    """Return the caller from the caches alone (no database), or None when something is not cached."""
    if token is not None:
        cached = caches.tokens.get(token_digest(token))
        if cached is None or cached[1] <= clock.now().timestamp():
            return None
        return caches.principals.get(cached[0])
    if basic is not None:
        till_id = caches.credentials.get(_credential_key(*basic))
        return caches.principals.get(till_id) if till_id is not None else None
    return None


def authenticate_basic(
    session: Session, caches: AuthCaches, till_code: str, password_md5: str
) -> Principal:
    """Check a till code and the MD5 hex of its password."""
    key = _credential_key(till_code, password_md5)
    till_id = caches.credentials.get(key)
    if till_id is None:
        with caches.checks.hold(key):
            till_id = caches.credentials.get(key)
            if till_id is None:
                till_id = _check_till(session, till_code, password_md5)
                caches.credentials.put(key, till_id)
    principal = load_principal(session, caches, till_id)
    if principal is None:
        raise Unauthorized(401, INVALID_CREDENTIALS)
    return principal


def _check_till(session: Session, till_code: str, password_md5: str) -> int:
    till = orgs_repo.find_till_by_code(session, till_code)
    if till is None or not till.is_active:
        raise Unauthorized(401, INVALID_CREDENTIALS)
    if not verify_secret(password_md5.lower(), till.password_hash):
        raise Unauthorized(401, INVALID_CREDENTIALS)
    return till.id


def issue_token(session: Session, key: str, secret: str, ttl_seconds: int) -> IssuedToken:
    """Exchange an API client's key and secret for an access token."""
    client = orgs_repo.find_client_by_key(session, key)
    if client is None or not client.is_active or not verify_secret(secret, client.secret_hash):
        raise Unauthorized(401, "Invalid client key or secret")
    now = clock.now()
    session.execute(delete(OAuthToken).where(OAuthToken.expires_at < now))
    token = new_token()
    session.add(
        OAuthToken(
            token_digest=token_digest(token),
            org_id=client.org_id,
            client_id=client.id,
            till_id=client.till_id,
            expires_at=now + dt.timedelta(seconds=ttl_seconds),
        )
    )
    session.flush()
    return IssuedToken(access_token=token, ttl_seconds=ttl_seconds)


def authenticate_token(session: Session, caches: AuthCaches, token: str) -> Principal:
    """Check an OAuth access token."""
    digest = token_digest(token)
    now = clock.now().timestamp()
    cached = caches.tokens.get(digest)
    if cached is None:
        row = session.get(OAuthToken, digest)
        if row is None:
            raise Unauthorized(401, INVALID_TOKEN)
        cached = (row.till_id, row.expires_at.timestamp())
        caches.tokens.put(digest, cached)
    till_id, expires = cached
    if expires <= now:
        raise Unauthorized(401, INVALID_TOKEN)
    principal = load_principal(session, caches, till_id)
    if principal is None:
        raise Unauthorized(401, INVALID_TOKEN)
    return principal
