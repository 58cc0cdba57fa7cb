"""What a ledger entry was, in a person's words: its kind and what it paid or took.

The ledger keeps machine references: `charge:<account id>:<YYYY-MM-DD>` (the daily run),
`payment:<payment reference>` (an online payment), `promised:<hex>`, `promised-fee:<id>`
and `promised-repay:<id>` (the promised payment), `option:<id>`, `option-day:<id>:<date>` and
`option-refund:<id>` (options, worded by app.options), `tariff-fee:<id>` and
`tariff-difference:<id>` (a tariff change), `transfer-out:<id>` and `transfer-in:<id>` (a
payment moved between accounts by an approved transfer request), `demo:<account>:<n>`
(demo seeding).
The words are worked out each time an entry is shown, from its kind and that reference,
in the page's language: stored entries are never rewritten, and a tariff's name or a
translation fixed later reads right on old entries too. The statement page, its CSV and
the receipts all take their words from here, so they never disagree.

Interface text comes from the active gettext locale (the request's, or one forced by the
caller); `locale` names the same language for ISP text from YAML and for dates.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import gettext as _

import app.billing.service as billing
import app.options.service as options
import app.payments.service as payments
import app.services.service as services
from app.core.ledger import EntryKind, LedgerEntry, kind_label
from app.core.subscribers import ServicePoint
from app.core.tariffs import TariffPeriod, code_on, periods_of
from app.extensions import db
from app.tenancy.names import feature_name, has_own_name
from app.tenancy.registry import Tenant
from app.tenancy.schema import PaymentKind as MethodKind

PROMISED = "promised_payment"  # its name in tenant.yaml `names:`, where the ISP has its own
CHARGE_REF = re.compile(r"^charge:(\d{1,18}):(\d{4}-\d{2}-\d{2})$")
PAYMENT_REF = re.compile(r"^payment:(.+)$")
PROMISED_REF = re.compile(r"^promised:[0-9a-f]+$")
PROMISED_FEE_REF = re.compile(r"^promised-fee:(\d{1,18})$")
PROMISED_REPAY_REF = re.compile(r"^promised-repay:(\d{1,18})$")
TARIFF_REF = re.compile(r"^tariff-(fee|difference):(\d{1,18})$")
DEMO_REF = re.compile(r"^demo:[^:]*:\d+$")
# What demo seeding wrote in the description of the balance the history starts from.
DEMO_OPENING = "opening"
MASK = "•••• "


@dataclass(frozen=True)
class EntryWords:
    """An entry as a subscriber reads it."""

    kind: str  # «Платёж», «Списание» … in the page's language
    description: str  # «Оптимум 300, плата за 5 марта 2026 г.», «Банковская карта •••• 4242»
    reference: str = ""  # a number worth quoting to the ISP: an online payment's own; else empty


def describe(
    tenant: Tenant, entries: Sequence[LedgerEntry], locale: str, zone: str
) -> dict[int, EntryWords]:
    """The words of each entry, by entry id; a handful of queries whatever the number."""
    facts = _Facts.load(tenant, entries, locale)
    return {entry.id: _words(tenant, entry, facts, locale, ZoneInfo(zone)) for entry in entries}


def describe_one(tenant: Tenant, entry: LedgerEntry, locale: str, zone: str) -> EntryWords:
    """The words of one entry."""
    return describe(tenant, [entry], locale, zone)[entry.id]


@dataclass(frozen=True)
class _Facts:
    """What the entries' references point at, loaded together."""

    payments: dict[str, payments.Payment]
    promises_by_reference: dict[str, billing.PromisedPayment]
    promises_by_id: dict[int, billing.PromisedPayment]
    points: dict[int, list[ServicePoint]]  # account id -> its service points
    periods: dict[int, list[TariffPeriod]]  # point id -> its tariffs over time, if changed
    tariff_changes: dict[int, services.TariffChange]
    option_words: dict[str, str]  # reference -> «Турбокнопка», «Антивирус, за 5 марта» …

    @classmethod
    def load(cls, tenant: Tenant, entries: Sequence[LedgerEntry], locale: str) -> "_Facts":
        payment_refs = [m[1] for e in entries if (m := PAYMENT_REF.match(e.reference))]
        promise_refs = [e.reference for e in entries if PROMISED_REF.match(e.reference)]
        promise_ids = [
            int(m[1])
            for e in entries
            if (m := PROMISED_FEE_REF.match(e.reference) or PROMISED_REPAY_REF.match(e.reference))
        ]
        points = _points(tenant, {e.account_id for e in entries if e.kind == EntryKind.CHARGE})
        by_reference, by_id = billing.promises_by(tenant, promise_refs, promise_ids)
        return cls(
            payments.payments_by_reference(tenant, payment_refs),
            by_reference,
            by_id,
            points,
            periods_of(tenant, [p.id for found in points.values() for p in found]),
            services.changes_by_id(
                tenant, [int(m[2]) for e in entries if (m := TARIFF_REF.match(e.reference))]
            ),
            options.entry_words(tenant, [e.reference for e in entries], locale),
        )


