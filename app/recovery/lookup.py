"""Finding the account a recovery request names, by the fields the tenant's flow asks for."""

import re

import sqlalchemy as sa

import app.auth.service as auth_service
from app.core.identifiers import normalise, normalise_phone
from app.core.scoped import owned
from app.core.subscribers import Account, Contract, Subscriber
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import FindBy, IdentifierKind


def _name(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().casefold().replace("ё", "е")


def _number(value: str) -> str:
    return normalise(IdentifierKind.CONTRACT, value) or ""


NAME_FIELDS = {FindBy.SURNAME, FindBy.FIRST_NAME}


def find_subscriber(
    tenant: Tenant, find_by: tuple[FindBy, ...], typed: dict[str, str]
) -> int | None:
    """The one subscriber of this tenant matching every typed field, or None.

    Several matches (two contracts sharing a phone) name no one: the secret must go to
    exactly one account's owner.
    """
    query = owned(Subscriber, tenant)
    needs_numbers = {FindBy.CONTRACT, FindBy.ACCOUNT, FindBy.CONTRACT_OR_ACCOUNT}
    if needs_numbers & set(find_by) or typed.get("identifier_kind") == "contract":
        query = query.join(Contract, Contract.subscriber_id == Subscriber.id).join(
            Account, Account.contract_id == Contract.id
        )
    names = {f: _name(typed.get(f.value, "")) for f in find_by if f in NAME_FIELDS}
    if not all(names.values()):
        return None
    for field in find_by:
        if field in NAME_FIELDS:
            continue  # compared below: SQLite's lower() knows no Cyrillic
        condition = _condition(tenant, field, typed)
        if condition is None:
            return None
        query = query.where(condition)
    matches = {
        s.id
        for s in db.session.scalars(query.limit(50))
        if all(_name(getattr(s, f.value) or "") == wanted for f, wanted in names.items())
    }
    return matches.pop() if len(matches) == 1 else None


def _condition(tenant: Tenant, field: FindBy, typed: dict[str, str]):
    value = typed.get(field.value, "")
    region = tenant.config.phone_region
    match field:
        case FindBy.CONTRACT:
            return Contract.number == _number(value)
        case FindBy.ACCOUNT:
            return Account.number == _number(value)
        case FindBy.CONTRACT_OR_ACCOUNT:
            number = _number(value)
            return sa.or_(Contract.number == number, Account.number == number)
        case FindBy.PHONE:
            phone = normalise_phone(value, region)
            return Subscriber.phone == phone if phone else None
        case FindBy.EMAIL:
            email = normalise(IdentifierKind.EMAIL, value)
            return Subscriber.email == email if email else None
        case FindBy.REGION:
            return Subscriber.region == value if value in tenant.regions else None
        case FindBy.LOGIN:
            subscriber_id = auth_service.find_subscriber_id(tenant, value)
            return Subscriber.id == subscriber_id if subscriber_id else None
        case FindBy.IDENTIFIER:
            kind = typed.get("identifier_kind", "")
            if kind not in {"phone", "contract", "email"}:
                return None
            return _condition(tenant, FindBy(kind), {kind: value})
    return None
