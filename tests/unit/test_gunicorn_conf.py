"""gunicorn.conf.py, the production server's settings: threaded workers sized from the
environment, with room for pages beside the chat's waiting feeds."""

import importlib.util
from pathlib import Path

import pytest

from app.config import load_settings

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
SETTINGS = ("PORTAL_WORKERS", "PORTAL_THREADS", "PORTAL_BIND", "PORTAL_CHAT_MAX_WAITING")


def _load():
    """gunicorn.conf.py imported as a module, as gunicorn reads it."""
    spec = importlib.util.spec_from_file_location("portal_gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


def test_the_workers_are_threaded():
    conf = _load()
    assert conf.worker_class == "gthread"
    assert conf.workers == 4 and conf.threads == 8
    assert conf.bind == "127.0.0.1:8000"
    # The chat's feeds may hold half the threads; the rest are the pages'.
    waiting = load_settings()["PORTAL_CHAT_MAX_WAITING"]
    assert 0 < waiting < conf.threads


def test_the_environment_sizes_them(monkeypatch):
    monkeypatch.setenv("PORTAL_WORKERS", "2")
    monkeypatch.setenv("PORTAL_THREADS", "16")
    monkeypatch.setenv("PORTAL_BIND", "0.0.0.0:9000")
    conf = _load()
    assert (conf.workers, conf.threads, conf.bind) == (2, 16, "0.0.0.0:9000")
    assert load_settings()["PORTAL_CHAT_MAX_WAITING"] == 8


def test_waiting_feeds_may_not_take_every_thread(monkeypatch):
    monkeypatch.setenv("PORTAL_THREADS", "4")
    monkeypatch.setenv("PORTAL_CHAT_MAX_WAITING", "4")
    with pytest.raises(SystemExit, match="PORTAL_CHAT_MAX_WAITING"):
        _load()
    monkeypatch.setenv("PORTAL_CHAT_MAX_WAITING", "3")
    assert _load().threads == 4
    monkeypatch.setenv("PORTAL_THREADS", "0")
    with pytest.raises(SystemExit, match="PORTAL_THREADS"):
        _load()


def test_a_bad_setting_stops_the_server_with_one_line(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "abc")
    with pytest.raises(SystemExit, match=r"^Configuration is invalid: SMTP_PORT: .*'abc'$"):
        _load()


def test_the_workers_metrics_files_are_kept_tidy(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    conf = _load()
    for name in ("counter_41.db", "gauge_livesum_41.db", "gauge_livesum_42.db"):
        (tmp_path / name).write_bytes(b"")
    conf.child_exit(None, type("Worker", (), {"pid": 41})())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_41.db", "gauge_livesum_42.db"]
    conf.on_starting(None)
    assert list(tmp_path.iterdir()) == []
