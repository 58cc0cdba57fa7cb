"""What a new contract holds and every problem it may have, by field (app.staff.provision).

One description of a new contract (NewContract) serves the console's form and the CSV
import alike: `check` names every problem by field and code.

Numbers left empty on the form are generated: the tenant's most recent contract (or
account) number with its digits counted up by one, keeping its prefix and width
(SP-067402 → SP-067403), the next free one if that is taken; 00000001 for the first.
"""

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

import app.auth.service as auth_service
from app.core.identifiers import normalise, normalise_phone
from app.core.subscribers import Account, Contract, SubscriberKind
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{0,39}$")
MAX_POINTS = 10
LIMITS = {"surname": 100, "first_name": 100, "patronymic": 100, "organisation": 200, "email": 254}


@dataclass
class Point:
    address: str = ""
    tariff: str = ""


@dataclass
class NewContract:
    """What staff type (or a CSV row holds) for one new contract; numbers may be empty."""

    kind: str = SubscriberKind.PERSON.value
    surname: str = ""
    first_name: str = ""
    patronymic: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""
    region: str = ""
    contract: str = ""
    account: str = ""
    login: str = ""
    points: list[Point] = field(default_factory=list)


# What may be wrong, by code: a dry run's report keeps the codes and reads them out in the
# language of whoever opens it.
MESSAGES = {
    "required": _l("Please fill in this field."),
    "persons_only": _l("This ISP makes contracts with persons only."),
    "kind": _l("Use person or organisation."),
    "phone": _l("Please enter a mobile number, e.g. +7 913 555-12-34."),
    "email": _l("Please enter an e-mail address."),
    "region_required": _l("Please choose a region."),
    "region": _l("This ISP has no such region."),
    "number": _l("Use letters, digits, dots, dashes or slashes, up to 40."),
    "number_taken": _l("This number is already taken in this ISP."),
    "number_form": _l("This number does not have the form this ISP's logins have."),
    "login_taken": _l("Another subscriber already logs in with this."),
    "too_long": _l("At most %(max)s characters, please."),
    "tariff_required": _l("Please choose a tariff."),
    "tariff": _l("This tariff is not offered in the region."),
    "business": _l("Business tariffs are for organisations only."),
    "in_file": _l("The same value is on line %(line)s of this file too."),
    "unknown_column": _l("This column is unknown; the columns are listed on the import page."),
    "missing_column": _l("This column is missing."),
}


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field ("surname", "points-1-tariff" …), by code."""

    field: str
    code: str
    params: tuple = ()

    @property
    def message(self) -> str:
        """The problem in the current language."""
        return str(MESSAGES[self.code]) % dict(self.params)


def has_business(tenant: Tenant) -> bool:
    """Whether the tenant sells business tariffs, i.e. contracts with organisations."""
    return any(t.kind == "business" for t in tenant.config.catalogue.tariffs)


def login_kind(tenant: Tenant) -> IdentifierKind:
    """The kind of the first login the tenant accepts: the one the summary names."""
    return tenant.config.login.identifiers[0].kind


def asks_login(tenant: Tenant) -> bool:
    """Whether the tenant's subscribers log in with a login name of their own."""
    return any(i.kind == IdentifierKind.LOGIN for i in tenant.config.login.identifiers)


def tariffs_for(tenant: Tenant, region_code: str, kind: str) -> list:
    """The tariffs a new contract of this kind may choose in the region."""
    tariffs = tenant.tariffs_for(tenant.region(region_code))
    if kind != SubscriberKind.ORGANISATION:
        tariffs = [t for t in tariffs if t.kind != "business"]
    return tariffs


def check(tenant: Tenant, new: NewContract) -> list[Problem]:
    """Every problem of the new contract, by field; empty when it can be created."""
    problems = list(_person_problems(tenant, new))
    problems += _number_problems(tenant, new)
    problems += _point_problems(tenant, new)
    return problems


