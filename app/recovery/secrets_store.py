"""Issuing and checking one-time codes and links; only keyed hashes are stored."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.persistence import utcnow

from .models import Challenge, Purpose

CODE_DIGITS = 6
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def secret_hash(secret: str) -> str:
    """Keyed hash of a code or token; a stolen database cannot be replayed."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_token() -> str:
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
    purpose: Purpose,
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
        sa.select(Challenge)
        .where(Challenge.tenant == tenant, Challenge.handle == handle)
        .with_for_update()
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


def verified(tenant: str, handle: str) -> Challenge | None:
    """A challenge whose code was entered correctly and which is not yet used up."""
    challenge = db.session.scalar(
        sa.select(Challenge).where(Challenge.tenant == tenant, Challenge.handle == handle)
    )
    if _live(challenge, utcnow()) is not None or challenge.verified_at is None:
        return None
    return challenge


def by_link_token(tenant: str, token: str) -> tuple[Outcome, Challenge | None]:
    """The live challenge an e-mailed link points at."""
    challenge = db.session.scalar(
        sa.select(Challenge).where(
            Challenge.tenant == tenant,
            Challenge.secret_hash == secret_hash(token),
            Challenge.channel == "email",
            Challenge.purpose == Purpose.RESET,
        )
    )
    problem = _live(challenge, utcnow())
    if problem is not None or challenge.subscriber_id is None:
        return problem or Outcome.GONE, None
    return Outcome.OK, challenge


def use(challenge: Challenge) -> None:
    """Spend a challenge so it can never be used again."""
    challenge.used_at = utcnow()
