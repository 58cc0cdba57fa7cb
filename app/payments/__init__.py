"""Paying online: the pay pages, the provider registry and interface, autopay, receipts."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint(
    "payments",
    __name__,
    url_prefix="/payments",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
PAY_ENDPOINT = "payments.pay"


def has_payment_methods(tenant) -> bool:
    """Whether the ISP lists any way to pay at all."""
    return tenant is not None and bool(tenant.config.payments.methods)


def init_app(app: Flask) -> None:
    """Register the pay pages, the payment providers, autopay's daily job and the menu item."""
    from . import autopay, autopay_routes, models, public_routes, receipts, routes  # noqa: F401
    from .providers import register_provider
    from .providers.sandbox import SandboxProvider
    from .providers.tbank import TBankProvider
    from .providers.yookassa import YooKassaProvider
    from .repoll import payments_cli

    for provider in (SandboxProvider(), YooKassaProvider(), TBankProvider()):
        register_provider(app, provider)
    _require_credentials(app)
    app.cli.add_command(payments_cli)
    autopay.subscribe()
    receipts.subscribe()
    app.register_blueprint(bp)
    _add_menu_item(app)


def _add_menu_item(app: Flask) -> None:
    from app.tenancy.theming import add_menu_item

    add_menu_item(app, PAY_ENDPOINT, _l("Top up"), order=20, visible=has_payment_methods)


def _require_credentials(app: Flask) -> None:
    """Refuse to start when a tenant's gateway has no keys in the environment: its payments
    would fail one by one instead of the operator hearing of it now."""
    from app.tenancy import registry_of
    from app.tenancy.loader import TenantConfigError, YamlDocument

    from .providers.common import missing_credentials

    problems = []
    for tenant in registry_of(app).tenants.values():
        missing = missing_credentials(tenant)
        if not missing:
            continue
        shown_as = f"{tenant.folder.parent.name}/{tenant.slug}/tenant.yaml"
        doc = YamlDocument.read(tenant.folder / "tenant.yaml", shown_as)
        for variable in missing:
            message = (
                f"tenant {tenant.slug} pays through {tenant.config.payments.provider}, "
                f"but the environment variable {variable} is not set"
            )
            problems.append(doc.problem(("payments", "provider"), message))
    if problems:
        raise TenantConfigError(problems)
