"""The messages of a cabinet's own life: its first password from the ISP, registering it
for an existing contract, and linking it with another cabinet of the same person."""

from datetime import timedelta

from flask_babel import gettext as _

from app.tenancy.registry import Tenant

from .messages import _email, _isp
from .queue import queue_sms


def send_connection_password(tenant: Tenant, phone: str, login: str, password: str) -> None:
    """SMS to a new contract's phone with its login and the temporary password to change."""
    queue_sms(
        tenant,
        phone,
        _(
            "%(isp)s: your personal account is ready. Login: %(login)s, password: "
            "%(password)s. You will choose your own password at the first login.",
            isp=_isp(tenant),
            login=login,
            password=password,
        ),
    )


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


def send_link_code(tenant: Tenant, phone: str, code: str, contract: str, minutes: int) -> None:
    """SMS to a contract's phone on record with the code that links it to another cabinet."""
    queue_sms(
        tenant,
        phone,
        _(
            "%(isp)s: code %(code)s links your contract %(contract)s to another personal "
            "account. Valid for %(minutes)s min. Do not tell it to anyone.",
            isp=_isp(tenant),
            code=code,
            contract=contract,
            minutes=minutes,
        ),
        valid_for=timedelta(minutes=minutes),
    )


def send_cabinet_linked(tenant: Tenant, channel: str, to: str, contract: str) -> None:
    """Notice to the holder of a contract just linked to another cabinet: whoever is logged
    in there now opens this one too, so an owner who did not link it must hear at once."""
    phones = tenant.config.contacts.phones
    help_phone = phones[0].number if phones else ""
    if channel == "sms":
        queue_sms(
            tenant,
            to,
            _(
                "%(isp)s: your contract %(contract)s was linked to another personal account. "
                "If it was not you, change the password and call %(phone)s.",
                isp=_isp(tenant),
                contract=contract,
                phone=help_phone,
            ),
        )
        return
    _email(
        tenant,
        to,
        _("%(isp)s: your contract was linked to another account", isp=_isp(tenant)),
        "cabinet_linked",
        contract=contract,
        help_phone=help_phone,
    )
