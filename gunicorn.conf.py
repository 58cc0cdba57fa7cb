"""Gunicorn's settings for the portal; `gunicorn wsgi:app` in this folder reads them.

Threaded workers, because the chat's feed is a long poll: it waits up to
PORTAL_CHAT_WAIT_SECONDS for a message, and a sync worker would be held for all that time,
so a few open chats would stop the portal. A gthread worker serves PORTAL_THREADS requests
at once; the app lets at most PORTAL_CHAT_MAX_WAITING of them wait (half the threads unless
set, see app/config.py), so pages always find a thread. Every setting can be given in the
environment; the defaults suit a small host.
"""

import os
import sys


def _number(name: str, default: int) -> int:
    value = int(os.environ.get(name, default))
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, not {value}")
    return value


bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = _number("PORTAL_WORKERS", 4)
worker_class = "gthread"
threads = _number("PORTAL_THREADS", 8)
# A worker silent this long is restarted; a gthread worker keeps signalling while its threads
# wait, so a waiting feed is not taken for a stuck worker.
timeout = _number("PORTAL_WORKER_TIMEOUT", 30)
graceful_timeout = _number("PORTAL_GRACEFUL_TIMEOUT", 20)
keepalive = _number("PORTAL_KEEPALIVE", 5)

_waiting = os.environ.get("PORTAL_CHAT_MAX_WAITING")
if _waiting is not None and int(_waiting) >= threads:
    raise SystemExit(
        f"PORTAL_CHAT_MAX_WAITING ({_waiting}) must be below PORTAL_THREADS ({threads}): "
        "waiting chat feeds would leave no thread for the portal's pages"
    )


def _check_settings() -> None:
    # Validated once in the master: a bad variable stops the server with one line, rather
    # than every worker failing to boot with a traceback, over and over.
    # The app next to this file, whichever folder gunicorn was started from.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from app.config import ConfigError, load_settings

    try:
        load_settings()
    except ConfigError as exc:
        raise SystemExit(f"Configuration is invalid: {exc}") from None


_check_settings()


def on_starting(server):
    """Clear the metrics the workers of a previous run left in PROMETHEUS_MULTIPROC_DIR."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    """A dead worker's gauges leave the multiprocess metrics (prometheus_client)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
