"""Queries of the orgs domain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from patron.orgs.models import (
    ApiClient,
    CustomFieldDef,
    ExtendedFieldDef,
    Org,
    OrgSource,
    StatusLabel,
    Store,
    Till,
)


def get_org(session: Session, org_id: int) -> Org | None:
    """Return the org with ``org_id``."""
    return session.get(Org, org_id)


def list_sources(session: Session, org_id: int) -> list[OrgSource]:
    """Return the org's enabled source accounts."""
    return list(session.scalars(select(OrgSource).where(OrgSource.org_id == org_id)))


def list_extended_fields(session: Session, org_id: int) -> list[ExtendedFieldDef]:
    """Return the org's extended field catalogue, in id order."""
    query = (
        select(ExtendedFieldDef)
        .where(ExtendedFieldDef.org_id == org_id)
        .order_by(ExtendedFieldDef.id)
    )
    return list(session.scalars(query))


def list_custom_fields(session: Session, org_id: int) -> list[CustomFieldDef]:
    """Return the org's custom fields, in id order."""
    query = select(CustomFieldDef).where(CustomFieldDef.org_id == org_id)
    return list(session.scalars(query.order_by(CustomFieldDef.id)))


def list_status_labels(session: Session, org_id: int) -> list[StatusLabel]:
    """Return the org's status labels, in id order."""
    query = select(StatusLabel).where(StatusLabel.org_id == org_id).order_by(StatusLabel.id)
    return list(session.scalars(query))


def list_stores(session: Session, org_id: int) -> list[Store]:
    """Return the org's stores."""
    return list(session.scalars(select(Store).where(Store.org_id == org_id).order_by(Store.id)))


def list_tills(session: Session, org_id: int) -> list[Till]:
    """Return the org's tills."""
    return list(session.scalars(select(Till).where(Till.org_id == org_id).order_by(Till.id)))


def list_api_clients(session: Session, org_id: int) -> list[ApiClient]:
    """Return the org's API clients."""
    query = select(ApiClient).where(ApiClient.org_id == org_id).order_by(ApiClient.id)
    return list(session.scalars(query))


def find_till_by_code(session: Session, code: str) -> Till | None:
    """Return the till with ``code`` (till codes are unique across orgs)."""
    return session.scalar(select(Till).where(Till.code == code))


def find_client_by_key(session: Session, key: str) -> ApiClient | None:
    """Return the API client with ``key``."""
    return session.scalar(select(ApiClient).where(ApiClient.key == key))


def get_till(session: Session, till_id: int) -> Till | None:
    """Return the till with ``till_id``."""
    return session.get(Till, till_id)


def get_store(session: Session, store_id: int) -> Store | None:
    """Return the store with ``store_id``."""
    return session.get(Store, store_id)


def has_any_org(session: Session) -> bool:
    """Tell whether any org exists."""
    return session.scalar(select(Org.id).limit(1)) is not None


def tills_by_ids(session: Session, org_id: int, till_ids: set[int]) -> list[Till]:
    """Return the org's tills among ``till_ids``."""
    query = select(Till).where(Till.org_id == org_id, Till.id.in_(sorted(till_ids)))
    return list(session.scalars(query))
