"""Production entry point: gunicorn wsgi:app."""

import sys

from app import create_app
from app.config import ConfigError
from app.tenancy.loader import TenantConfigError

try:
    app = create_app()
except TenantConfigError as exc:
    # Operators read this in the service log: every problem as file:line: key: message.
    sys.exit(f"Tenant configuration is invalid:\n{exc}")
except ConfigError as exc:
    # One line naming the variable and what is wrong with it, not a traceback.
    sys.exit(f"Configuration is invalid: {exc}")
