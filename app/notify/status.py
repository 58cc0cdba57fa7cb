"""Access suspended for debt and restored: heard from the core, told through the centre."""

from app.core.ledger import Cause
from app.core.scoped import get_owned
from app.core.signals import account_status_changed
from app.core.subscribers import Account, AccountStatus
from app.tenancy.registry import Tenant

from .tell import tell


def subscribe() -> None:
    """Tell the holder whenever an account is suspended for debt or has access back."""
    account_status_changed.connect(_on_status_changed)


def _on_status_changed(tenant: Tenant, account_id: int, old, new, cause: Cause) -> None:
    # A pause and its end are the subscriber's own doing: only debt's comings and goings.
    if (old, new) == (AccountStatus.ACTIVE, AccountStatus.BLOCKED):
        notice = "suspended"
    elif (old, new) == (AccountStatus.BLOCKED, AccountStatus.ACTIVE):
        notice = "resumed"
    else:
        return
    if notice == "resumed" and cause == Cause.PAYMENT:
        # The payment's own notice says access is back (app/payments/receipts.py): one
        # message for one payment, told once the credit is committed.
        return
    account = get_owned(Account, tenant, account_id)
    if account is None:
        return
    tell(
        tenant,
        account.contract.subscriber_id,
        notice,
        account=account.number,
        balance=account.balance,
    )
