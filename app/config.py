"""Settings read from the environment."""

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .key_strength import estimated_entropy_bits

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_BITS = 128


class ConfigError(RuntimeError):
    """The environment asks for something the application refuses to run with."""


Seconds = Annotated[float, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]


def _lowercase(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


class Environment(BaseSettings):
    """Every environment variable the portal reads, with its type and default: a bad value
    stops start-up naming the variable, before anything else is built."""

    model_config = SettingsConfigDict(case_sensitive=True, allow_inf_nan=False)

    PORTAL_ENV: str = "development"
    SECRET_KEY: str = DEV_SECRET_KEY
    # Keys being rotated out, newest first, comma-separated.
    SECRET_KEY_FALLBACKS: str = ""
    DATABASE_URL: str = ""
    PORTAL_TENANTS_DIR: str = str(ROOT / "tenants")
    # Unset: on in development, off in production.
    PORTAL_DEV_HOSTS: bool | None = None
    SESSION_COOKIE_SECURE: bool | None = None
    PORTAL_LINK_BASE: str | None = None
    PORTAL_RECOVERY_MIN_SECONDS: Seconds = 0.3
    PORTAL_TRUSTED_PROXIES: Annotated[int, Field(ge=0)] = 0
    PORTAL_SESSION_IDLE: Positive = 30  # minutes
    PORTAL_SESSION_ABSOLUTE_HOURS: Positive = 12
    PORTAL_STAFF_SESSION_IDLE: Positive = 15  # minutes
    PORTAL_STAFF_SESSION_ABSOLUTE_HOURS: Positive = 8
    PORTAL_STAFF_LIMIT_ADDRESS: str = "30 per 10 minutes"
    PORTAL_STAFF_LIMIT_ACCOUNT: str = "5 per 10 minutes"
    RATELIMIT_STORAGE_URI: str = "memory://"
    PORTAL_LOGIN_LIMIT_ACCOUNT: str = "10 per 5 minutes"
    PORTAL_PASSKEY_LIMIT_IP: str = "20 per 5 minutes"
    PORTAL_ARGON2_PROFILE: str = "rfc9106_low_memory"
    PORTAL_UPLOADS_DIR: str = ""
    PORTAL_QUEUE_URL: str = ""
    PORTAL_BILLING_RANGE: Positive = 50000
    PORTAL_CHAT_REDIS_URL: str = ""
    PORTAL_CHAT_WAIT_SECONDS: Seconds = 10
    PORTAL_THREADS: Positive = 8
    PORTAL_CHAT_MAX_WAITING: Positive | None = None
    # Unset: JSON lines in production, text in development.
    PORTAL_LOG_FORMAT: Annotated[Literal["json", "text"] | None, BeforeValidator(_lowercase)] = None
    # Bearer token for /metrics; unset: /metrics is not served.
    PORTAL_METRICS_TOKEN: str = ""
    SMTP_HOST: str = "127.0.0.1"
    SMTP_PORT: Annotated[int, Field(ge=1, le=65535)] = 25
    SMTP_SECURITY: Annotated[Literal["none", "starttls", "ssl"], BeforeValidator(_lowercase)] = (
        "none"
    )
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    # Seconds per network operation; the worker sending a message waits on it.
    SMTP_TIMEOUT: Annotated[float, Field(gt=0)] = 5
    SMTP_RETRIES: Annotated[int, Field(ge=0)] = 1
    MAIL_DEFAULT_SENDER: str = "noreply@localhost"
    SMS_PROVIDER: Annotated[str, BeforeValidator(_lowercase)] = "outbox"
    # SMS.ru (SMS_PROVIDER=smsru): one account, or SMSRU_<SLUG>_API_ID for an ISP's own.
    SMS_TIMEOUT: Annotated[float, Field(gt=0)] = 10
    SMSRU_API_URL: str = "https://sms.ru"
    SMSRU_API_ID: str = ""
    SMSRU_CALLBACK_TOKEN: str = ""
    # Seconds a payment gateway's call may take before the payment fails as «not answering».
    PAYMENTS_GATEWAY_TIMEOUT: Annotated[float, Field(gt=0)] = 10
    # DKIM signing of outgoing mail: both set, or neither; the domain defaults to From's.
    DKIM_SELECTOR: str = ""
    DKIM_PRIVATE_KEY_FILE: str = ""
    DKIM_DOMAIN: str = ""


def read_environment() -> Environment:
    """The environment, validated; a ConfigError naming each bad variable on one line."""
    try:
        return Environment()
    except ValidationError as exc:
        raise ConfigError("; ".join(_problem(error) for error in exc.errors())) from None


def _problem(error: dict) -> str:
    # Only typed variables (numbers, flags, choices) can fail, never a secret's text, so
    # the value may be repeated for the operator to spot.
    name = str(error["loc"][0]) if error["loc"] else "environment"
    return f"{name}: {error['msg']}, got {error['input']!r}"


def _default_database_url() -> str:
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'portal.sqlite3'}"


