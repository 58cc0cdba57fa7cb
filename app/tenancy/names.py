"""What each ISP calls the features every cabinet shares (tenant.yaml `names:`).

An unset name is the portal's own word from the Babel catalogue, so only an ISP that
calls a feature differently writes anything.
"""

from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from .registry import Tenant

DEFAULTS = {
    "promised_payment": _l("Promised payment"),
    "recover_link": _l("Forgot your password?"),
    "services": _l("Tariffs and services"),
}


def _locale(tenant: Tenant) -> str:
    # The page's language, or the one forced for a message sent outside a page.
    return str(get_locale() or tenant.config.locales.default)


def feature_name(tenant: Tenant | None, key: str) -> str:
    """The ISP's name of a shared feature in the current language, else the portal's."""
    own = getattr(tenant.config.names, key) if tenant is not None else None
    if own is None:
        return str(DEFAULTS[key])
    return tenant.text(own, _locale(tenant))


def has_own_name(tenant: Tenant | None, key: str) -> bool:
    """Whether the ISP names this feature itself."""
    return tenant is not None and getattr(tenant.config.names, key) is not None


class FeatureName:
    """A feature's name read when shown, for the request's tenant: fits where a lazy
    gettext string would go (menu labels, ledger kind names)."""

    def __init__(self, key: str, default=None, own=None):
        self.key = key
        self.default = default  # the portal's whole wording, e.g. «Promised payment repaid»
        self.own = own  # the wording around an ISP's own name, e.g. «%(name)s repaid»

    def for_tenant(self, tenant: Tenant | None) -> str:
        """The wording for this tenant in the current language."""
        if not has_own_name(tenant, self.key):
            return str(self.default) if self.default is not None else feature_name(None, self.key)
        if self.own is not None:
            return str(self.own) % {"name": feature_name(tenant, self.key)}
        return feature_name(tenant, self.key)

    def __str__(self) -> str:
        return self.for_tenant(g.get("tenant") if has_request_context() else None)

    def __html__(self) -> str:
        return str(escape(str(self)))


class OwnName:
    """A name an ISP may set anywhere in its config, read when shown for the request's
    tenant, else the portal's word: fits where a lazy gettext string would go."""

    def __init__(self, pick, default):
        self.pick = pick  # config -> Text | None
        self.default = default

    def __str__(self) -> str:
        tenant = g.get("tenant") if has_request_context() else None
        own = self.pick(tenant.config) if tenant is not None else None
        return str(self.default) if own is None else tenant.text(own, _locale(tenant))

    def __html__(self) -> str:
        return str(escape(str(self)))
