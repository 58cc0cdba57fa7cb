"""Settings read from the environment."""

import math
import os
import re
from collections import Counter
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_BITS = 128


class ConfigError(RuntimeError):
    """The environment asks for something the application refuses to run with."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _default_database_url() -> str:
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'portal.sqlite3'}"


def _notify_settings() -> dict:
    """Where e-mail and SMS go; `make run` points SMTP at the development mail sink."""
    env = os.environ.get
    return {
        "SMTP_HOST": env("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(env("SMTP_PORT", "25")),
        "SMTP_SECURITY": env("SMTP_SECURITY", "none").strip().lower(),  # none|starttls|ssl
        "SMTP_USERNAME": env("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env("SMTP_PASSWORD") or None,
        # Seconds per network operation; a subscriber's page waits on it.
        "SMTP_TIMEOUT": float(env("SMTP_TIMEOUT", "5")),
        "SMTP_RETRIES": int(env("SMTP_RETRIES", "1")),
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "noreply@localhost"),
        "SMS_PROVIDER": env("SMS_PROVIDER", "outbox").strip().lower(),
        # SMS.ru (SMS_PROVIDER=smsru): one account, or SMSRU_<SLUG>_API_ID for an ISP's own.
        "SMS_TIMEOUT": float(env("SMS_TIMEOUT", "10")),
        "SMSRU_API_URL": env("SMSRU_API_URL", "https://sms.ru"),
        "SMSRU_API_ID": env("SMSRU_API_ID") or None,
        "SMSRU_TENANT_API_IDS": {
            k[6:-7]: v for k, v in os.environ.items() if re.fullmatch(r"SMSRU_\w+_API_ID", k) and v
        },
        "SMSRU_CALLBACK_TOKEN": env("SMSRU_CALLBACK_TOKEN") or None,
        # DKIM signing of outgoing mail: both set, or neither; the domain defaults to From's.
        "DKIM_SELECTOR": env("DKIM_SELECTOR") or None,
        "DKIM_PRIVATE_KEY_FILE": env("DKIM_PRIVATE_KEY_FILE") or None,
        "DKIM_DOMAIN": env("DKIM_DOMAIN") or None,
    }


def _cookie_settings(production: bool) -> dict:
    """Cookie names and flags; production's carry the __Host- prefix, which browsers only
    accept from HTTPS with Path=/ and no Domain, so no sibling host can plant them."""
    prefix = "__Host-" if production else ""
    return {
        "SESSION_COOKIE_NAME": f"{prefix}session",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", default=production),
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "REMEMBER_COOKIE_NAME": f"{prefix}remember_token",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_PATH": "/",
        "REMEMBER_COOKIE_DOMAIN": None,
        "PORTAL_LOCALE_COOKIE": f"{prefix}lang",
        # Browsers may reach the site over plain HTTP only once, then HTTPS for a year.
        "PORTAL_HSTS": "max-age=31536000; includeSubDomains" if production else "",
    }


def load_settings(overrides: dict | None = None) -> dict:
    """Collect the application settings from the environment, then apply overrides."""
    production = os.environ.get("PORTAL_ENV", "development") == "production"
    settings = {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET_KEY),
        # Keys being rotated out, newest first: cookies they signed stay valid (Flask tries
        # each), while everything new is signed with SECRET_KEY.
        "SECRET_KEY_FALLBACKS": [
            key.strip()
            for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",")
            if key.strip()
        ],
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or _default_database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PORTAL_TENANTS_DIR": os.environ.get("PORTAL_TENANTS_DIR", str(ROOT / "tenants")),
        # In development every tenant also answers on <slug>.localhost.
        "PORTAL_DEV_HOSTS": _bool("PORTAL_DEV_HOSTS", default=not production),
        # Links in e-mails are built from this (see tenancy.resolve.public_url), never from Host.
        "PORTAL_LINK_BASE": os.environ.get(
            "PORTAL_LINK_BASE", "" if production else "http://{slug}.localhost:5000"
        ),
        # Recovery answers take at least this long, so timing tells nothing about accounts.
        "PORTAL_RECOVERY_MIN_SECONDS": float(os.environ.get("PORTAL_RECOVERY_MIN_SECONDS", "0.3")),
        # How many proxies in front of us may set X-Forwarded-Host/-For/-Proto.
        "PORTAL_TRUSTED_PROXIES": int(os.environ.get("PORTAL_TRUSTED_PROXIES", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PORTAL_SESSION_IDLE": timedelta(minutes=int(os.environ.get("PORTAL_SESSION_IDLE", "30"))),
        "PORTAL_SESSION_ABSOLUTE": timedelta(
            hours=int(os.environ.get("PORTAL_SESSION_ABSOLUTE_HOURS", "12"))
        ),
        # The staff console's sessions are shorter than subscribers'.
        "PORTAL_STAFF_SESSION_IDLE": timedelta(
            minutes=int(os.environ.get("PORTAL_STAFF_SESSION_IDLE", "15"))
        ),
        "PORTAL_STAFF_SESSION_ABSOLUTE": timedelta(
            hours=int(os.environ.get("PORTAL_STAFF_SESSION_ABSOLUTE_HOURS", "8"))
        ),
        # Failed console logins and codes, per address in a tenant and per staff account.
        "PORTAL_STAFF_LIMIT_ADDRESS": os.environ.get(
            "PORTAL_STAFF_LIMIT_ADDRESS", "30 per 10 minutes"
        ),
        "PORTAL_STAFF_LIMIT_ACCOUNT": os.environ.get(
            "PORTAL_STAFF_LIMIT_ACCOUNT", "5 per 10 minutes"
        ),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed logins per account (any spelling of it), then 429 even for the right
        # password. Per address the limits are each tenant's (login.limits in its YAML).
        "PORTAL_LOGIN_LIMIT_ACCOUNT": os.environ.get(
            "PORTAL_LOGIN_LIMIT_ACCOUNT", "10 per 5 minutes"
        ),
        # Failed passkey logins from one address (an IPv6 /64) within one tenant, then 429.
        "PORTAL_PASSKEY_LIMIT_IP": os.environ.get("PORTAL_PASSKEY_LIMIT_IP", "20 per 5 minutes"),
        # argon2id cost; tests lower it, production keeps the library's RFC 9106 profile.
        "PORTAL_ARGON2_PROFILE": os.environ.get("PORTAL_ARGON2_PROFILE", "rfc9106_low_memory"),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": "ru",
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        # Subscribers' files (receipts, help attachments); unset: instance/uploads. Never a
        # folder the web server serves.
        "PORTAL_UPLOADS_DIR": os.environ.get("PORTAL_UPLOADS_DIR", ""),
        # The job queue: redis://… in production (workers on several machines), unset: a
        # SQLite file in instance/ (`make run`), `immediate`: each job runs in the caller.
        "PORTAL_QUEUE_URL": os.environ.get("PORTAL_QUEUE_URL", ""),
        # Active accounts per job of the daily run: a large tenant is charged by several
        # workers at once, one range each.
        "PORTAL_BILLING_RANGE": int(os.environ.get("PORTAL_BILLING_RANGE", "50000")),
        # Live chat: Redis pub/sub so several app processes share one chat; unset: in-process.
        "PORTAL_CHAT_REDIS_URL": os.environ.get("PORTAL_CHAT_REDIS_URL", ""),
        # How long one feed request waits for a new message before it answers «nothing yet».
        "PORTAL_CHAT_WAIT_SECONDS": float(os.environ.get("PORTAL_CHAT_WAIT_SECONDS", "10")),
        # How many feeds of one process may wait at once; the next answers at once and asks
        # the script to come back, so pages always find a thread. Half gunicorn's threads
        # (PORTAL_THREADS in gunicorn.conf.py) unless set.
        "PORTAL_CHAT_MAX_WAITING": int(
            os.environ.get(
                "PORTAL_CHAT_MAX_WAITING", max(1, int(os.environ.get("PORTAL_THREADS", "8")) // 2)
            )
        ),
        **_notify_settings(),
    }
    if overrides:
        settings.update(overrides)
    production = settings["PORTAL_ENV"] == "production"
    for name, value in _cookie_settings(production).items():
        if name not in (overrides or {}):
            settings[name] = value
    if production:
        check_production(settings)
    return settings


def check_production(settings: dict) -> None:
    """Refuse to run production with settings that are only safe on a developer's machine."""
    key = settings.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters in production"
        )
    if (bits := estimated_entropy_bits(key)) < MIN_SECRET_KEY_BITS:
        raise ConfigError(
            f"SECRET_KEY looks guessable (about {bits:.0f} bits, {MIN_SECRET_KEY_BITS} needed); "
            'set it from e.g. python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    for old in settings.get("SECRET_KEY_FALLBACKS") or ():
        if old == DEV_SECRET_KEY or len(old) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                "SECRET_KEY_FALLBACKS may only hold former production keys "
                f"(at least {MIN_SECRET_KEY_LENGTH} characters, not the development key)"
            )
    if settings.get("SESSION_COOKIE_NAME", "").startswith("__Host-") and not settings.get(
        "SESSION_COOKIE_SECURE"
    ):
        raise ConfigError("SESSION_COOKIE_SECURE must stay on in production (__Host- cookies)")
    if settings["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        raise ConfigError("RATELIMIT_STORAGE_URI must point at Redis in production")
    if settings.get("PORTAL_QUEUE_URL") == "immediate":
        raise ConfigError(
            "PORTAL_QUEUE_URL=immediate makes requests wait on SMTP: not in production"
        )
    if settings.get("SMS_PROVIDER") == "smsru" and not (
        settings.get("SMSRU_API_ID") or settings.get("SMSRU_TENANT_API_IDS")
    ):
        raise ConfigError("SMS_PROVIDER=smsru needs SMSRU_API_ID (or SMSRU_<SLUG>_API_ID)")


def estimated_entropy_bits(key: str) -> float:
    """A cautious estimate of a key's randomness: the lesser of its characters' Shannon
    entropy and the entropy left after repeats and runs are squeezed out, times length."""
    if not key:
        return 0.0
    counts = Counter(key)
    shannon = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    # A repeated or stepped pattern ("abcabc", "0123456789" * 4) is only as strong as
    # the part that does not follow from the character before it.
    steps = Counter((ord(b) - ord(a)) for a, b in pairwise(key))
    step_share = max(steps.values()) / (len(key) - 1) if len(key) > 1 else 1.0
    unpredictable = max(1.0, (1 - step_share) * len(key))
    return min(shannon * len(key), shannon * unpredictable + math.log2(len(counts)))