def _points(tenant: Tenant, account_ids: set[int]) -> dict[int, list[ServicePoint]]:
    if not account_ids:
        return {}
    rows = db.session.scalars(
        sa.select(ServicePoint)
        .where(ServicePoint.tenant == tenant.slug, ServicePoint.account_id.in_(account_ids))
        .order_by(ServicePoint.id)
    )
    found: dict[int, list[ServicePoint]] = {}
    for point in rows:
        found.setdefault(point.account_id, []).append(point)
    return found


def _words(tenant, entry: LedgerEntry, facts: _Facts, locale: str, zone: ZoneInfo) -> EntryWords:
    kind = kind_label(entry.kind, tenant)
    if DEMO_REF.match(entry.reference):
        return EntryWords(kind, _demo(tenant, entry, facts, locale, zone))
    if entry.kind == EntryKind.PAYMENT:
        return _payment(tenant, entry, kind, facts, locale)
    if entry.reference in facts.option_words:
        return EntryWords(kind, facts.option_words[entry.reference])
    describer = _DESCRIBERS.get(entry.kind)
    text = describer(tenant, entry, facts, locale, zone) if describer else None
    return EntryWords(kind, text if text is not None else entry.description or "")


def _day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _date(day: date, locale: str) -> str:
    return format_date(day, "long", locale=locale)


def _charge(tenant, entry: LedgerEntry, facts: _Facts, locale: str, zone: ZoneInfo):
    if match := CHARGE_REF.match(entry.reference):
        return _daily_fee(tenant, entry, date.fromisoformat(match[2]), facts, locale)
    if match := PROMISED_FEE_REF.match(entry.reference):
        promise = facts.promises_by_id.get(int(match[1]))
        if promise is None:
            if has_own_name(tenant, PROMISED):
                return _("Fee for %(name)s", name=feature_name(tenant, PROMISED))
            return _("Fee for a promised payment")
        day = _date(_day(promise.taken_at, zone), locale)
        if has_own_name(tenant, PROMISED):
            name = feature_name(tenant, PROMISED)
            return _("Fee for %(name)s taken on %(day)s", name=name, day=day)
        return _("Fee for the promised payment taken on %(day)s", day=day)
    return None


def _daily_fee(tenant: Tenant, entry: LedgerEntry, day: date, facts: _Facts, locale: str) -> str:
    """«Оптимум 300, плата за 5 марта 2026 г.»: the tariff of each point charged that day,
    with its address when the account has several points.

    The tariff is the one the point was on that day (its tariff periods), so a region's
    own price, a promotion or a change since does not hide it.
    """
    points = facts.points.get(entry.account_id, [])
    names: list[str] = []
    for point in points:
        if point.active_since > day:
            continue
        code = code_on(point, facts.periods.get(point.id, []), day)
        tariff = tenant.tariffs.get(code)
        name = tenant.text(tariff.name, locale) if tariff else code
        if len(points) > 1:
            name = _("%(name)s (%(address)s)", name=name, address=point.address)
        names.append(name)
    when = _date(day, locale)
    if not names:
        return _("Monthly fee, the part for %(day)s", day=when)
    return _("%(tariff)s, the fee for %(day)s", tariff=", ".join(names), day=when)


def _payment(tenant, entry: LedgerEntry, kind: str, facts: _Facts, locale: str) -> EntryWords:
    match = PAYMENT_REF.match(entry.reference)
    payment = facts.payments.get(match[1]) if match else None
    if payment is None:
        # Not an online payment of the portal: a bank, a terminal, an operator's entry.
        stored = "" if match else entry.description
        return EntryWords(kind, stored or _("Money received on the account"))
    return EntryWords(kind, payment_method_words(tenant, payment, locale), payment.reference)


