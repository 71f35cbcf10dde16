"""Rules of the orgs domain: applying org files and reading org configuration."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patron.kit import clock
from patron.kit.secrets import hash_secret, md5_hex
from patron.orgs import repository
from patron.orgs.cards import CardLabel, CardSeriesDef, CardStatus
from patron.orgs.catalog import MULTI_ACCOUNT_SOURCES, CustomerStatus, Source
from patron.orgs.config import ExtendedField, OrgConfig, StatusLabelDef, StoreInfo
from patron.orgs.coupons import CouponSeriesDef
from patron.orgs.hierarchies import HierarchyDef
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
from patron.orgs.partners import PartnerProgramDef, PartnerProgramSettings
from patron.orgs.programs import Program
from patron.orgs.referrals import ReferralCampaignDef
from patron.orgs.schemas import CustomFieldSpec, OrgFile


class OrgFileError(ValueError):
    """An org file that cannot be applied as written."""


def load_org_config(session: Session, org_id: int) -> OrgConfig | None:
    """Read the configuration snapshot of ``org_id``."""
    org = repository.get_org(session, org_id)
    if org is None:
        return None
    accounts: dict[Source, set[str]] = {}
    required: dict[Source, tuple[str, ...]] = {}
    for row in repository.list_sources(session, org_id):
        accounts.setdefault(Source(row.source), set()).add(row.account_id)
        if row.required_identifiers:
            required[Source(row.source)] = tuple(row.required_identifiers)
    fields = {
        f.name.lower(): ExtendedField(
            id=f.id,
            name=f.name,
            label=f.label,
            data_type=f.data_type,
            allowed_values=tuple(f.allowed_values) if f.allowed_values else None,
            parent_id=f.parent_id,
            entity=f.entity,
        )
        for f in repository.list_extended_fields(session, org_id)
    }
    labels = tuple(
        StatusLabelDef(label=s.label, status=CustomerStatus(s.status), is_default=s.is_default)
        for s in repository.list_status_labels(session, org_id)
    )
    return OrgConfig(
        id=org.id,
        name=org.name,
        primary_identifier=org.primary_identifier,
        default_region=org.default_region,
        timezone=org.timezone,
        allow_private_webhooks=org.allow_private_webhooks,
        accounts={k: frozenset(v) for k, v in accounts.items()},
        extended_fields=fields,
        custom_fields={
            c.name.lower(): c.name for c in repository.list_custom_fields(session, org_id)
        },
        status_labels=labels,
        required_overrides=required,
        programs=tuple(Program.model_validate(p) for p in org.loyalty_programs or []),
        hierarchies=tuple(HierarchyDef.model_validate(h) for h in org.hierarchies or []),
        partner_programs=tuple(
            PartnerProgramDef.model_validate(p) for p in org.partner_programs or []
        ),
        partner_program_settings=PartnerProgramSettings.model_validate(
            org.partner_program_settings or {}
        ),
        card_series=tuple(CardSeriesDef.model_validate(s) for s in org.card_series or []),
        card_status_labels={
            CardStatus(status): tuple(CardLabel.model_validate(label) for label in labels)
            for status, labels in (org.card_status_labels or {}).items()
        },
        coupon_series=tuple(CouponSeriesDef.model_validate(s) for s in org.coupon_series or []),
        referral_campaigns=tuple(
            ReferralCampaignDef.model_validate(c) for c in org.referral_campaigns or []
        ),
    )


def store_info(store: Store) -> StoreInfo:
    """Snapshot a store for attribution and events."""
    return StoreInfo(
        id=store.id,
        code=store.code,
        name=store.name,
        external_id=store.external_id,
        external_id1=store.external_id1,
        external_id2=store.external_id2,
    )


def apply_org_file(session: Session, spec: OrgFile) -> Org:
    """Create or update the org described by ``spec``; the file is the whole truth."""
    now = clock.now()
    org = repository.get_org(session, spec.org_id)
    if org is None:
        org = Org(id=spec.org_id, created_at=now)
        session.add(org)
    org.name = spec.name
    org.primary_identifier = spec.primary_identifier
    org.default_region = spec.default_region.upper() if spec.default_region else None
    org.timezone = spec.timezone
    org.allow_private_webhooks = spec.allow_private_webhooks
    org.loyalty_programs = [p.model_dump(mode="json", by_alias=True) for p in spec.loyalty_programs]
    org.hierarchies = [h.model_dump(mode="json", by_alias=True) for h in spec.hierarchies]
    org.partner_programs = [p.model_dump(mode="json", by_alias=True) for p in spec.partner_programs]
    org.partner_program_settings = spec.partner_program_settings.model_dump(
        mode="json", by_alias=True
    )
    org.card_series = [s.model_dump(mode="json", by_alias=True) for s in spec.card_series]
    org.card_status_labels = {
        status.value: [label.model_dump(mode="json", by_alias=True) for label in labels]
        for status, labels in spec.card_status_labels.items()
    }
    org.coupon_series = [s.model_dump(mode="json", by_alias=True) for s in spec.coupon_series]
    org.referral_campaigns = [
        c.model_dump(mode="json", by_alias=True) for c in spec.referral_campaigns
    ]
    org.updated_at = now
    session.flush()
    _apply_sources(session, spec)
    tills = _apply_stores(session, spec)
    _apply_clients(session, spec, tills)
    _apply_fields(session, spec)
    _apply_status_labels(session, spec)
    session.flush()
    return org


def _apply_sources(session: Session, spec: OrgFile) -> None:
    wanted: dict[tuple[str, str], list[str] | None] = {}
    for source, source_spec in spec.sources.items():
        if source in MULTI_ACCOUNT_SOURCES:
            if not source_spec.accounts:
                raise OrgFileError(f"source {source} needs at least one account")
            accounts = source_spec.accounts
        else:
            if source_spec.accounts:
                raise OrgFileError(f"source {source} has no accounts")
            accounts = [""]
        for account in accounts:
            wanted[(source.value, account)] = source_spec.required_identifiers
    existing = {(r.source, r.account_id): r for r in repository.list_sources(session, spec.org_id)}
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
    for (source_name, account), required in sorted(wanted.items()):
        row = existing.get((source_name, account)) or OrgSource(
            org_id=spec.org_id, source=source_name, account_id=account
        )
        session.add(row)
        row.required_identifiers = list(required) if required else None


def _apply_stores(session: Session, spec: OrgFile) -> dict[str, Till]:
    stores = {s.code: s for s in repository.list_stores(session, spec.org_id)}
    tills = {t.code: t for t in repository.list_tills(session, spec.org_id)}
    for store_spec in spec.stores:
        store = stores.get(store_spec.code)
        if store is None:
            store = Store(org_id=spec.org_id, code=store_spec.code)
            session.add(store)
        store.name = store_spec.name
        store.external_id = store_spec.external_id
        store.external_id1 = store_spec.external_id1
        store.external_id2 = store_spec.external_id2
        session.flush()
        for till_spec in store_spec.tills:
            till = tills.get(till_spec.code)
            if till is None:
                other = repository.find_till_by_code(session, till_spec.code)
                if other is not None:
                    raise OrgFileError(f"till code {till_spec.code} belongs to another org")
                if not till_spec.password:
                    raise OrgFileError(f"new till {till_spec.code} needs a password")
                till = Till(org_id=spec.org_id, code=till_spec.code, password_hash="")
                session.add(till)
                tills[till.code] = till
            till.store_id = store.id
            till.name = till_spec.name or till_spec.code
            till.is_active = till_spec.active
            if till_spec.password:
                till.password_hash = hash_secret(md5_hex(till_spec.password))
    session.flush()
    return tills


def _apply_clients(session: Session, spec: OrgFile, tills: dict[str, Till]) -> None:
    clients = {c.key: c for c in repository.list_api_clients(session, spec.org_id)}
    for client_spec in spec.api_clients:
        till = tills.get(client_spec.till)
        if till is None:
            raise OrgFileError(
                f"API client {client_spec.key} names unknown till {client_spec.till}"
            )
        client = clients.get(client_spec.key)
        if client is None:
            if repository.find_client_by_key(session, client_spec.key) is not None:
                raise OrgFileError(f"API client key {client_spec.key} belongs to another org")
            if not client_spec.secret:
                raise OrgFileError(f"new API client {client_spec.key} needs a secret")
            client = ApiClient(org_id=spec.org_id, key=client_spec.key, secret_hash="")
            session.add(client)
        client.till_id = till.id
        client.is_active = client_spec.active
        if client_spec.secret:
            client.secret_hash = hash_secret(client_spec.secret)


def _apply_fields(session: Session, spec: OrgFile) -> None:
    existing = {
        (f.entity, f.name): f for f in repository.list_extended_fields(session, spec.org_id)
    }
    for field_spec in spec.extended_fields:
        row = existing.get((field_spec.entity, field_spec.name))
        if row is None:
            row = ExtendedFieldDef(
                org_id=spec.org_id, entity=field_spec.entity, name=field_spec.name
            )
            session.add(row)
        row.label = field_spec.label or field_spec.name
        row.data_type = field_spec.data_type.value
        row.allowed_values = field_spec.allowed_values
    wanted_ext = {(f.entity, f.name) for f in spec.extended_fields}
    for key, row in existing.items():
        if key not in wanted_ext:
            session.delete(row)
    customs = {c.name: c for c in repository.list_custom_fields(session, spec.org_id)}
    wanted_custom: set[str] = set()
    for item in spec.custom_fields:
        custom = item if isinstance(item, CustomFieldSpec) else CustomFieldSpec(name=item)
        wanted_custom.add(custom.name)
        row_c = customs.get(custom.name)
        if row_c is None:
            row_c = CustomFieldDef(org_id=spec.org_id, name=custom.name)
            session.add(row_c)
        row_c.label = custom.label or custom.name
    for name, row_c in customs.items():
        if name not in wanted_custom:
            session.delete(row_c)


def _apply_status_labels(session: Session, spec: OrgFile) -> None:
    existing = {s.label: s for s in repository.list_status_labels(session, spec.org_id)}
    default_taken = False
    flagged = any(label.default for label in spec.status_labels)
    for index, label_spec in enumerate(spec.status_labels):
        row = existing.pop(label_spec.label, None)
        if row is None:
            row = StatusLabel(org_id=spec.org_id, label=label_spec.label)
            session.add(row)
        row.status = label_spec.status.value
        is_default = (label_spec.default if flagged else index == 0) and not default_taken
        is_default = is_default and label_spec.status == CustomerStatus.ACTIVE
        row.is_default = is_default
        default_taken = default_taken or is_default
    for row in existing.values():
        session.delete(row)


def describe_org(session: Session, org_id: int) -> dict[str, Any] | None:
    """Describe an org for operators (never secrets)."""
    config = load_org_config(session, org_id)
    if config is None:
        return None
    stores = repository.list_stores(session, org_id)
    tills = repository.list_tills(session, org_id)
    store_codes = {s.id: s.code for s in stores}
    till_codes = {t.id: t.code for t in tills}
    return {
        "orgId": config.id,
        "name": config.name,
        "primaryIdentifier": config.primary_identifier,
        "defaultRegion": config.default_region,
        "timezone": config.timezone,
        "sources": {
            s.value: sorted(a for a in accounts if a)
            for s, accounts in sorted(config.accounts.items())
        },
        "requiredIdentifiers": {
            s.value: list(config.required_identifiers(s)) for s in sorted(config.accounts)
        },
        "stores": [{"code": s.code, "name": s.name, "externalId": s.external_id} for s in stores],
        "tills": [
            {
                "code": t.code,
                "name": t.name,
                "store": store_codes[t.store_id],
                "active": t.is_active,
            }
            for t in tills
        ],
        "apiClients": [
            {"key": c.key, "till": till_codes.get(c.till_id), "active": c.is_active}
            for c in repository.list_api_clients(session, org_id)
        ],
        "extendedFields": [
            {"name": f.name, "dataType": f.data_type, "allowedValues": list(f.allowed_values or [])}
            for f in config.extended_fields.values()
        ],
        "customFields": sorted(config.custom_fields.values()),
        "statusLabels": [
            {"label": s.label, "status": s.status.value, "default": s.is_default}
            for s in config.status_labels
        ],
        "loyaltyPrograms": [p.model_dump(mode="json", by_alias=True) for p in config.programs],
        "hierarchies": [h.model_dump(mode="json", by_alias=True) for h in config.hierarchies],
        "partnerPrograms": [
            p.model_dump(mode="json", by_alias=True) for p in config.partner_programs
        ],
        "partnerProgramSettings": config.partner_program_settings.model_dump(
            mode="json", by_alias=True
        ),
        "cardSeries": [s.model_dump(mode="json", by_alias=True) for s in config.card_series],
        "cardStatusLabels": {
            status.value: [label.model_dump(mode="json", by_alias=True) for label in labels]
            for status, labels in config.card_status_labels.items()
        },
        "couponSeries": [s.model_dump(mode="json", by_alias=True) for s in config.coupon_series],
        "referralCampaigns": [
            c.model_dump(mode="json", by_alias=True) for c in config.referral_campaigns
        ],
    }


def till_attributions(
    session: Session, org_id: int, till_ids: set[int]
) -> dict[int, dict[str, Any]]:
    """Render tills of the org as the documented attribution entities, by id."""
    if not till_ids:
        return {}
    return {
        till.id: {
            "id": till.id,
            "code": till.code,
            "description": "",
            "name": till.name,
            "type": "TILL",
        }
        for till in repository.tills_by_ids(session, org_id, till_ids)
    }


# The attribution entity fields the API document shows beyond those of a till's attribution.
ENTITY_DEFAULTS: dict[str, Any] = {
    "adminType": "GENERAL",
    "isActive": True,
    "isOuEnabled": False,
    "timeZoneId": 0,
    "currencyId": 0,
    "languageId": 0,
}


def full_entity(attribution: dict[str, Any]) -> dict[str, Any]:
    """Render a till attribution as the document's full entity shape (``addedBy`` of requests)."""
    if not attribution:
        return {}
    return {**attribution, **{k: attribution.get(k, v) for k, v in ENTITY_DEFAULTS.items()}}


def till_entities(session: Session, org_id: int, till_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Render tills of the org as full ``TILL`` entities, by id."""
    return {k: full_entity(v) for k, v in till_attributions(session, org_id, till_ids).items()}


def store_entities(session: Session, org_id: int, till_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Render the store of each till as the documented ``STORE`` entity, by till id."""
    out: dict[int, dict[str, Any]] = {}
    for till in repository.tills_by_ids(session, org_id, till_ids) if till_ids else []:
        store = repository.get_store(session, till.store_id)
        if store is None:
            continue
        out[till.id] = {
            "id": store.id,
            "code": store.code,
            "description": "",
            "name": store.name,
            "type": "STORE",
            **ENTITY_DEFAULTS,
        }
    return out
