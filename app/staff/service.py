"""Staff accounts and console sessions: the staff package's one face to the others.

Plain functions taking the tenant explicitly; nothing here reads the request.
"""

import sqlalchemy as sa

from app.core import passwords
from app.core.verification import new_temporary_password
from app.extensions import db

from .models import StaffAccount, StaffGrant, StaffPasskey, StaffSession
from .roles import Role
from .sessions import end_sessions


class StaffError(ValueError):
    """A staff account cannot be made or changed this way; the message says why."""


def normal_email(email: str) -> str:
    """The form an e-mail is stored and looked up in."""
    return email.strip().lower()


def account_by_email(email: str) -> StaffAccount | None:
    return db.session.scalar(
        sa.select(StaffAccount).where(StaffAccount.email == normal_email(email))
    )


def account(account_id: int) -> StaffAccount | None:
    """A staff account by id (staff accounts belong to people, not to one tenant)."""
    return db.session.scalar(sa.select(StaffAccount).where(StaffAccount.id == account_id))


def grant_of(account_id: int, tenant: str) -> StaffGrant | None:
    """The account's role in this tenant, if it has one."""
    return db.session.scalar(
        sa.select(StaffGrant).where(
            StaffGrant.account_id == account_id, StaffGrant.tenant == tenant
        )
    )


def create_account(email: str, name: str, profile: str) -> tuple[StaffAccount, str]:
    """A new staff account with a temporary password (returned once, to hand over)."""
    email = normal_email(email)
    if "@" not in email or len(email) > 254:
        raise StaffError("not an e-mail address")
    if account_by_email(email) is not None:
        raise StaffError("a staff account with this e-mail exists")
    password = new_temporary_password()
    account = StaffAccount(
        email=email,
        name=name.strip(),
        password_hash=passwords.hasher(profile).hash(password),
        password_temporary=True,
    )
    db.session.add(account)
    db.session.flush()
    return account, password


def grant(account: StaffAccount, tenant: str, role: Role) -> StaffGrant:
    """Give the account this role in the tenant (replacing the role it had there)."""
    row = grant_of(account.id, tenant)
    if row is None:
        row = StaffGrant(account_id=account.id, tenant=tenant, role=role.value)
        db.session.add(row)
    else:
        row.role = role.value
    db.session.flush()
    return row


def revoke(account_id: int, tenant: str) -> None:
    """Take the account's role in this tenant away and end its sessions there."""
    db.session.execute(
        sa.delete(StaffGrant).where(
            StaffGrant.account_id == account_id, StaffGrant.tenant == tenant
        )
    )
    end_sessions(tenant, account_id)


def staff_of(tenant: str) -> list[tuple[StaffAccount, StaffGrant]]:
    """Everyone with a role in the tenant, by name."""
    rows = db.session.execute(
        sa.select(StaffAccount, StaffGrant)
        .join(StaffGrant, StaffGrant.account_id == StaffAccount.id)
        .where(StaffGrant.tenant == tenant)
        .order_by(StaffAccount.name, StaffAccount.id)
    ).all()
    return [tuple(row) for row in rows]


def authenticate(tenant: str, email: str, password: str, profile: str) -> StaffAccount | None:
    """The active account with a role in this tenant when the password is right; the same
    work whether or not the e-mail is known."""
    account = account_by_email(email)
    usable = account is not None and account.active and grant_of(account.id, tenant) is not None
    stored = account.password_hash if usable else None
    if not passwords.verify(profile, stored, password) or not usable:
        return None
    return account


def set_password(account: StaffAccount, password: str, profile: str) -> None:
    account.password_hash = passwords.hasher(profile).hash(password)
    account.password_temporary = False


def reset_login(account: StaffAccount, profile: str) -> str:
    """A new temporary password and a new second factor to enrol at the next login, for a
    staff member who lost either; their passkeys go and their sessions everywhere end."""
    password = new_temporary_password()
    account.password_hash = passwords.hasher(profile).hash(password)
    account.password_temporary = True
    account.totp_secret = account.totp_pending = None
    account.totp_last_step = 0
    db.session.execute(sa.delete(StaffPasskey).where(StaffPasskey.account_id == account.id))
    db.session.execute(sa.delete(StaffSession).where(StaffSession.account_id == account.id))
    return password


def tenants_of(account_id: int) -> list[tuple[str, str]]:
    """(tenant, role) for every tenant the account works in."""
    rows = db.session.execute(
        sa.select(StaffGrant.tenant, StaffGrant.role)
        .where(StaffGrant.account_id == account_id)
        .order_by(StaffGrant.tenant)
    ).all()
    return [tuple(row) for row in rows]
