"""Corrections and refunds staff make on a subscriber's account, with four eyes above a sum.

Each one is a new ledger entry (app.core.ledger), never an edit of an old one; who asked,
why, and who approved it stay on its StaffCorrection row, which the entry's reference names.
Up to the tenant's `billing.staff.four_eyes_above` it is posted at once; above it, it
waits for a second staff member with the money right, who approves or refuses it, once.

A refund pays money back to the payer out of the account: it cannot exceed what was paid
in (payments, less the refunds already made or waiting), nor the balance left (what the
account has spent on service is not there to return).
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.core import ledger
from app.core.ledger import EntryKind, LedgerEntry
from app.core.subscribers import Account, Contract
from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow
from app.tenancy.registry import Tenant


class CorrectionKind(StrEnum):
    CREDIT = "credit"  # a correction in the subscriber's favour
    DEBIT = "debit"  # a correction against the balance
    REFUND = "refund"  # money paid back to the payer


class CorrectionStatus(StrEnum):
    PENDING = "pending"  # waits for a second staff member
    APPLIED = "applied"  # its ledger entry is posted
    REFUSED = "refused"


KIND_NAMES = {
    CorrectionKind.CREDIT: _l("Correction in the subscriber's favour"),
    CorrectionKind.DEBIT: _l("Correction against the balance"),
    CorrectionKind.REFUND: _l("Refund to the payer"),
}
STATUS_NAMES = {
    CorrectionStatus.PENDING: _l("waiting for approval"),
    CorrectionStatus.APPLIED: _l("posted"),
    CorrectionStatus.REFUSED: _l("refused"),
}
_ENTRY_KINDS = {
    CorrectionKind.CREDIT: EntryKind.CORRECTION,
    CorrectionKind.DEBIT: EntryKind.CORRECTION,
    CorrectionKind.REFUND: EntryKind.REFUND,
}
REFERENCE = "staff-money:{}"


class StaffCorrection(TenantScoped, db.Model):
    """A correction or refund asked for by a staff member: posted, waiting, or refused."""

    __table_args__ = (sa.Index("ix_staff_correction_tenant_status", "tenant", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    kind: Mapped[CorrectionKind] = mapped_column(sa.String(20))
    # Signed kopecks, as the ledger entry will carry them: a debit and a refund are negative.
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[CorrectionStatus] = mapped_column(sa.String(20))
    requested_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_account.id"))
    requested_by_name: Mapped[str] = mapped_column(sa.String(120))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    decided_by_name: Mapped[str | None] = mapped_column(sa.String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal: Mapped[str | None] = mapped_column(sa.String(300))
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entry.id"))


class Refusal(StrEnum):
    """Why a correction was not made (the views say it in the staff member's language)."""

    TOO_MUCH_REFUND = "too_much_refund"
    OWN_REQUEST = "own_request"  # four eyes: not the one who asked
    DECIDED = "decided"  # approved or refused already, by someone else or another click


REFUSALS = {
    Refusal.TOO_MUCH_REFUND: _l(
        "A refund cannot be more than was paid in and not yet refunded, nor more than the "
        "balance: at most %(amount)s here."
    ),
    Refusal.OWN_REQUEST: _l("Another staff member with the money right must decide on this."),
    Refusal.DECIDED: _l("This correction is decided already."),
}


@dataclass(frozen=True)
class Outcome:
    """What asking or deciding came to: the row, the balance around it, or a refusal."""

    correction: StaffCorrection | None = None
    balance_before: int | None = None
    balance_after: int | None = None
    refusal: Refusal | None = None
    limit: int = 0  # for a refused refund: the most that could be refunded


def four_eyes_above(tenant: Tenant) -> int:
    """Kopecks above which a correction or refund waits for a second staff member."""
    return tenant.config.billing.staff.four_eyes_above


def refundable(tenant: Tenant, account: Account, but: int | None = None) -> int:
    """Kopecks that may still be refunded: paid in, less refunds made or waiting (but the
    correction `but`), and never more than the balance."""
    paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.tenant == tenant.slug,
            LedgerEntry.account_id == account.id,
            LedgerEntry.kind == EntryKind.PAYMENT.value,
        )
    )
    waiting = (
        sa.select(sa.func.coalesce(sa.func.sum(-StaffCorrection.amount), 0))
        .where(
            StaffCorrection.tenant == tenant.slug,
            StaffCorrection.account_id == account.id,
            StaffCorrection.kind == CorrectionKind.REFUND.value,
            StaffCorrection.status.in_([CorrectionStatus.PENDING, CorrectionStatus.APPLIED]),
        )
        .where(StaffCorrection.id != but if but is not None else sa.true())
    )
    refunded = db.session.scalar(waiting)
    return max(0, min(paid - refunded, account.balance))


def ask(
    tenant: Tenant,
    account_id: int,
    kind: CorrectionKind,
    kopecks: int,
    reason: str,
    staff_id: int,
    staff_name: str,
) -> Outcome:
    """File a correction or refund of kopecks (> 0) on the account; posted at once up to the
    tenant's four-eyes sum, else left waiting. The caller records it and commits."""
    if kopecks <= 0:
        raise ValueError("a correction is a positive number of kopecks")
    account = ledger.lock_account(tenant.slug, account_id)
    if account is None:
        raise LookupError(f"no account {account_id} in tenant {tenant.slug}")
    if kind == CorrectionKind.REFUND and kopecks > (most := refundable(tenant, account)):
        return Outcome(refusal=Refusal.TOO_MUCH_REFUND, limit=most)
    signed = kopecks if kind == CorrectionKind.CREDIT else -kopecks
    correction = StaffCorrection(
        tenant=tenant.slug,
        account_id=account.id,
        kind=kind,
        amount=signed,
        reason=reason,
        status=CorrectionStatus.PENDING,
        requested_by=staff_id,
        requested_by_name=staff_name,
        requested_at=utcnow(),
    )
    db.session.add(correction)
    db.session.flush()
    before = account.balance
    if kopecks > four_eyes_above(tenant):
        return Outcome(correction, before, before)
    _post(tenant, correction, staff_id, staff_name)
    return Outcome(correction, before, account.balance)


