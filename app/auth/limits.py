"""How many failed logins an account and an address get, counted in the rate limits' store.

Two budgets, both counting failed password tries only (a successful login, a form refused
for its picture code and a refused request spend nothing):

- per account, strict (PORTAL_LOGIN_LIMIT_ACCOUNT, 10 per 5 minutes): keyed on the tenant
  and the subscriber the typed login names, so every spelling of one account (its phone
  written any way, an account number with spaces, another host name) shares one budget.
  A login that names nobody is keyed on its normalised form. Once spent, even the right
  password is refused until the window passes.
- per address, within one tenant (`login.limits` in the tenant's YAML): sized for
  carrier-grade NAT, where a whole building shares one address. Past `per_address_captcha`
  failures the form asks for the picture code; past `per_address` it is refused.

Views pass the tenant and the client address in; nothing here reads the request.
"""

import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from app.core.budgets import address_key, storage_key
from app.core.identifiers import candidates
from app.extensions import limiter
from app.observe import metrics
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

from . import service

NAMESPACE = "login"
# Which reading of a login that names nobody stands for it: the most canonical one first,
# so "+7 913 …" and "8 (913) …" meet on the same E.164 number.
KIND_ORDER = [
    IdentifierKind.PHONE,
    IdentifierKind.EMAIL,
    IdentifierKind.ACCOUNT,
    IdentifierKind.CONTRACT,
    IdentifierKind.LOGIN,
    IdentifierKind.NICKNAME,
]


@dataclass(frozen=True)
class AddressState:
    """What the failures from one address in one tenant allow now."""

    captcha: bool  # the form asks for the picture code
    wait_seconds: int | None  # refused for this long; None: may try


def account_key(tenant: Tenant, typed: str) -> str:
    """The per-account budget a typed login spends: its subscriber, else its normal form."""
    subscriber_id = service.find_subscriber_id(tenant, typed)
    if subscriber_id is not None:
        return _subscriber_key(tenant, subscriber_id)
    pairs = dict(candidates(tenant.config.login.identifiers, typed, tenant.config.phone_region))
    for kind in KIND_ORDER:
        if kind.value in pairs:
            return storage_key("account", tenant.slug, kind.value, pairs[kind.value])
    return storage_key("account", tenant.slug, "text", " ".join(typed.casefold().split()))


def _subscriber_key(tenant: Tenant, subscriber_id: int) -> str:
    return storage_key("account", tenant.slug, "subscriber", str(subscriber_id))


def forget_failures(tenant: Tenant, subscriber_id: int, **_facts) -> None:
    """Give the subscriber back their whole per-account budget (on login_unlocked)."""
    limiter.limiter.clear(_account_rate(), NAMESPACE, _subscriber_key(tenant, subscriber_id))


def _address_key(tenant: Tenant, address: str) -> str:
    return address_key(tenant.slug, address)


def _account_rate() -> RateLimitItem:
    return parse(current_app.config["PORTAL_LOGIN_LIMIT_ACCOUNT"])


def _address_rates(tenant: Tenant) -> tuple[RateLimitItem, RateLimitItem]:
    rates = tenant.config.login.limits
    return parse(rates.per_address_captcha), parse(rates.per_address)


def _wait(item: RateLimitItem, key: str) -> int | None:
    """Seconds until this budget allows another try, or None when it does now."""
    strategy = limiter.limiter
    if strategy.test(item, NAMESPACE, key):
        return None
    reset = strategy.get_window_stats(item, NAMESPACE, key).reset_time
    return max(1, math.ceil(reset - time.time()))


def address_state(tenant: Tenant, address: str) -> AddressState:
    """Whether logins from this address must show the picture code, or are refused."""
    captcha_rate, hard_rate = _address_rates(tenant)
    key = _address_key(tenant, address)
    return AddressState(
        captcha=_wait(captcha_rate, key) is not None, wait_seconds=_wait(hard_rate, key)
    )


def refuse_if_spent(state: AddressState) -> None:
    """Answer 429 («try again in N min.») when the address has no tries left."""
    if state.wait_seconds is not None:
        metrics.login("limited")
        raise TooManyRequests(retry_after=state.wait_seconds)


def authenticate(
    tenant: Tenant,
    address: str,
    typed: str,
    password: str,
    profile: str,
) -> int | None:
    """service.authenticate within the budgets: 429 once the account's tries are spent
    (whatever the password), and a failure counted against the account and the address."""
    account = account_key(tenant, typed)
    wait = _wait(_account_rate(), account)
    if wait is not None:
        metrics.login("limited")
        raise TooManyRequests(retry_after=wait)
    subscriber_id = service.authenticate(tenant, typed, password, profile)
    metrics.login("bad_password" if subscriber_id is None else "success")
    if subscriber_id is None:
        strategy = limiter.limiter
        strategy.hit(_account_rate(), NAMESPACE, account)
        for item in _address_rates(tenant):
            strategy.hit(item, NAMESPACE, _address_key(tenant, address))
    return subscriber_id