def _notify_settings(env: Environment) -> dict:
    """Where e-mail and SMS go; `make run` points SMTP at the development mail sink."""
    return {
        "SMTP_HOST": env.SMTP_HOST,
        "SMTP_PORT": env.SMTP_PORT,
        "SMTP_SECURITY": env.SMTP_SECURITY,  # none|starttls|ssl
        "SMTP_USERNAME": env.SMTP_USERNAME or None,
        "SMTP_PASSWORD": env.SMTP_PASSWORD or None,
        "SMTP_TIMEOUT": env.SMTP_TIMEOUT,
        "SMTP_RETRIES": env.SMTP_RETRIES,
        "MAIL_DEFAULT_SENDER": env.MAIL_DEFAULT_SENDER,
        "SMS_PROVIDER": env.SMS_PROVIDER,
        "SMS_TIMEOUT": env.SMS_TIMEOUT,
        "SMSRU_API_URL": env.SMSRU_API_URL,
        "SMSRU_API_ID": env.SMSRU_API_ID or None,
        # Named by slug, so not fields of Environment: read as they are.
        "SMSRU_TENANT_API_IDS": {
            k[6:-7]: v for k, v in os.environ.items() if re.fullmatch(r"SMSRU_\w+_API_ID", k) and v
        },
        "SMSRU_CALLBACK_TOKEN": env.SMSRU_CALLBACK_TOKEN or None,
        "PAYMENTS_GATEWAY_TIMEOUT": env.PAYMENTS_GATEWAY_TIMEOUT,
        "DKIM_SELECTOR": env.DKIM_SELECTOR or None,
        "DKIM_PRIVATE_KEY_FILE": env.DKIM_PRIVATE_KEY_FILE or None,
        "DKIM_DOMAIN": env.DKIM_DOMAIN or None,
    }


