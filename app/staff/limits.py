"""How many failed console logins and codes an address and a staff account get.

Counted in the rate limits' store like subscribers' logins; only failures spend. Once an
account's budget is spent even the right password or code waits for the window to pass,
so a guessed password cannot be tried against every code.
"""

import math
import time

from flask import current_app
from limits import parse
from werkzeug.exceptions import TooManyRequests

from app.core.budgets import address_key, storage_key
from app.extensions import limiter

NAMESPACE = "staff"


def _rate(name: str):
    return parse(current_app.config[name])


def _keys(tenant: str, address: str, email: str) -> list[tuple[str, str]]:
    return [
        ("PORTAL_STAFF_LIMIT_ADDRESS", address_key(tenant, address)),
        ("PORTAL_STAFF_LIMIT_ACCOUNT", storage_key("staff", email.strip().lower())),
    ]


def refuse_if_spent(tenant: str, address: str, email: str) -> None:
    """429 with Retry-After while the address's or the account's tries are spent."""
    strategy = limiter.limiter
    for setting, key in _keys(tenant, address, email):
        item = _rate(setting)
        if not strategy.test(item, NAMESPACE, key):
            reset = strategy.get_window_stats(item, NAMESPACE, key).reset_time
            raise TooManyRequests(retry_after=max(1, math.ceil(reset - time.time())))


def failed(tenant: str, address: str, email: str) -> None:
    """Count one wrong password or code against the address and the account."""
    for setting, key in _keys(tenant, address, email):
        limiter.limiter.hit(_rate(setting), NAMESPACE, key)