def payment_method_words(tenant: Tenant, payment: payments.Payment, locale: str) -> str:
    """«Банковская карта •••• 4242», «Автоплатёж •••• 4242», «Электронные деньги: ЮMoney»."""
    method = payments.method_by_code(tenant, payment.method)
    name = tenant.text(method.name, locale) if method else _("Online payment")
    card_kinds = (MethodKind.CARD, MethodKind.AUTOPAY)
    if payment.card_last4 and (method is None or method.kind in card_kinds):
        return f"{name} {MASK}{payment.card_last4}"
    choice = payments.method_choice(tenant, payment.method, payment.method_choice)
    return f"{name}: {tenant.text(choice.name, locale)}" if choice else name


def _promised_credit(tenant, entry: LedgerEntry, facts: _Facts, locale: str, zone: ZoneInfo):
    promise = facts.promises_by_reference.get(entry.reference)
    if promise is None:
        return "" if PROMISED_REF.match(entry.reference) else None
    day = _date(_day(promise.due_at, zone), locale)
    return _("Repaid automatically on %(day)s", day=day)


def _promised_repayment(tenant, entry: LedgerEntry, facts: _Facts, locale: str, zone: ZoneInfo):
    match = PROMISED_REPAY_REF.match(entry.reference)
    promise = facts.promises_by_id.get(int(match[1])) if match else None
    if promise is None:
        return "" if match else None
    day = _date(_day(promise.taken_at, zone), locale)
    if has_own_name(tenant, PROMISED):
        return _("%(name)s taken on %(day)s", name=feature_name(tenant, PROMISED), day=day)
    return _("The promised payment taken on %(day)s", day=day)


def _transfer(tenant, entry: LedgerEntry, facts: _Facts, locale: str, zone: ZoneInfo):
    if entry.description:
        return None
    if entry.amount >= 0:
        return _("A payment moved here from another account")
    return _("A payment moved to another account")


def _refund(tenant, entry: LedgerEntry, facts: _Facts, locale: str, zone: ZoneInfo):
    return None if entry.description else _("Money returned to the payer")


def _correction(tenant, entry: LedgerEntry, facts: _Facts, locale: str, zone: ZoneInfo):
    return None if entry.description else _("Balance corrected by the provider")


def _tariff_change(tenant, entry: LedgerEntry, facts: _Facts, locale: str, zone: ZoneInfo):
    match = TARIFF_REF.match(entry.reference)
    change = facts.tariff_changes.get(int(match[2])) if match else None
    if change is None:
        return None

    def name(code: str) -> str:
        tariff = tenant.tariffs.get(code)
        return tenant.text(tariff.name, locale) if tariff else code

    names = {"old": name(change.from_code), "new": name(change.to_code)}
    if match[1] == "fee":
        return _("Fee for changing the tariff: %(old)s → %(new)s", **names)
    return _("Price difference for today: %(old)s → %(new)s", **names)


_DESCRIBERS = {
    EntryKind.CHARGE: _charge,
    EntryKind.PROMISED_CREDIT: _promised_credit,
    EntryKind.PROMISED_REPAYMENT: _promised_repayment,
    EntryKind.TRANSFER: _transfer,
    EntryKind.REFUND: _refund,
    EntryKind.CORRECTION: _correction,
    EntryKind.TARIFF_CHANGE: _tariff_change,
}


def _demo(tenant, entry: LedgerEntry, facts: _Facts, locale: str, zone: ZoneInfo) -> str:
    """Demo history: daily charges at 03:00 local time, monthly payments, an opening balance."""
    if entry.description == DEMO_OPENING:
        return _("Opening balance")
    if entry.kind == EntryKind.CHARGE:
        return _daily_fee(tenant, entry, _day(entry.created_at, zone), facts, locale)
    if entry.kind == EntryKind.PAYMENT:
        return _("Money received on the account")
    return ""


def words_of(tenant: Tenant, entries: Iterable[LedgerEntry], locale: str, zone: str, chunk=500):
    """(entry, words) for a long stream of entries, described a chunk at a time."""
    batch: list[LedgerEntry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= chunk:
            yield from _pairs(tenant, batch, locale, zone)
            batch = []
    yield from _pairs(tenant, batch, locale, zone)


def _pairs(tenant: Tenant, batch: list[LedgerEntry], locale: str, zone: str):
    if batch:
        described = describe(tenant, batch, locale, zone)
        for entry in batch:
            yield entry, described[entry.id]