def _person_problems(tenant: Tenant, new: NewContract):
    if new.kind == SubscriberKind.ORGANISATION and has_business(tenant):
        if not new.organisation.strip():
            yield Problem("organisation", "required")
    elif new.kind != SubscriberKind.PERSON:
        yield Problem("kind", "persons_only" if new.kind == SubscriberKind.ORGANISATION else "kind")
    else:
        for name in ("surname", "first_name"):
            if not getattr(new, name).strip():
                yield Problem(name, "required")
    for name, limit in LIMITS.items():
        if len(getattr(new, name)) > limit:
            yield Problem(name, "too_long", (("max", limit),))
    if not new.phone.strip():
        yield Problem("phone", "required")
    elif normalise_phone(new.phone, tenant.config.phone_region) is None:
        yield Problem("phone", "phone")
    if new.email.strip() and normalise(IdentifierKind.EMAIL, new.email) is None:
        yield Problem("email", "email")
    if tenant.config.regions:
        if not new.region:
            yield Problem("region", "region_required")
        elif tenant.region(new.region) is None:
            yield Problem("region", "region")


def _number_problems(tenant: Tenant, new: NewContract):
    for name, model, kind in (
        ("contract", Contract, IdentifierKind.CONTRACT),
        ("account", Account, IdentifierKind.ACCOUNT),
    ):
        value = getattr(new, name)
        if not NUMBER.match(value):
            yield Problem(name, "number")
        elif _number_taken(tenant, model, value):
            yield Problem(name, "number_taken")
        elif not _fits_login_pattern(tenant, kind, value):
            yield Problem(name, "number_form")
        elif kind == login_kind(tenant) and auth_service.taken_by_other(tenant, 0, value):
            yield Problem(name, "login_taken")
    if asks_login(tenant):
        login = primary_login(tenant, new)
        if normalise(IdentifierKind.LOGIN, login) is None:
            yield Problem("login", "required")
        elif auth_service.taken_by_other(tenant, 0, login):
            yield Problem("login", "login_taken")


def _point_problems(tenant: Tenant, new: NewContract):
    if not new.points:
        yield Problem("points-0-address", "required")
    region = tenant.region(new.region)
    offered = {t.code: t for t in tenant.tariffs_for(region)}
    for n, point in enumerate(new.points):
        if not point.address.strip():
            yield Problem(f"points-{n}-address", "required")
        elif len(point.address) > 300:
            yield Problem(f"points-{n}-address", "too_long", (("max", 300),))
        tariff = offered.get(point.tariff)
        if not point.tariff:
            yield Problem(f"points-{n}-tariff", "tariff_required")
        elif tariff is None:
            yield Problem(f"points-{n}-tariff", "tariff")
        elif tariff.kind == "business" and new.kind != SubscriberKind.ORGANISATION:
            yield Problem(f"points-{n}-tariff", "business")


def _number_taken(tenant: Tenant, model, value: str) -> bool:
    return (
        db.session.scalar(
            sa.select(model.id)
            .where(model.tenant == tenant.slug, sa.func.upper(model.number) == value.upper())
            .limit(1)
        )
        is not None
    )


def _fits_login_pattern(tenant: Tenant, kind: IdentifierKind, value: str) -> bool:
    for identifier in tenant.config.login.identifiers:
        if identifier.kind == kind and identifier.pattern:
            return re.fullmatch(identifier.pattern, normalise(kind, value) or "") is not None
    return True


def primary_login(tenant: Tenant, new: NewContract) -> str:
    """What the subscriber types as their login: the login name (the contract number when
    none is given), else the contract or account number, whichever the ISP accepts first."""
    values = {
        IdentifierKind.LOGIN: new.login.strip() or new.contract,
        IdentifierKind.CONTRACT: new.contract,
        IdentifierKind.ACCOUNT: new.account,
        IdentifierKind.PHONE: new.phone,
        IdentifierKind.EMAIL: new.email,
    }
    return values.get(login_kind(tenant), new.contract)


def next_number(tenant: Tenant, model) -> str:
    """A free contract (model=Contract) or account (Account) number after the latest one."""
    latest = db.session.scalar(
        sa.select(model.number).where(model.tenant == tenant.slug).order_by(model.id.desc())
    )
    match = re.fullmatch(r"(.*?)(\d+)", latest or "")
    prefix, digits = (match.group(1), match.group(2)) if match else ("", "0" * 8)
    highest = db.session.scalar(
        sa.select(sa.func.max(model.number)).where(
            model.tenant == tenant.slug,
            model.number.startswith(prefix, autoescape=True),
            sa.func.length(model.number) == len(prefix) + len(digits),
        )
    )
    tail = highest[len(prefix) :] if highest else digits
    number = int(tail) if tail.isdigit() else int(digits)
    while True:
        number += 1
        candidate = f"{prefix}{number:0{len(digits)}d}"
        if not _number_taken(tenant, model, candidate):
            return candidate
