"""What every real gateway adapter shares: per-tenant credentials, the timeout, the receipt.

Credentials live in the environment, never in the YAML (which is in git), named after the
tenant's slug and the provider: PAYMENTS_<SLUG>_<PROVIDER>_<NAME>, upper-case, `-` as `_`,
e.g. PAYMENTS_TOMTEL_YOOKASSA_SHOP_ID. PAYMENTS_<SLUG>_<PROVIDER>_API_URL overrides the
gateway's base URL (a test points it at a fake). They are read when a call is made, so a
rotated key takes effect on restart without code, and `missing_credentials` lets start-up
refuse a tenant configured for a gateway whose keys are not there.
"""

import os
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app

from app.tenancy.registry import Tenant
from app.tenancy.schema import PaymentReceipt

from . import Order

# The variables each gateway needs; the base URL is optional.
REQUIRED = {
    "yookassa": ("SHOP_ID", "SECRET_KEY"),
    "tbank": ("TERMINAL_KEY", "PASSWORD"),
}


def env_name(tenant: Tenant, provider: str, name: str) -> str:
    """The environment variable holding one credential of a tenant at a provider."""
    slug = tenant.slug.upper().replace("-", "_")
    return f"PAYMENTS_{slug}_{provider.upper()}_{name}"


@dataclass(frozen=True)
class Credentials:
    """A tenant's keys at one gateway, and where its API is."""

    values: dict[str, str]
    api_url: str

    def __getitem__(self, name: str) -> str:
        return self.values[name]


def credentials(tenant: Tenant, provider: str, default_url: str) -> Credentials:
    """The tenant's credentials at the provider; LookupError naming a variable that is unset."""
    values = {}
    for name in REQUIRED[provider]:
        variable = env_name(tenant, provider, name)
        value = os.environ.get(variable, "").strip()
        if not value:
            raise LookupError(f"{variable} is not set")
        values[name] = value
    url = os.environ.get(env_name(tenant, provider, "API_URL"), "").strip() or default_url
    return Credentials(values, url.rstrip("/"))


def missing_credentials(tenant: Tenant) -> list[str]:
    """The environment variables the tenant's gateway needs that are not set."""
    provider = tenant.config.payments.provider
    return [
        env_name(tenant, provider, name)
        for name in REQUIRED.get(provider, ())
        if not os.environ.get(env_name(tenant, provider, name), "").strip()
    ]


def timeout() -> float:
    """Seconds to wait for a gateway's answer before giving up (ProviderUnavailable)."""
    return current_app.config["PAYMENTS_GATEWAY_TIMEOUT"]


def roubles(kopecks: int) -> str:
    """Kopecks as the decimal string gateways take: 12345 -> "123.45", exactly, no float."""
    return str((Decimal(kopecks) / 100).quantize(Decimal("0.01")))


def receipt_of(order: Order) -> tuple[PaymentReceipt, dict[str, str]] | None:
    """The tenant's receipt settings and the customer contact, when receipts are on.

    The customer is the payer's e-mail, else the holder's phone; a gateway's till cannot
    issue a receipt to nobody, so an order with neither gets no receipt (ProviderUnavailable
    would stop the payment for a missing e-mail, which the pay form does not require).
    """
    settings = order.tenant.config.payments.receipt
    if settings is None:
        return None
    if order.payer_email:
        return settings, {"email": order.payer_email}
    if order.payer_phone:
        return settings, {"phone": order.payer_phone}
    return None
