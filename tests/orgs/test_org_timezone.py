"""The org file's `timezone` must be an IANA time zone name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from patron.cli import app
from patron.config import Settings
from patron.orgs.schemas import OrgFile
from tests.conftest import org_spec


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PATRON_DATABASE_URL", settings.resolved_database_url)
    return CliRunner()


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "IST", "asia/kolkata", "", "localtime"])
def test_an_unknown_time_zone_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="IANA time zone"):
        OrgFile.model_validate(org_spec(4600, timezone=name))


def test_applying_an_org_file_with_an_unknown_time_zone_fails(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(org_spec(4601, timezone="Asia/Bangalore")))
    result = runner.invoke(app, ["org", "apply", str(path)])
    assert result.exit_code == 2
    assert "IANA time zone" in result.output
    assert runner.invoke(app, ["org", "show", "4601"]).exit_code == 1
