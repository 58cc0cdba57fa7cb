"""Delivery of e-mail and SMS to subscribers: SMTP, and a pluggable SMS provider."""

import logging

from flask import Blueprint, Flask

from app.config import ConfigError

SMTP_SECURITY = ("none", "starttls", "ssl")
MAX_SMTP_TIMEOUT = 60.0
# No pages: the blueprint only lends its e-mail templates (notify/email/…) to the app.
bp = Blueprint("notify", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Check the delivery settings, pick the SMS provider, deliver each request's messages
    after its response, and add `flask outbox` and `flask notify`."""
    from . import models, queue  # noqa: F401  (tables join the metadata on import)
    from .cli import notify_cli, outbox_cli
    from .sms import create_provider

    _check_smtp_settings(app.config)
    app.extensions["notify.sms"] = create_provider(app.config)
    if app.config["PORTAL_ENV"] == "production" and app.config["SMS_PROVIDER"] == "outbox":
        # Allowed, so a deployment without SMS can run, but codes will reach nobody.
        logging.getLogger("app.notify").warning(
            "SMS_PROVIDER is 'outbox' in production: texts are stored, not sent"
        )
    queue.init_app(app)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(notify_cli)
    app.register_blueprint(bp)


def _check_smtp_settings(config) -> None:
    # Refuse at start-up, not at the first password reset, when a setting cannot work.
    if config["SMTP_SECURITY"] not in SMTP_SECURITY:
        raise ConfigError(
            f"SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, "
            f"not {config['SMTP_SECURITY']!r}"
        )
    if not 0 < config["SMTP_TIMEOUT"] <= MAX_SMTP_TIMEOUT:
        raise ConfigError(f"SMTP_TIMEOUT must be more than 0 and at most {MAX_SMTP_TIMEOUT:g}")
    if not 0 <= config["SMTP_RETRIES"] <= 3:
        raise ConfigError("SMTP_RETRIES must be between 0 and 3")
