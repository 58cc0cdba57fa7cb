"""The environment read through one model: a bad value stops start-up with one line that
names the variable, and production's own rules still hold."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(32),
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
}


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("SMTP_PORT", "abc", "SMTP_PORT: Input should be a valid integer"),
        ("PORTAL_SESSION_IDLE", "half an hour", "PORTAL_SESSION_IDLE: Input should be a valid"),
        ("SMTP_TIMEOUT", "soon", "SMTP_TIMEOUT: Input should be a valid number"),
        ("PORTAL_RECOVERY_MIN_SECONDS", "nan", "PORTAL_RECOVERY_MIN_SECONDS: Input should be"),
        ("SMTP_SECURITY", "foo", "SMTP_SECURITY: Input should be 'none', 'starttls' or 'ssl'"),
        ("PORTAL_LOG_FORMAT", "xml", "PORTAL_LOG_FORMAT: Input should be 'json' or 'text'"),
        ("SMTP_PORT", "70000", "SMTP_PORT: Input should be less than or equal to 65535"),
        ("PORTAL_DEV_HOSTS", "perhaps", "PORTAL_DEV_HOSTS: Input should be a valid boolean"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_problem(monkeypatch, name, value, problem):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(problem)
    assert message.endswith(f"got {value!r}") and "\n" not in message


def test_every_bad_value_is_named_at_once(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "abc")
    monkeypatch.setenv("SMTP_RETRIES", "-1")
    with pytest.raises(ConfigError, match=r"SMTP_PORT: .*; SMTP_RETRIES: "):
        load_settings()


def test_good_values_keep_their_types_and_keys(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "2525")
    monkeypatch.setenv("SMTP_SECURITY", " StartTLS ")
    monkeypatch.setenv("PORTAL_SESSION_IDLE", "45")
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", "old-one, older-one ,")
    monkeypatch.setenv("PORTAL_DEV_HOSTS", "0")
    monkeypatch.delenv("PORTAL_CHAT_MAX_WAITING", raising=False)
    monkeypatch.setenv("PORTAL_THREADS", "6")
    settings = load_settings()
    assert settings["SMTP_PORT"] == 2525 and settings["SMTP_SECURITY"] == "starttls"
    assert settings["PORTAL_SESSION_IDLE"] == timedelta(minutes=45)
    assert settings["SECRET_KEY_FALLBACKS"] == ["old-one", "older-one"]
    assert settings["PORTAL_DEV_HOSTS"] is False
    assert settings["PORTAL_CHAT_MAX_WAITING"] == 3
    assert settings["SMTP_USERNAME"] is None and settings["PORTAL_LOG_FORMAT"] == "text"


def test_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "2525")
    assert load_settings({"SMTP_PORT": 1025})["SMTP_PORT"] == 1025


def test_numbers_out_of_range_are_refused(monkeypatch):
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "-1")
    with pytest.raises(ConfigError, match="PORTAL_TRUSTED_PROXIES: Input should be greater"):
        load_settings()


def test_production_rules_still_hold(monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    settings = load_settings(PRODUCTION)
    assert settings["PORTAL_LOG_FORMAT"] == "json" and settings["SESSION_COOKIE_SECURE"]
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_settings({**PRODUCTION, "SECRET_KEY": "short"})
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI must point at Redis"):
        load_settings({**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"})
    monkeypatch.setenv("PORTAL_LOG_FORMAT", "TEXT")
    assert load_settings(PRODUCTION)["PORTAL_LOG_FORMAT"] == "text"


def test_start_up_prints_the_line_not_a_traceback(tmp_path):
    env = {**os.environ, "SMTP_PORT": "abc", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    done = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Configuration is invalid: SMTP_PORT: Input should be a valid integer, "
        "unable to parse string as an integer, got 'abc'"
    )
