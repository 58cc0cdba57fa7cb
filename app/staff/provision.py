"""New contracts made by staff: the subscriber, contract, account, points and a login.

`create` takes a NewContract that app.staff.provision_checks found nothing wrong with and
makes everything at once in the caller's transaction: the subscriber, the contract, the
account, its service points (each told to the network by service_changed "point-added")
and a login with a temporary password, queued by SMS, and an entry in the audit trail.

Numbers left empty on the form are generated (provision_checks.next_number): the tenant's
most recent contract (or account) number with its digits counted up by one, keeping its
prefix and width (SP-067402 → SP-067403), the next free one if that is taken.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import force_locale

import app.auth.service as auth_service
import app.notify.service as notify
from app.core import audit, verification
from app.core.identifiers import normalise, normalise_phone
from app.core.signals import service_changed
from app.core.subscribers import Account, Contract, ServicePoint, Subscriber, SubscriberKind
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

from .provision_checks import NewContract, primary_login


@dataclass(frozen=True)
class Created:
    subscriber_id: int
    account_id: int
    contract: str
    account: str
    login: str


def create(tenant: Tenant, new: NewContract, profile: str, source: str) -> Created:
    """Create the checked contract and everything it needs; queue the temporary password by
    SMS and record it. Flushes only: the caller's transaction commits or drops it whole."""
    region = tenant.region(new.region)
    today = datetime.now(ZoneInfo(tenant.timezone(region))).date()
    organisation = new.kind == SubscriberKind.ORGANISATION
    subscriber = Subscriber(
        tenant=tenant.slug,
        kind=SubscriberKind.ORGANISATION if organisation else SubscriberKind.PERSON,
        surname=None if organisation else new.surname.strip(),
        first_name=None if organisation else new.first_name.strip(),
        patronymic=None if organisation else new.patronymic.strip() or None,
        organisation=new.organisation.strip() if organisation else None,
        email=normalise(IdentifierKind.EMAIL, new.email) if new.email.strip() else None,
        phone=normalise_phone(new.phone, tenant.config.phone_region),
        region=region.code if region else None,
    )
    db.session.add(subscriber)
    db.session.flush()
    contract = Contract(
        tenant=tenant.slug, subscriber_id=subscriber.id, number=new.contract, signed_on=today
    )
    db.session.add(contract)
    db.session.flush()
    account = Account(tenant=tenant.slug, contract_id=contract.id, number=new.account)
    db.session.add(account)
    db.session.flush()
    points = [
        ServicePoint(
            tenant=tenant.slug,
            account_id=account.id,
            address=p.address.strip(),
            tariff_code=p.tariff,
            active_since=today,
        )
        for p in new.points
    ]
    db.session.add_all(points)
    db.session.flush()
    for point in points:
        _tell_network(tenant, point)
    password = verification.new_temporary_password()
    auth_service.set_password(tenant, subscriber.id, password, profile, True, reason="issued")
    login = primary_login(tenant, new)
    _add_logins(tenant, subscriber.id, new)
    with force_locale(tenant.config.locales.default):
        notify.send_connection_password(tenant, subscriber.phone, login, password)
    audit.record(
        tenant.slug,
        "provisioning.contract_created",
        subscriber_id=subscriber.id,
        target=f"account:{account.id}",
        after={
            "kind": subscriber.kind,
            "region": subscriber.region,
            "contract": contract.number,
            "account": account.number,
            "login": login,
            "points": [{"address": p.address, "tariff": p.tariff} for p in new.points],
            "source": source,
        },
    )
    db.session.flush()
    return Created(subscriber.id, account.id, contract.number, account.number, login)


def _tell_network(tenant: Tenant, point: ServicePoint) -> None:
    # The network learns of a new contract the way it learns of a tariff change: through
    # the provisioning outbox that hears this signal, in the same transaction.
    tariff = tenant.tariffs.get(point.tariff_code)
    service_changed.send(
        tenant,
        account_id=point.account_id,
        point_id=point.id,
        event="point-added",
        details={
            "address": point.address,
            "tariff": point.tariff_code,
            "speed_mbps": tariff.speed_mbps if tariff else None,
            "effective": point.active_since.isoformat(),
        },
    )


def _add_logins(tenant: Tenant, subscriber_id: int, new: NewContract) -> None:
    values = {
        IdentifierKind.LOGIN: new.login.strip() or new.contract,
        IdentifierKind.CONTRACT: new.contract,
        IdentifierKind.ACCOUNT: new.account,
        IdentifierKind.PHONE: new.phone,
        IdentifierKind.EMAIL: new.email,
    }
    for identifier in tenant.config.login.identifiers:
        raw = values.get(identifier.kind, "")
        # A phone or e-mail another contract of the same person logs in with already stays
        # theirs: the new contract logs in with its own number instead.
        if raw and raw.strip() and not auth_service.taken_by_other(tenant, subscriber_id, raw):
            auth_service.add_identifier(tenant, subscriber_id, identifier.kind, raw)