def _post(tenant: Tenant, correction: StaffCorrection, staff_id: int, staff_name: str) -> None:
    reference = REFERENCE.format(correction.id)
    kind = _ENTRY_KINDS[CorrectionKind(correction.kind)]
    if correction.amount > 0:
        entry = ledger.credit(tenant, correction.account_id, correction.amount, kind, reference)
    else:
        entry = ledger.post_entry(
            tenant.slug, correction.account_id, correction.amount, kind, reference
        )
    correction.status = CorrectionStatus.APPLIED
    correction.entry_id = entry.id
    correction.decided_by = staff_id
    correction.decided_by_name = staff_name
    correction.decided_at = utcnow()


def _claim(tenant: Tenant, correction_id: int, staff_id: int) -> bool:
    # Only one decision wins: the row leaves "pending" in one conditional UPDATE, so a
    # second click, here or in another browser, finds it decided and changes nothing.
    won = db.session.execute(
        sa.update(StaffCorrection)
        .where(
            StaffCorrection.tenant == tenant.slug,
            StaffCorrection.id == correction_id,
            StaffCorrection.status == CorrectionStatus.PENDING.value,
            StaffCorrection.requested_by != staff_id,
        )
        .values(status=CorrectionStatus.APPLIED.value)
        .execution_options(synchronize_session=False)
    )
    return won.rowcount == 1


def _refuse_early(correction: StaffCorrection, staff_id: int) -> Refusal | None:
    if correction.status != CorrectionStatus.PENDING:
        return Refusal.DECIDED
    if correction.requested_by == staff_id:
        return Refusal.OWN_REQUEST
    return None


def approve(tenant: Tenant, correction: StaffCorrection, staff_id: int, staff_name: str) -> Outcome:
    """Post a waiting correction, exactly once, by someone other than who asked for it."""
    account = ledger.lock_account(tenant.slug, correction.account_id)
    db.session.refresh(correction)
    if (refusal := _refuse_early(correction, staff_id)) is not None:
        return Outcome(correction, refusal=refusal)
    if correction.kind == CorrectionKind.REFUND:
        most = refundable(tenant, account, but=correction.id)
        if -correction.amount > most:
            return Outcome(correction, refusal=Refusal.TOO_MUCH_REFUND, limit=most)
    if not _claim(tenant, correction.id, staff_id):
        return Outcome(correction, refusal=Refusal.DECIDED)
    before = account.balance
    _post(tenant, correction, staff_id, staff_name)
    return Outcome(correction, before, account.balance)


def refuse(
    tenant: Tenant, correction: StaffCorrection, staff_id: int, staff_name: str, why: str
) -> Outcome:
    """Refuse a waiting correction (someone other than who asked); nothing is posted."""
    db.session.refresh(correction, with_for_update=True)
    if (refusal := _refuse_early(correction, staff_id)) is not None:
        return Outcome(correction, refusal=refusal)
    correction.status = CorrectionStatus.REFUSED
    correction.decided_by = staff_id
    correction.decided_by_name = staff_name
    correction.decided_at = utcnow()
    correction.refusal = why
    return Outcome(correction)


def correction_of(tenant: Tenant, correction_id: int) -> StaffCorrection | None:
    """One correction of this tenant, or None."""
    return db.session.scalar(
        sa.select(StaffCorrection).where(
            StaffCorrection.tenant == tenant.slug, StaffCorrection.id == correction_id
        )
    )


def holder_of(tenant: Tenant, account_id: int) -> int | None:
    """The subscriber whose account this is, for the audit trail."""
    return db.session.scalar(
        sa.select(Contract.subscriber_id)
        .join(Account, Account.contract_id == Contract.id)
        .where(Account.id == account_id, Account.tenant == tenant.slug)
    )


def pending(tenant: Tenant) -> list[tuple[StaffCorrection, Account]]:
    """The tenant's corrections waiting for a second staff member, oldest first."""
    rows = db.session.execute(
        sa.select(StaffCorrection, Account)
        .join(Account, Account.id == StaffCorrection.account_id)
        .where(
            StaffCorrection.tenant == tenant.slug,
            StaffCorrection.status == CorrectionStatus.PENDING.value,
        )
        .order_by(StaffCorrection.requested_at, StaffCorrection.id)
    )
    return [tuple(row) for row in rows]


def of_accounts(tenant: Tenant, account_ids: list[int], limit: int = 20) -> list[StaffCorrection]:
    """The latest corrections on these accounts, newest first."""
    if not account_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(StaffCorrection)
            .where(
                StaffCorrection.tenant == tenant.slug,
                StaffCorrection.account_id.in_(account_ids),
            )
            .order_by(StaffCorrection.requested_at.desc(), StaffCorrection.id.desc())
            .limit(limit)
        )
    )
