"""Creates demo subscribers with a few months of believable payments and daily charges."""

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import app.auth.service as auth_service
import app.recovery.service as recovery_service
import app.usage.service as usage_service
from app.core import ledger
from app.core.calendar import daily_part
from app.core.identifiers import normalise_phone
from app.core.ledger import EntryKind
from app.core.subscribers import Account, Contract, ServicePoint, Subscriber
from app.extensions import db
from app.tenancy.loader import TenantConfigError, YamlDocument
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

from .schema import DemoData, DemoSubscriber

DEMO_FILE = "demo.yaml"


def read_demo(tenant: Tenant) -> DemoData | None:
    """The tenant's demo.yaml, validated; None when the tenant ships no demo data."""
    path = tenant.folder / DEMO_FILE
    if not path.is_file():
        return None
    doc = YamlDocument.read(path, f"{tenant.folder.parent.name}/{tenant.slug}/{DEMO_FILE}")
    data = doc.validate(DemoData)
    problems = [doc.problem(loc, message) for loc, message in _reference_problems(tenant, data)]
    if problems:
        raise TenantConfigError(problems)
    return data


def _reference_problems(tenant: Tenant, data: DemoData) -> Iterator[tuple[tuple, str]]:
    for i, person in enumerate(data.subscribers):
        region = tenant.region(person.region)
        if person.region and region is None:
            yield ("subscribers", i, "region"), f"refers to undefined region {person.region!r}"
        allowed = {t.code for t in tenant.tariffs_for(region)}
        for j, point in enumerate(person.points):
            if point.tariff not in allowed:
                yield (
                    ("subscribers", i, "points", j, "tariff"),
                    f"refers to tariff {point.tariff!r}, not offered there",
                )


def seed_tenant(tenant: Tenant, data: DemoData, today: date, profile: str) -> int:
    """Create the demo subscribers not yet present (and mark the shared demo accounts among
    those that are); returns how many were created."""
    created = 0
    for person in data.subscribers:
        existing = db.session.scalar(
            sa.select(Subscriber)
            .join(Contract, Contract.subscriber_id == Subscriber.id)
            .where(Contract.tenant == tenant.slug, Contract.number == person.contract)
        )
        if existing is None:
            _create(tenant, person, today, profile)
            created += 1
        else:
            # A database seeded before the mark existed learns which account is shared.
            existing.shared_demo = person.shared_demo
        # Days since the last seed get traffic too, so the «Traffic» page is never empty.
        usage_service.seed_demo(tenant, person.account, today)
    return created


def _create(tenant: Tenant, person: DemoSubscriber, today: date, profile: str) -> None:
    start = today - timedelta(days=person.history_days)
    subscriber = Subscriber(
        tenant=tenant.slug,
        kind=person.kind,
        surname=person.surname,
        first_name=person.first_name,
        patronymic=person.patronymic,
        organisation=person.organisation,
        inn=person.inn,
        email=person.email.lower() if person.email else None,
        phone=_phone(tenant, person.phone),
        region=person.region,
        locale=person.locale,
        shared_demo=person.shared_demo,
    )
    db.session.add(subscriber)
    db.session.flush()
    contract = Contract(
        tenant=tenant.slug, subscriber_id=subscriber.id, number=person.contract, signed_on=start
    )
    db.session.add(contract)
    db.session.flush()
    account = Account(
        tenant=tenant.slug,
        contract_id=contract.id,
        number=person.account,
        balance=0,
        status=person.status,
        balance_updated_at=_moment(tenant, person, start, 9),
    )
    db.session.add(account)
    db.session.flush()
    for point in person.points:
        db.session.add(
            ServicePoint(
                tenant=tenant.slug,
                account_id=account.id,
                address=point.address,
                tariff_code=point.tariff,
                active_since=start,
            )
        )
    auth_service.set_password(
        tenant,
        subscriber.id,
        person.password,
        profile,
        temporary=person.temporary_password,
        reason="issued",
    )
    for kind, value in _logins(tenant, person):
        auth_service.add_identifier(tenant, subscriber.id, kind, value)
    if person.recovery:
        recovery_service.switch_on(tenant, subscriber, person.recovery)
    region = tenant.region(person.region)
    monthly = sum(
        tenant.monthly_fee(tenant.tariffs[p.tariff], region, today) for p in person.points
    )
    _history(tenant, person, account.id, start, today, monthly)
    db.session.flush()


def _phone(tenant: Tenant, raw: str | None) -> str | None:
    return normalise_phone(raw, tenant.config.phone_region) if raw else None


def _logins(tenant: Tenant, person: DemoSubscriber) -> Iterator[tuple[IdentifierKind, str]]:
    values = {
        IdentifierKind.ACCOUNT: person.account,
        IdentifierKind.CONTRACT: person.contract,
        IdentifierKind.LOGIN: person.login,
        IdentifierKind.EMAIL: person.email,
        IdentifierKind.PHONE: person.phone,
        IdentifierKind.NICKNAME: person.nickname,
    }
    for identifier in tenant.config.login.identifiers:
        if values[identifier.kind]:
            yield identifier.kind, values[identifier.kind]


def _moment(tenant: Tenant, person: DemoSubscriber, day: date, hour: int) -> datetime:
    zone = ZoneInfo(tenant.timezone(tenant.region(person.region)))
    return datetime.combine(day, time(hour), zone).astimezone(UTC)


def _history(
    tenant: Tenant, person: DemoSubscriber, account_id: int, start: date, today: date, monthly: int
) -> None:
    """Monthly payments and daily charges; the opening payment makes the end balance exact."""
    rng = random.Random(f"{tenant.slug}:{person.account}")
    entries: list[tuple[date, int, EntryKind, str]] = []
    pay_day = rng.randint(1, 5)
    day = start + timedelta(days=1)
    while day < today:
        if person.status != "paused" or day < today - timedelta(days=20):
            entries.append((day, -daily_part(monthly, day), EntryKind.CHARGE, "charge"))
        if day.day == pay_day and day < today - timedelta(days=10):
            amount = -(-monthly // 10000) * 10000  # the fee rounded up to 100 roubles
            entries.append((day, amount, EntryKind.PAYMENT, "payment"))
        day += timedelta(days=1)
    opening = person.balance - sum(amount for _, amount, _, _ in entries)
    kind = EntryKind.PAYMENT if opening >= 0 else EntryKind.CORRECTION
    entries.insert(0, (start, opening, kind, "opening"))
    for n, (day, amount, entry_kind, label) in enumerate(entries):
        hour = 3 if entry_kind == EntryKind.CHARGE else rng.randint(9, 20)
        ledger.post_entry(
            tenant.slug,
            account_id,
            amount,
            entry_kind,
            reference=f"demo:{person.account}:{n}",
            description=label,
            at=_moment(tenant, person, day, hour),
        )
