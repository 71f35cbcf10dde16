"""Rules of authentication: verify till credentials, issue and check OAuth tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete
from sqlalchemy.orm import Session

from patron.auth.cache import KeyedLocks, TTLCache
from patron.auth.limiter import LoginLimiter
from patron.auth.models import OAuthToken
from patron.auth.principal import Principal
from patron.errors import Invalid, Unauthorized
from patron.kit import clock
from patron.kit.secrets import new_token, token_digest, verify_secret
from patron.orgs import repository as orgs_repo
from patron.orgs.service import load_org_config, store_info

INVALID_CREDENTIALS = "Invalid credentials: authentication failed"
INVALID_TOKEN = "Invalid or expired OAuth token"  # noqa: S105 - an error message
INVALID_CLIENT = "Invalid client key or secret"
INVALID_ATTRIBUTION = 91021
INVALID_ATTRIBUTION_TYPE = "Invalid attribution entity type: expected TILL or STORE_CODE"
# Codes and keys longer than their columns, or with control characters, name nothing: they
# are refused before any query (PostgreSQL would refuse a NUL with an error). So is a password
# with control characters: scrypt's HMAC pads keys with NULs, so "pw\0" would check as "pw".
_CODE_LENGTH, _KEY_LENGTH, _PASSWORD_LENGTH = 100, 200, 256
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class AttributionType(StrEnum):
    """What ``X-CAP-API-ATTRIBUTION-ENTITY-TYPE`` may name."""

    TILL = "TILL"
    STORE_CODE = "STORE_CODE"


@dataclass
class AuthCaches:
    """Process-local caches; entries expire so revocations take effect within seconds."""

    credentials: TTLCache[int]
    principals: TTLCache[Principal]
    tokens: TTLCache[tuple[int, float]]
    # (org id, attribution type, code) -> the id of the till a call is attributed to.
    attributions: TTLCache[int]
    # Concurrent misses of one credential wait for a single scrypt check instead of each running one.
    checks: KeyedLocks

    @classmethod
    def create(cls, credential_seconds: float, org_seconds: float) -> AuthCaches:
        """Build the caches with the configured lifetimes."""
        return cls(
            credentials=TTLCache(credential_seconds),
            principals=TTLCache(org_seconds),
            tokens=TTLCache(credential_seconds),
            attributions=TTLCache(org_seconds),
            checks=KeyedLocks(),
        )

    def clear(self) -> None:
        """Forget every cached credential and principal."""
        self.credentials.clear()
        self.principals.clear()
        self.tokens.clear()
        self.attributions.clear()


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


def _is_implausible(value: str, length: int) -> bool:
    return len(value) > length or _CONTROL.search(value) is not None


def authenticate_basic(
    session: Session,
    caches: AuthCaches,
    limiter: LoginLimiter,
    till_code: str,
    password_md5: str,
    address: str,
) -> Principal:
    """Check a till code and the MD5 hex of its password (the caller connects from ``address``)."""
    if _is_implausible(till_code, _CODE_LENGTH) or _is_implausible(password_md5, _PASSWORD_LENGTH):
        raise Unauthorized(401, INVALID_CREDENTIALS)
    key = _credential_key(till_code, password_md5)
    till_id = caches.credentials.get(key)
    if till_id is None:
        limiter.check(address=address, till=till_code)
        with caches.checks.hold(key):
            till_id = caches.credentials.get(key)
            if till_id is None:
                # Checked again: failures of this credential may have been counted meanwhile.
                limiter.check(address=address, till=till_code)
                till_id = _check_till(session, till_code, password_md5)
                if till_id is None:
                    limiter.record_failure(address=address, till=till_code)
                    raise Unauthorized(401, INVALID_CREDENTIALS)
                caches.credentials.put(key, till_id)
    principal = load_principal(session, caches, till_id)
    if principal is None:
        raise Unauthorized(401, INVALID_CREDENTIALS)
    return principal


def _check_till(session: Session, till_code: str, password_md5: str) -> int | None:
    till = orgs_repo.find_till_by_code(session, till_code)
    # One scrypt check whether or not the till exists, so till codes cannot be told by timing.
    matches = verify_secret(password_md5.lower(), till.password_hash if till else None)
    return till.id if till is not None and till.is_active and matches else None


def issue_token(
    session: Session, limiter: LoginLimiter, key: str, secret: str, ttl_seconds: int, address: str
) -> IssuedToken:
    """Exchange an API client's key and secret for an access token."""
    if _is_implausible(key, _KEY_LENGTH):
        raise Unauthorized(401, INVALID_CLIENT)
    limiter.check(address=address, client=key)
    client = orgs_repo.find_client_by_key(session, key)
    matches = verify_secret(secret, client.secret_hash if client else None)
    if client is None or not client.is_active or not matches:
        limiter.record_failure(address=address, client=key)
        raise Unauthorized(401, INVALID_CLIENT)
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


def authenticate_token(
    session: Session, caches: AuthCaches, limiter: LoginLimiter, token: str, address: str
) -> Principal:
    """Check an OAuth access token (the caller connects from ``address``)."""
    digest = token_digest(token)
    now = clock.now().timestamp()
    cached = caches.tokens.get(digest)
    if cached is None:
        limiter.check(address=address)
        row = session.get(OAuthToken, digest)
        if row is None:
            limiter.record_failure(address=address)
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


def attribution_type(header: str | None) -> AttributionType:
    """Read ``X-CAP-API-ATTRIBUTION-ENTITY-TYPE`` (TILL when absent)."""
    try:
        return AttributionType((header or AttributionType.TILL).strip().upper())
    except ValueError:
        raise Invalid(400, INVALID_ATTRIBUTION_TYPE) from None


def cached_attribution(
    caches: AuthCaches, principal: Principal, entity_type: AttributionType, code: str
) -> Principal | None:
    """Return the attributed principal from the caches alone, or None when it is not cached."""
    till_id = caches.attributions.get((principal.org_id, entity_type, code))
    return caches.principals.get(till_id) if till_id is not None else None


def attribute(
    session: Session,
    caches: AuthCaches,
    principal: Principal,
    entity_type: AttributionType,
    code: str,
) -> Principal:
    """Return the principal a call of ``principal`` is attributed to: a till of the same org.

    A till code names that till; a store code names the store's first active till (in id
    order), so writes stay attributed to a till and events show that till and its store.
    """
    till_id = caches.attributions.get_or_load(
        (principal.org_id, entity_type, code),
        lambda: _attributed_till(session, principal.org_id, entity_type, code),
    )
    acting = load_principal(session, caches, till_id) if till_id is not None else None
    if acting is None or acting.org_id != principal.org_id:
        raise Invalid(INVALID_ATTRIBUTION, f"Invalid attribution {entity_type} passed.")
    return acting


def _attributed_till(
    session: Session, org_id: int, entity_type: AttributionType, code: str
) -> int | None:
    if _is_implausible(code, _CODE_LENGTH):
        return None
    if entity_type is AttributionType.TILL:
        till = orgs_repo.find_till_by_code(session, code)
        return till.id if till is not None and till.org_id == org_id and till.is_active else None
    store = next((s for s in orgs_repo.list_stores(session, org_id) if s.code == code), None)
    if store is None:
        return None
    tills = orgs_repo.list_tills(session, org_id)
    return next((t.id for t in tills if t.store_id == store.id and t.is_active), None)
