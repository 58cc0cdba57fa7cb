"""Staff accounts, the tenants they work in, and their console sessions.

A staff account is one person, identified by e-mail across the platform: a reseller's
operator who runs several brands has one account and a grant per tenant. A console session
is bound to the tenant of the host it was begun on, like a subscriber's.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class StaffAccount(db.Model):
    """A person who works in the console of one or more tenants."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Issued by an administrator or `flask staff create`: replaced at the first login.
    password_temporary: Mapped[bool] = mapped_column(default=True)
    # The TOTP secret once enrolled; the one being enrolled waits in pending until confirmed.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_pending: Mapped[str | None] = mapped_column(sa.String(64))
    # The last time step a code was accepted for: a code is good once, never replayed.
    totp_last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # The challenge of the passkey ceremony under way (one at a time): single use, minutes.
    ceremony: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    ceremony_purpose: Mapped[str | None] = mapped_column(sa.String(20))
    ceremony_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    grants: Mapped[list["StaffGrant"]] = relationship(back_populates="account")


class StaffGrant(TenantScoped, db.Model):
    """One staff account's role in one tenant."""

    __table_args__ = (sa.UniqueConstraint("account_id", "tenant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_account.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[StaffAccount] = relationship(back_populates="grants")


class StaffSession(TenantScoped, db.Model):
    """One browser's console login, after the password and the second factor."""

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    network: Mapped[str] = mapped_column(sa.String(50), default="")
    method: Mapped[str] = mapped_column(sa.String(20))


class StaffPasskey(db.Model):
    """A passkey a staff member registered on one host: a second factor instead of the code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_account.id"), index=True)
    credential_id: Mapped[str] = mapped_column(sa.String(1400), unique=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sign_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    transports: Mapped[str] = mapped_column(sa.String(200), default="")
    # The host it was made on: it works there only, so a platform operator has one per ISP.
    rp_id: Mapped[str] = mapped_column(sa.String(253))
    name: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
