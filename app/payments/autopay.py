"""Autopay: a saved card token and one rule per account, charged when the rule falls due."""

import calendar
import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.core import audit
from app.core.money import clamp
from app.core.scoped import get_owned, owned
from app.core.signals import daily_run
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import PaymentKind as MethodKind

from . import lookup
from .models import AutopayRule, Payment, PaymentStatus, RuleKind, SavedCard
from .providers import CardToken, FailureReason, ProviderUnavailable, get_provider
from .service import NewPayment, create_payment, notify_url, order_of

log = logging.getLogger("app.payments")


def saved_card(tenant: Tenant, subscriber_id: int) -> SavedCard | None:
    """The subscriber's card kept for autopay, if any."""
    return db.session.scalar(
        owned(SavedCard, tenant).where(SavedCard.subscriber_id == subscriber_id)
    )


def keep_card(tenant: Tenant, subscriber_id: int, provider: str, card: CardToken) -> SavedCard:
    """Save the provider's token for the subscriber, replacing (and revoking) an older card."""
    existing = saved_card(tenant, subscriber_id)
    if existing is None:
        existing = SavedCard(tenant=tenant.slug, subscriber_id=subscriber_id)
        db.session.add(existing)
    elif existing.token != card.token:
        get_provider(existing.provider).forget_token(tenant, existing.token)
    existing.provider, existing.token = provider, card.token
    existing.last4, existing.brand = card.last4, card.brand
    existing.created_at = utcnow()
    # Kept when the bank's callback says the card paid: the system acts.
    audit.record(
        tenant.slug,
        "autopay.card_saved",
        subscriber_id=subscriber_id,
        after={"last4": card.last4, "brand": card.brand},
        by=audit.SYSTEM,
    )
    db.session.flush()
    return existing


def remove_card(tenant: Tenant, subscriber_id: int) -> bool:
    """Forget the card at the provider and here, with the rules that used it."""
    card = saved_card(tenant, subscriber_id)
    if card is None:
        return False
    get_provider(card.provider).forget_token(tenant, card.token)
    db.session.execute(
        sa.delete(AutopayRule).where(
            AutopayRule.tenant == tenant.slug, AutopayRule.card_id == card.id
        )
    )
    audit.record(
        tenant.slug,
        "autopay.card_removed",
        subscriber_id=subscriber_id,
        before={"last4": card.last4},
    )
    db.session.delete(card)
    db.session.flush()
    return True


def rule_for(tenant: Tenant, account_id: int) -> AutopayRule | None:
    """The account's autopay rule, switched on or off."""
    return db.session.scalar(owned(AutopayRule, tenant).where(AutopayRule.account_id == account_id))


@dataclass(frozen=True)
class RuleSettings:
    kind: RuleKind
    threshold: int | None = None
    amount: int | None = None
    day: int | None = None


def set_rule(tenant: Tenant, subscriber_id: int, account_id: int, settings: RuleSettings):
    """Create or change the account's rule and switch it on; needs a saved card."""
    card = saved_card(tenant, subscriber_id)
    if card is None:
        raise LookupError("no saved card")
    rule = rule_for(tenant, account_id)
    before = _settings_of(rule) if rule is not None and rule.active else None
    if rule is None:
        rule = AutopayRule(tenant=tenant.slug, subscriber_id=subscriber_id, account_id=account_id)
        db.session.add(rule)
    audit.record(
        tenant.slug,
        "autopay.switched_on" if before is None else "autopay.changed",
        subscriber_id=subscriber_id,
        target=f"account:{account_id}",
        before=before,
        after={
            "kind": str(settings.kind),
            "threshold": settings.threshold,
            "amount": settings.amount,
            "day": settings.day,
        },
    )
    rule.card_id = card.id
    rule.kind = settings.kind
    rule.threshold, rule.amount, rule.day = settings.threshold, settings.amount, settings.day
    rule.active = True
    rule.updated_at = utcnow()
    db.session.flush()
    return rule


def switch_off(tenant: Tenant, account_id: int) -> bool:
    """Stop charging the account's rule; True when it was on."""
    rule = rule_for(tenant, account_id)
    if rule is None or not rule.active:
        return False
    rule.active = False
    rule.updated_at = utcnow()
    audit.record(
        tenant.slug,
        "autopay.switched_off",
        subscriber_id=rule.subscriber_id,
        target=f"account:{account_id}",
        before=_settings_of(rule),
    )
    db.session.flush()
    return True


