"""The e-mails of registering a cabinet for an existing contract."""

from datetime import timedelta

from flask_babel import gettext as _

from app.tenancy.registry import Tenant

from .messages import _email, _isp


def send_registration_link(tenant: Tenant, email: str, link: str, minutes: int) -> None:
    """The link that opens setting the first password of a new cabinet."""
    _email(
        tenant,
        email,
        _("%(isp)s: registering your personal account", isp=_isp(tenant)),
        "registration_link",
        valid_for=timedelta(minutes=minutes),
        link=link,
        minutes=minutes,
    )


def send_already_registered(tenant: Tenant, email: str, recover_link: str) -> None:
    """Sent instead of a link when the contract has a cabinet already: no second one is
    made, and the owner learns how to get back in."""
    _email(
        tenant,
        email,
        _("%(isp)s: your personal account already exists", isp=_isp(tenant)),
        "already_registered",
        recover_link=recover_link,
    )
