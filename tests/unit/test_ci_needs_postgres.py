"""`make test` runs the suite on PostgreSQL too: in CI a server that does not answer fails
the run, on a developer's machine it is skipped with a note."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Port 1 refuses at once: pg-ready gives up without waiting for its connect timeout.
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/none"
SKIPPED = f"PostgreSQL does not answer at {NOWHERE}: PostgreSQL run skipped"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def run_target(ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "MAKEFLAGS", "MAKELEVEL"}}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        ["make", "--no-print-directory", "test-postgres-if-up", f"PG_URL={NOWHERE}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("ci", ["true", "1", "yes", "TRUE"])
def test_in_ci_postgres_not_answering_fails_the_run(ci):
    result = run_target(ci)
    assert result.returncode != 0
    assert "failing" in result.stderr
    assert SKIPPED not in result.stdout


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_outside_ci_postgres_not_answering_is_skipped_with_a_note(ci):
    result = run_target(ci)
    assert result.returncode == 0, result.stderr
    assert SKIPPED in result.stdout
