"""The systemd units and the environment file in deploy/ name what the portal really has."""

import configparser
import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT

UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
ENV_FILE = ROOT / "deploy" / "systemd" / "portal.env.example"
# Read by libraries, not by the portal's own code.
LIBRARY_VARIABLES = {"PROMETHEUS_MULTIPROC_DIR"}


def _service(unit: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read_string(unit.read_text())
    return parser["Service"]


def test_there_are_units_for_web_worker_and_scheduler():
    assert {unit.name for unit in UNITS} == {
        "portal-web.service",
        "portal-worker@.service",
        "portal-scheduler.service",
    }


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_starts_a_command_the_portal_has(unit, app):
    service = _service(unit)
    command = shlex.split(service["ExecStart"])
    program = Path(command[0]).name
    assert service["WorkingDirectory"] == "/opt/portal"
    assert command[0].startswith("/opt/portal/.venv/bin/")
    assert service["EnvironmentFile"] == "/etc/portal/portal.env"
    if program == "gunicorn":
        # gunicorn reads gunicorn.conf.py from the working directory and imports wsgi:app.
        assert command[1:] == ["wsgi:app"]
        assert (ROOT / "gunicorn.conf.py").exists() and (ROOT / "wsgi.py").exists()
        return
    assert program == "flask" and command[1:3] == ["--app", "wsgi"]
    # --help after the real arguments: click refuses an unknown command or option first.
    result = app.test_cli_runner().invoke(args=[*command[3:], "--help"])
    assert result.exit_code == 0, result.output


def test_every_variable_of_the_environment_file_is_one_the_portal_reads():
    names = re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_FILE.read_text(), flags=re.MULTILINE)
    assert "SECRET_KEY" in names and "DATABASE_URL" in names
    sources = "".join(path.read_text() for path in (ROOT / "app").rglob("*.py"))
    sources += (ROOT / "gunicorn.conf.py").read_text()
    unread = [name for name in names if name not in LIBRARY_VARIABLES and name not in sources]
    assert unread == []
