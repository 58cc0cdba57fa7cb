"""Profile decisions: what the contract says, the login name, the contacts to confirm."""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

import app.auth.service as auth_service
import app.recovery.service as recovery
from app.core import audit
from app.core.identifiers import normalise, normalise_phone
from app.core.subscribers import Subscriber, accounts_of
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

# What may stand for a chosen login name, in the tenant's own words where it has one.
LOGIN_KINDS = (IdentifierKind.LOGIN, IdentifierKind.NICKNAME)
LOGIN_REFUSED = _l("This login cannot be chosen. Please choose another one.")
LOGIN_FORM = _l(
    "From 3 to 32 characters: Latin letters, digits, dot, hyphen and underscore, "
    "starting with a letter or a digit."
)


@dataclass(frozen=True)
class OnContract:
    """The name and addresses as the contract has them."""

    name: str
    contracts: list[str]
    addresses: list[str]


def on_contract(tenant: Tenant, subscriber: Subscriber) -> OnContract:
    """Name, contract numbers and service addresses of the subscriber."""
    accounts = accounts_of(tenant, subscriber.id, with_points=True)
    addresses = list(dict.fromkeys(p.address for a in accounts for p in a.service_points))
    return OnContract(subscriber.display_name, [a.contract.number for a in accounts], addresses)


def login_kind(tenant: Tenant) -> IdentifierKind | None:
    """The kind of login a subscriber may choose, when the tenant lets them change it."""
    if not tenant.config.profile.login_change.allowed:
        return None
    kinds = {i.kind for i in tenant.config.login.identifiers}
    return next((k for k in LOGIN_KINDS if k in kinds), None)


def current_login(tenant: Tenant, subscriber_id: int) -> str | None:
    """The subscriber's chosen-login identifier, if any."""
    kind = login_kind(tenant)
    found = auth_service.identifiers_of(tenant, subscriber_id, kind) if kind else []
    return found[0] if found else None


def change_login(tenant: Tenant, subscriber_id: int, raw: str) -> str | None:
    """Make raw the subscriber's login, the old one no longer logging in; or say why not."""
    kind = login_kind(tenant)
    value = normalise(kind, raw) if kind else None
    rules = tenant.config.profile.login_change
    if value is None or not re.fullmatch(rules.pattern, value):
        return str(LOGIN_FORM)
    pattern = next(i.pattern for i in tenant.config.login.identifiers if i.kind == kind)
    if pattern and not re.fullmatch(pattern, value):
        return str(LOGIN_FORM)
    if auth_service.taken_by_other(tenant, subscriber_id, value):
        return str(LOGIN_REFUSED)
    before = current_login(tenant, subscriber_id)
    auth_service.replace_identifier(tenant, subscriber_id, kind, value)
    audit.record(
        tenant.slug,
        "login_name.changed",
        subscriber_id=subscriber_id,
        before={"login": before},
        after={"login": value},
    )
    return None


def normalised_contact(tenant: Tenant, channel: str, raw: str) -> str | None:
    """A typed phone (E.164) or e-mail in stored form, or None when it is not one."""
    if channel == "sms":
        return normalise_phone(raw, tenant.config.phone_region)
    return normalise(IdentifierKind.EMAIL, raw)


def start_contact_change(tenant: Tenant, subscriber_id: int, channel: str, value: str):
    """A code for the new phone or e-mail (recovery.start_contact_confirmation decides)."""
    return recovery.start_contact_confirmation(tenant, subscriber_id, channel, value)


def finish_contact_change(tenant: Tenant, subscriber_id: int, handle: str, typed: str):
    """Check the code and store the new contact: one path with the recovery contacts."""
    return recovery.finish_contact_confirmation(tenant, subscriber_id, handle, typed)


CONTACT_REFUSED = recovery.CONTACT_REFUSED
