"""One-time codes and links for any purpose: issue, check, supersede, guess and send limits.

A challenge is stored as a keyed hash only. Features name their own purpose ("reset",
"contact", "promised" …); a newer challenge of the same subscriber and purpose retires the
older ones.
"""

import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app
from limits import parse
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db, limiter
from app.persistence import TenantScoped, UTCDateTime, utcnow

from .scoped import owned

CODE_DIGITS = 6
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LIMITS_NAMESPACE = "recovery"


class Challenge(TenantScoped, db.Model):
    """A code or link sent once; only its keyed hash is stored."""

    __tablename__ = "recovery_challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the browser holds (in its session) to point at this challenge; not the secret.
    handle: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # None for a decoy: a request that matched no account is answered exactly like one that
    # did, and its challenge simply never succeeds.
    subscriber_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    flow: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(10))
    destination: Mapped[str | None] = mapped_column(sa.String(254))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded: Mapped[bool] = mapped_column(default=False)


def secret_hash(secret: str) -> str:
    """Keyed hash of a code or token; a stolen database cannot be replayed."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    """Six random digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_token() -> str:
    """A random token for a link."""
    return secrets.token_urlsafe(32)


def new_temporary_password() -> str:
    """Ten characters, no look-alikes, easy to type from an SMS."""
    return "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(10))


@dataclass(frozen=True)
class Issued:
    handle: str
    secret: str


def issue(
    tenant: str,
    subscriber_id: int | None,
    purpose: str,
    flow: str,
    channel: str,
    destination: str | None,
    lifetime: timedelta,
    secret: str,
) -> Issued:
    """Store a challenge for secret, retiring every older live one of the same subscriber."""
    if subscriber_id is not None:
        db.session.execute(
            sa.update(Challenge)
            .where(
                Challenge.tenant == tenant,
                Challenge.subscriber_id == subscriber_id,
                Challenge.purpose == purpose,
                Challenge.used_at.is_(None),
            )
            .values(superseded=True)
        )
    now = utcnow()
    challenge = Challenge(
        tenant=tenant,
        handle=secrets.token_urlsafe(24),
        subscriber_id=subscriber_id,
        purpose=purpose,
        flow=flow,
        channel=channel,
        destination=destination,
        secret_hash=secret_hash(secret),
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(challenge)
    db.session.flush()
    return Issued(challenge.handle, secret)


class Outcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"  # too many wrong guesses
    GONE = "gone"  # used, replaced by a newer one, or never existed


def _live(challenge: Challenge | None, now: datetime) -> Outcome | None:
    if challenge is None or challenge.used_at is not None or challenge.superseded:
        return Outcome.GONE
    if challenge.expires_at <= now:
        return Outcome.EXPIRED
    return None


def check_code(tenant: str, handle: str, code: str, max_guesses: int) -> Outcome:
    """Check a typed code against the challenge the browser holds, counting wrong guesses."""
    challenge = db.session.scalar(
        owned(Challenge, tenant).where(Challenge.handle == handle).with_for_update()
    )
    now = utcnow()
    problem = _live(challenge, now)
    if problem is not None:
        return problem
    if challenge.attempts >= max_guesses:
        return Outcome.LOCKED
    typed = "".join(ch for ch in code if ch.isdigit())
    if challenge.subscriber_id is None or not hmac.compare_digest(
        challenge.secret_hash, secret_hash(typed)
    ):
        challenge.attempts += 1
        return Outcome.LOCKED if challenge.attempts >= max_guesses else Outcome.WRONG
    challenge.verified_at = now
    return Outcome.OK


def redeem(
    tenant: str, subscriber_id: int, purpose: str, secret: str, max_guesses: int
) -> Challenge | None:
    """Mark verified the subscriber's newest live challenge of this purpose when secret is its
    own (so it cannot be typed twice); a wrong secret counts as one guess against it."""
    challenge = db.session.scalar(
        owned(Challenge, tenant)
        .where(
            Challenge.subscriber_id == subscriber_id,
            Challenge.purpose == purpose,
            Challenge.verified_at.is_(None),
        )
        .order_by(Challenge.id.desc())
        .limit(1)
        .with_for_update()
    )
    now = utcnow()
    if _live(challenge, now) is not None or challenge.attempts >= max_guesses:
        return None
    if not hmac.compare_digest(challenge.secret_hash, secret_hash(secret)):
        challenge.attempts += 1
        return None
    challenge.verified_at = now
    return challenge


def verified(tenant: str, handle: str) -> Challenge | None:
    """A challenge whose code was entered correctly and which is not yet used up."""
    challenge = db.session.scalar(owned(Challenge, tenant).where(Challenge.handle == handle))
    if _live(challenge, utcnow()) is not None or challenge.verified_at is None:
        return None
    return challenge


def by_link_token(tenant: str, token: str, purpose: str) -> tuple[Outcome, Challenge | None]:
    """The live challenge of this purpose that an e-mailed link points at."""
    challenge = db.session.scalar(
        owned(Challenge, tenant).where(
            Challenge.secret_hash == secret_hash(token),
            Challenge.channel == "email",
            Challenge.purpose == purpose,
        )
    )
    problem = _live(challenge, utcnow())
    if problem is not None or challenge.subscriber_id is None:
        return problem or Outcome.GONE, None
    return Outcome.OK, challenge


def use(challenge: Challenge) -> None:
    """Spend a challenge so it can never be used again."""
    challenge.used_at = utcnow()


def _limit_key(part: str) -> str:
    # Typed values (phones, names) never reach the storage in clear text.
    return hashlib.sha256(part.encode()).hexdigest()[:32]


def over_limit(rules: list[tuple[str, str]]) -> int | None:
    """Minutes to wait if any (rate, key) rule is used up; otherwise count one use of each."""
    strategy = limiter.limiter
    items = [(parse(rate), _limit_key(key)) for rate, key in rules]
    waits = [
        strategy.get_window_stats(item, LIMITS_NAMESPACE, key).reset_time - time.time()
        for item, key in items
        if not strategy.test(item, LIMITS_NAMESPACE, key)
    ]
    if waits:
        return max(1, math.ceil(max(waits) / 60))
    for item, key in items:
        strategy.hit(item, LIMITS_NAMESPACE, key)
    return None
