"""Mandatory identifiers of a loyalty registration, per source (org file `requiredIdentifiers`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from patron.cli import app
from patron.config import Settings
from patron.db import Database
from tests.api.helpers import codes, register
from tests.conftest import Api, make_org, org_spec
from tests.factories import profile, registration, unique_mobile

_org_ids = iter(range(7100, 7200))


def wechat(*identifiers: dict[str, str]) -> dict[str, Any]:
    return profile(source="WECHAT", account_id="WECHAT-CM", identifiers=list(identifiers))


def only(id_type: str, value: str, source: str = "INSTORE") -> dict[str, Any]:
    return profile(source=source, identifiers=[{"type": id_type, "value": value}])


def sources_with(source: str, required: list[str]) -> dict[str, Any]:
    """The demo org's sources, with ``requiredIdentifiers`` set on one of them."""
    sources = {k: dict(v) for k, v in org_spec(0)["sources"].items()}
    sources[source]["requiredIdentifiers"] = required
    return sources


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PATRON_DATABASE_URL", settings.resolved_database_url)
    return CliRunner()


def test_wechat_profile_with_only_a_wechat_id_registers(api: Api) -> None:
    response = api.post(
        "/v2/customers", json=registration(wechat({"type": "wechat", "value": "wx-1"}))
    )
    assert response.status_code == 200, response.text


def test_wechat_profile_with_only_a_union_id_registers(api: Api) -> None:
    body = registration(wechat({"type": "unionId", "value": "union-1"}))
    customer_id = register(api, body)
    found = api.get(
        "/v2/customers/lookup",
        params={"source": "ALL", "identifierName": "unionId", "identifierValue": "union-1"},
    )
    assert found.json()["entity"] == customer_id


def test_wechat_profile_with_only_the_primary_identifier_registers(api: Api) -> None:
    response = api.post(
        "/v2/customers", json=registration(wechat({"type": "mobile", "value": unique_mobile()}))
    )
    assert response.status_code == 200, response.text


def test_wechat_profile_without_wechat_union_id_or_primary_is_1007(api: Api) -> None:
    response = api.post(
        "/v2/customers", json=registration(wechat({"type": "email", "value": "w@example.com"}))
    )
    assert response.status_code == 400
    assert codes(response) == [1007]
    assert "wechat or unionId or mobile" in response.json()["errors"][0]["message"]


def test_instore_profile_without_mobile_is_1007(api: Api) -> None:
    response = api.post("/v2/customers", json=registration(only("wechat", "wx-2")))
    assert response.status_code == 400
    assert codes(response) == [1007]
    assert "INSTORE profile needs mobile" in response.json()["errors"][0]["message"]


def test_each_loyalty_profile_needs_its_own_sources_identifier(api: Api) -> None:
    body = registration(
        profile(unique_mobile()),
        profile(
            source="FACEBOOK",
            account_id="FB-DEMO",
            identifiers=[{"type": "email", "value": "f@example.com"}],
        ),
    )
    response = api.post("/v2/customers", json=body)
    assert response.status_code == 400
    assert codes(response) == [1007]
    assert "FACEBOOK profile needs fbId or mobile" in response.json()["errors"][0]["message"]


def test_profiles_each_with_their_sources_identifier_register_together(api: Api) -> None:
    body = registration(profile(unique_mobile()), wechat({"type": "wechat", "value": "wx-3"}))
    customer_id = register(api, body)
    fetched = api.get(f"/v2/customers/{customer_id}?source=ALL").json()
    assert sorted(p["source"] for p in fetched["profiles"]) == ["INSTORE", "WECHAT"]


def test_non_loyalty_registration_keeps_needing_mobile_email_or_external_id(api: Api) -> None:
    body = registration(wechat({"type": "wechat", "value": "wx-4"}), loyalty_type="non_loyalty")
    response = api.post("/v2/customers", json=body)
    assert response.status_code == 400
    assert codes(response) == [1045]


def test_defaults_follow_the_primary_identifier(app_client: TestClient, db: Database) -> None:
    api = Api(app_client, make_org(db, primaryIdentifier="email"))
    assert codes(api.post("/v2/customers", json=registration(profile()))) == [1007]
    response = api.post("/v2/customers", json=registration(only("email", "e@example.com")))
    assert response.status_code == 200, response.text