def _cookie_settings(env: Environment, production: bool) -> dict:
    """Cookie names and flags; production's carry the __Host- prefix, which browsers only
    accept from HTTPS with Path=/ and no Domain, so no sibling host can plant them."""
    prefix = "__Host-" if production else ""
    secure = env.SESSION_COOKIE_SECURE
    return {
        "SESSION_COOKIE_NAME": f"{prefix}session",
        "SESSION_COOKIE_SECURE": production if secure is None else secure,
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
    env = read_environment()
    production = env.PORTAL_ENV == "production"
    settings = {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": env.SECRET_KEY,
        # Keys being rotated out, newest first: cookies they signed stay valid (Flask tries
        # each), while everything new is signed with SECRET_KEY.
        "SECRET_KEY_FALLBACKS": [
            key.strip() for key in env.SECRET_KEY_FALLBACKS.split(",") if key.strip()
        ],
        "SQLALCHEMY_DATABASE_URI": env.DATABASE_URL or _default_database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PORTAL_TENANTS_DIR": env.PORTAL_TENANTS_DIR,
        # In development every tenant also answers on <slug>.localhost.
        "PORTAL_DEV_HOSTS": (
            not production if env.PORTAL_DEV_HOSTS is None else env.PORTAL_DEV_HOSTS
        ),
        # Links in e-mails are built from this (see tenancy.resolve.public_url), never from Host.
        "PORTAL_LINK_BASE": (
            ("" if production else "http://{slug}.localhost:5000")
            if env.PORTAL_LINK_BASE is None
            else env.PORTAL_LINK_BASE
        ),
        # Recovery answers take at least this long, so timing tells nothing about accounts.
        "PORTAL_RECOVERY_MIN_SECONDS": env.PORTAL_RECOVERY_MIN_SECONDS,
        # How many proxies in front of us may set X-Forwarded-Host/-For/-Proto.
        "PORTAL_TRUSTED_PROXIES": env.PORTAL_TRUSTED_PROXIES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PORTAL_SESSION_IDLE": timedelta(minutes=env.PORTAL_SESSION_IDLE),
        "PORTAL_SESSION_ABSOLUTE": timedelta(hours=env.PORTAL_SESSION_ABSOLUTE_HOURS),
        # The staff console's sessions are shorter than subscribers'.
        "PORTAL_STAFF_SESSION_IDLE": timedelta(minutes=env.PORTAL_STAFF_SESSION_IDLE),
        "PORTAL_STAFF_SESSION_ABSOLUTE": timedelta(hours=env.PORTAL_STAFF_SESSION_ABSOLUTE_HOURS),
        # Failed console logins and codes, per address in a tenant and per staff account.
        "PORTAL_STAFF_LIMIT_ADDRESS": env.PORTAL_STAFF_LIMIT_ADDRESS,
        "PORTAL_STAFF_LIMIT_ACCOUNT": env.PORTAL_STAFF_LIMIT_ACCOUNT,
        "RATELIMIT_STORAGE_URI": env.RATELIMIT_STORAGE_URI,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed logins per account (any spelling of it), then 429 even for the right
        # password. Per address the limits are each tenant's (login.limits in its YAML).
        "PORTAL_LOGIN_LIMIT_ACCOUNT": env.PORTAL_LOGIN_LIMIT_ACCOUNT,
        # Failed passkey logins from one address (an IPv6 /64) within one tenant, then 429.
        "PORTAL_PASSKEY_LIMIT_IP": env.PORTAL_PASSKEY_LIMIT_IP,
        # argon2id cost; tests lower it, production keeps the library's RFC 9106 profile.
        "PORTAL_ARGON2_PROFILE": env.PORTAL_ARGON2_PROFILE,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": "ru",
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        # Subscribers' files (receipts, help attachments); unset: instance/uploads. Never a
        # folder the web server serves.
        "PORTAL_UPLOADS_DIR": env.PORTAL_UPLOADS_DIR,
        # The job queue: redis://… in production (workers on several machines), unset: a
        # SQLite file in instance/ (`make run`), `immediate`: each job runs in the caller.
        "PORTAL_QUEUE_URL": env.PORTAL_QUEUE_URL,
        # Active accounts per job of the daily run: a large tenant is charged by several
        # workers at once, one range each.
        "PORTAL_BILLING_RANGE": env.PORTAL_BILLING_RANGE,
        # Live chat: Redis pub/sub so several app processes share one chat; unset: in-process.
        "PORTAL_CHAT_REDIS_URL": env.PORTAL_CHAT_REDIS_URL,
        # How long one feed request waits for a new message before it answers «nothing yet».
        "PORTAL_CHAT_WAIT_SECONDS": env.PORTAL_CHAT_WAIT_SECONDS,
        # How many feeds of one process may wait at once; the next answers at once and asks
        # the script to come back, so pages always find a thread. Half gunicorn's threads
        # (PORTAL_THREADS in gunicorn.conf.py) unless set.
        "PORTAL_CHAT_MAX_WAITING": env.PORTAL_CHAT_MAX_WAITING or max(1, env.PORTAL_THREADS // 2),
        "PORTAL_METRICS_TOKEN": env.PORTAL_METRICS_TOKEN,
        **_notify_settings(env),
    }
    if overrides:
        settings.update(overrides)
    production = settings["PORTAL_ENV"] == "production"
    for name, value in _cookie_settings(env, production).items():
        if name not in (overrides or {}):
            settings[name] = value
    # JSON lines or text on stderr (app/observe); unset: JSON in production.
    settings.setdefault(
        "PORTAL_LOG_FORMAT", env.PORTAL_LOG_FORMAT or ("json" if production else "text")
    )
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
