"""Delivery of e-mail and SMS to subscribers: SMTP, a pluggable SMS provider, and the
notification centre where each subscriber chooses how notices reach them."""

import logging
import os

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from app.config import ConfigError

SMTP_SECURITY = ("none", "starttls", "ssl")
MAX_SMTP_TIMEOUT = 60.0
# The notification centre's page, and the e-mail templates (notify/email/…) for the app.
bp = Blueprint("notify", __name__, url_prefix="/notifications", template_folder="templates")
# From outside a cabinet: the SMS gateway's delivery reports, one-click unsubscribe.
public_bp = Blueprint("notify_public", __name__, url_prefix="/notify")


def init_app(app: Flask) -> None:
    """Check the delivery settings, pick the SMS provider, deliver each request's messages
    after its response, and add `flask outbox` and `flask notify`."""
    from app.tenancy.theming import add_menu_item

    from . import models, preferences, public_routes, queue, routes, status  # noqa: F401
    from .cli import notify_cli, outbox_cli
    from .sms import PROVIDERS, create_provider
    from .smsru import SmsRuProvider

    # Registered here: the adapter stands on delivery.py, which stands on sms.py.
    PROVIDERS.setdefault("smsru", SmsRuProvider)
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
    app.register_blueprint(public_bp)
    status.subscribe()
    add_menu_item(app, "notify.centre", _l("Notifications"), order=82)


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
    selector, key_file = config.get("DKIM_SELECTOR"), config.get("DKIM_PRIVATE_KEY_FILE")
    if bool(selector) != bool(key_file):
        raise ConfigError("DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE are set together, or neither")
    if key_file and not os.access(key_file, os.R_OK):
        raise ConfigError(f"DKIM_PRIVATE_KEY_FILE {key_file!r} cannot be read")