def test_org_file_list_replaces_the_default(app_client: TestClient, db: Database) -> None:
    api = Api(app_client, make_org(db, sources=sources_with("INSTORE", ["email", "mobile"])))
    by_email = api.post("/v2/customers", json=registration(only("email", "i@example.com")))
    assert by_email.status_code == 200, by_email.text
    by_mobile = api.post("/v2/customers", json=registration(profile()))
    assert by_mobile.status_code == 200, by_mobile.text
    by_external_id = api.post("/v2/customers", json=registration(only("externalId", "EXT-1")))
    assert codes(by_external_id) == [1007]
    assert "INSTORE profile needs email or mobile" in by_external_id.json()["errors"][0]["message"]


def test_org_file_list_can_drop_the_primary_identifier(
    app_client: TestClient, db: Database
) -> None:
    api = Api(app_client, make_org(db, sources=sources_with("WECHAT", ["unionId"])))
    body = registration(wechat({"type": "mobile", "value": unique_mobile()}))
    assert codes(api.post("/v2/customers", json=body)) == [1007]


def test_org_show_lists_the_required_identifiers(runner: CliRunner, tmp_path: Path) -> None:
    org_id = next(_org_ids)
    spec = org_spec(
        org_id,
        primaryIdentifier="email",
        sources={
            "INSTORE": {"requiredIdentifiers": ["externalId", "EMAIL"]},
            "WECHAT": {"accounts": ["WX-1", "WX-2"]},
            "JD": {},
        },
    )
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(spec))
    assert runner.invoke(app, ["org", "apply", str(path)]).exit_code == 0
    shown = json.loads(runner.invoke(app, ["org", "show", str(org_id)]).output)
    assert shown["requiredIdentifiers"] == {
        "INSTORE": ["externalId", "email"],
        "JD": ["jd_uname", "email"],
        "WECHAT": ["wechat", "unionId", "email"],
    }


def test_reapplying_without_the_list_restores_the_default(
    runner: CliRunner, tmp_path: Path
) -> None:
    org_id = next(_org_ids)
    spec = org_spec(
        org_id, sources={"WECHAT": {"accounts": ["WX-1"], "requiredIdentifiers": ["unionId"]}}
    )
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(spec))
    assert runner.invoke(app, ["org", "apply", str(path)]).exit_code == 0
    spec["sources"] = {"WECHAT": {"accounts": ["WX-1", "WX-2"]}}
    path.write_text(yaml.safe_dump(spec))
    assert runner.invoke(app, ["org", "apply", str(path)]).exit_code == 0
    shown = json.loads(runner.invoke(app, ["org", "show", str(org_id)]).output)
    assert shown["requiredIdentifiers"] == {"WECHAT": ["wechat", "unionId", "mobile"]}


@pytest.mark.parametrize(
    ("required", "message"),
    [(["wechat", "passport"], "unknown identifier type 'passport'"), ([], "at least one")],
)
def test_org_file_with_a_bad_required_identifiers_list_is_refused(
    runner: CliRunner, tmp_path: Path, required: list[str], message: str
) -> None:
    org_id = next(_org_ids)
    spec = org_spec(org_id, sources={"INSTORE": {"requiredIdentifiers": required}})
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(spec))
    result = runner.invoke(app, ["org", "apply", str(path)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert runner.invoke(app, ["org", "show", str(org_id)]).exit_code == 1


def test_a_wechat_only_customer_can_change_its_identifiers(api: Api) -> None:
    customer_id = register(api, registration(wechat({"type": "wechat", "value": "wx-change"})))
    where = {"source": "WECHAT", "accountId": "WECHAT-CM"}
    added = api.post(
        f"/v2/customers/{customer_id}/changeIdentifier",
        params=where,
        json={"add": [{"type": "email", "value": "wx-change@example.com"}]},
    )
    assert added.status_code == 200, added.text
    swapped = api.post(
        f"/v2/customers/{customer_id}/changeIdentifier",
        params=where,
        json={
            "add": [{"type": "unionId", "value": "union-change"}],
            "remove": [{"type": "wechat", "value": "wx-change"}],
        },
    )
    assert swapped.status_code == 200, swapped.text


def test_removing_a_profiles_last_required_identifier_is_91005(api: Api) -> None:
    customer_id = register(api, registration(wechat({"type": "wechat", "value": "wx-last"})))
    removed = api.post(
        f"/v2/customers/{customer_id}/changeIdentifier",
        params={"source": "WECHAT", "accountId": "WECHAT-CM"},
        json={"remove": [{"type": "wechat", "value": "wx-last"}]},
    )
    assert codes(removed) == [91005]
