"""Gunicorn's settings for the portal; `gunicorn wsgi:app` in this folder reads them.

Threaded workers, because the chat's feed is a long poll: it waits up to
PORTAL_CHAT_WAIT_SECONDS for a message, and a sync worker would be held for all that time,
so a few open chats would stop the portal. A gthread worker serves PORTAL_THREADS requests
at once; the app lets at most PORTAL_CHAT_MAX_WAITING of them wait (half the threads unless
set, see app/config.py), so pages always find a thread. Every setting can be given in the
environment; the defaults suit a small host.
"""

import os


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
