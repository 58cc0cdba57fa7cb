"""The console's side of the helpdesk: whom a callback or visit may be given to, and the
names of the staff on the pages (the rules of requests stay in app/help)."""

from . import service
from .roles import Permission, allows


def assignable(tenant_slug: str) -> list:
    """The tenant's staff who work the queues: whom a callback or visit may be given to."""
    return [
        account
        for account, grant in service.staff_of(tenant_slug)
        if allows(grant.role, Permission.QUEUES, changing=True)
    ]


def staff_name(account_id: int | None) -> str | None:
    """The name of a staff account, for the pages."""
    account = service.account(account_id) if account_id is not None else None
    return account.name if account is not None else None
