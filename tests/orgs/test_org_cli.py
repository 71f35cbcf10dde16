"""`patron org apply` and `patron org show` against the test database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from patron.cli import app
from patron.config import Settings
from tests.conftest import Api, OrgCredentials, org_spec

EXAMPLE = Path(__file__).parents[2] / "docs" / "org-example.yaml"


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PATRON_DATABASE_URL", settings.resolved_database_url)
    return CliRunner()


def test_apply_creates_an_org_whose_till_can_call_the_api(
    runner: CliRunner, tmp_path: Path, app_client: object
) -> None:
    spec = org_spec(4242)
    spec["stores"][0]["tills"][0]["password"] = "s3cret"
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(spec))
    result = runner.invoke(app, ["org", "apply", str(path)])
    assert result.exit_code == 0, result.output
    api = Api(app_client, OrgCredentials(4242, "till.4242", "s3cret", "key-4242", "secret"))  # type: ignore[arg-type]
    assert api.get("/v2/extendedFields").status_code == 200


def test_apply_is_idempotent_and_updates(runner: CliRunner, tmp_path: Path) -> None:
    spec = org_spec(4343)
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(spec))
    assert runner.invoke(app, ["org", "apply", str(path)]).exit_code == 0
    spec["name"] = "Renamed"
    spec["sources"] = {"INSTORE": {}, "WECHAT": {"accounts": ["WX-1", "WX-2"]}}
    path.write_text(yaml.safe_dump(spec))
    assert runner.invoke(app, ["org", "apply", str(path)]).exit_code == 0
    shown = json.loads(runner.invoke(app, ["org", "show", "4343"]).output)
    assert shown["name"] == "Renamed"
    assert shown["sources"] == {"INSTORE": [], "WECHAT": ["WX-1", "WX-2"]}
    assert "password" not in json.dumps(shown)
    assert "secret" not in json.dumps(shown)


def test_documented_example_applies(runner: CliRunner) -> None:
    result = runner.invoke(app, ["org", "apply", str(EXAMPLE)])
    assert result.exit_code == 0, result.output


def test_invalid_org_file_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"orgId": 5, "name": "x", "primaryIdentifier": "fax"}))
    result = runner.invoke(app, ["org", "apply", str(path)])
    assert result.exit_code == 2
    multi = org_spec(4444, sources={"WECHAT": {}})
    path.write_text(yaml.safe_dump(multi))
    result = runner.invoke(app, ["org", "apply", str(path)])
    assert result.exit_code == 2
    assert "needs at least one account" in result.output


def test_show_unknown_org_fails(runner: CliRunner) -> None:
    assert runner.invoke(app, ["org", "show", "999999"]).exit_code == 1
