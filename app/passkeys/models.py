"""A subscriber's passkeys and the challenges of ceremonies under way."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class Passkey(TenantScoped, db.Model):
    """A public key credential a subscriber registered on one of the tenant's hosts."""

    __tablename__ = "passkey"
    __table_args__ = (sa.UniqueConstraint("tenant", "credential_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    # base64url, as browsers send it; WebAuthn allows up to 1023 bytes.
    credential_id: Mapped[str] = mapped_column(sa.String(1400))
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # The authenticator's counter is an unsigned 32-bit number.
    sign_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    transports: Mapped[str] = mapped_column(sa.String(200), default="")
    # The host it was made on (its relying party id): it only works there.
    rp_id: Mapped[str] = mapped_column(sa.String(253))
    # WebAuthn's user.id: random, the same for all of one subscriber's passkeys.
    user_handle: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebAuthnChallenge(TenantScoped, db.Model):
    """The random challenge of one ceremony: used once, within minutes, by the browser that
    holds its handle in its session (and, to register, by the subscriber it was made for)."""

    __tablename__ = "webauthn_challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    subscriber_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    challenge: Mapped[bytes] = mapped_column(sa.LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