def _settings_of(rule: AutopayRule) -> dict:
    return {
        "kind": str(rule.kind),
        "threshold": rule.threshold,
        "amount": rule.amount,
        "day": rule.day,
    }


def is_due(rule: AutopayRule, balance: int, local_date: date) -> bool:
    """Whether the rule charges on this date: once per date at most."""
    if not rule.active or rule.last_run_on == local_date:
        return False
    if rule.kind == RuleKind.MONTHLY:
        last_day = calendar.monthrange(local_date.year, local_date.month)[1]
        return local_date.day == min(rule.day or 1, last_day)
    return rule.threshold is not None and balance < rule.threshold


def _amount(tenant: Tenant, rule: AutopayRule, monthly_total: int) -> int:
    """What to charge, within the ISP's limits; 0 when nothing is owed (no charged services)."""
    wanted = monthly_total if rule.kind == RuleKind.MONTHLY else rule.amount or 0
    rules = tenant.config.payments
    return clamp(wanted, rules.min_amount, rules.max_amount) if wanted > 0 else 0


def _autopay_method(tenant: Tenant):
    return next(m for m in tenant.config.payments.methods if m.kind == MethodKind.AUTOPAY)


def subscribe() -> None:
    """Charge due rules after each tenant's daily billing run."""
    daily_run.connect(_on_daily_run)


def _on_daily_run(tenant: Tenant, local_date: date) -> str:
    return f"autopay {run_due_rules(tenant, local_date)} payment(s)"


def run_due_rules(tenant: Tenant, local_date: date) -> int:
    """Charge each due rule through the provider; how many payments were credited.

    Commits per rule: a charge reaches the provider, so its payment is recorded first.
    """
    ids = db.session.scalars(
        sa.select(AutopayRule.id).where(AutopayRule.tenant == tenant.slug, AutopayRule.active)
    ).all()
    db.session.rollback()
    return sum(_run_rule(tenant, rule_id, local_date) for rule_id in ids)


def _run_rule(tenant: Tenant, rule_id: int, local_date: date) -> int:
    """Charge one rule if it is due; 1 when the payment was credited."""
    due = _record_due_payment(tenant, rule_id, local_date)
    if due is None:
        return 0
    payment_id, token = due
    return 1 if _charge(tenant, payment_id, token) else 0


def _record_due_payment(tenant: Tenant, rule_id: int, local_date: date):
    """(payment id, card token) of the committed pending payment for a due rule, or None."""
    rule = db.session.scalar(
        sa.select(AutopayRule).where(AutopayRule.id == rule_id).with_for_update()
    )
    account = lookup.account_choice(tenant, rule.account_id) if rule else None
    card = get_owned(SavedCard, tenant, rule.card_id) if rule else None
    due = account is not None and card is not None and is_due(rule, account.balance, local_date)
    amount = _amount(tenant, rule, account.monthly_total) if due else 0
    if not amount:
        db.session.rollback()
        return None
    new = NewPayment(
        account.id, _autopay_method(tenant), amount, payer_subscriber_id=rule.subscriber_id
    )
    try:
        payment = create_payment(tenant, new, reference=f"AUTO-{rule.id}-{local_date:%Y%m%d}")
        payment.card_last4 = card.last4  # the saved card this charge is made to
        rule.last_run_on = local_date
        token = card.token
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another run already charged this rule for this date
        return None
    return payment.id, token


def _charge(tenant: Tenant, payment_id: int, token: str) -> bool:
    """Charge the token through the provider; True when the notification credited it."""
    payment = get_owned(Payment, tenant, payment_id)
    try:
        get_provider(payment.provider).charge_saved(
            order_of(tenant, payment, "card"), token, notify_url(tenant)
        )
    except ProviderUnavailable:
        payment.status = PaymentStatus.FAILED
        payment.failure_reason = FailureReason.UNAVAILABLE.value
        db.session.commit()
    db.session.refresh(payment)
    if payment.status != PaymentStatus.SUCCEEDED:
        log.warning("autopay %s not paid: %s", payment.reference, payment.failure_reason)
        return False
    return True
