"""A bounded schemathesis run over ``/openapi.json`` against a real server of each backend.

Every operation is called with generated valid and invalid input, authenticated as the demo
till, with a fixed seed. The run fails on any 5xx, on a status, content type, header or body
the OpenAPI document does not declare, and on schema-violating input that is accepted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from patron.kit.secrets import md5_hex
from patron.orgs.demo import DEMO_TILL_CODE, DEMO_TILL_PASSWORD
from tests.server.process import Server

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    )
)
SEED = 20261201
# Invalid input may be refused for its size (413, a body above the server's limit) as well as
# for its content: both are rejections.
CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
"""
EXAMPLES_PER_OPERATION = 15


def test_fuzzing_finds_no_server_error_and_no_schema_violation(
    server: Server, tmp_path: Path
) -> None:
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{server.base_url}/openapi.json",
        "--auth",
        f"{DEMO_TILL_CODE}:{md5_hex(DEMO_TILL_PASSWORD)}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        str(SEED),
        "--generation-with-security-parameters",
        "false",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--workers",
        "2",
        "--no-color",
    ]
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )
    report = run.stdout[-20_000:] + run.stderr[-5_000:]
    assert run.returncode == 0, report
    assert "No issues found" in report or " passed" in report, report
