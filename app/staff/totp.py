"""The second factor every staff member must use: TOTP (RFC 6238), each code good once."""

import secrets
import time

import pyotp
import sqlalchemy as sa

from app.extensions import db

from .models import StaffAccount

TOTP_STEP = 30  # seconds; what every authenticator app uses
TOTP_DRIFT = 1  # steps either side of now a code is still good for (a slow typist, a clock)


def begin_enrolment(account: StaffAccount) -> str:
    """A new secret for the account to confirm with its first code; the old one stays
    in force until then."""
    account.totp_pending = pyotp.random_base32()
    return account.totp_pending


def enrolment_uri(account: StaffAccount, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(account.totp_pending).provisioning_uri(name=account.email, issuer_name=issuer)


def _step_matching(secret: str, code: str, now: float) -> int | None:
    typed = "".join(ch for ch in code if ch.isdigit())
    if len(typed) != 6:
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP)
    current = int(now // TOTP_STEP)
    for step in range(current - TOTP_DRIFT, current + TOTP_DRIFT + 1):
        if secrets.compare_digest(totp.at(step * TOTP_STEP), typed):
            return step
    return None


def _locked(account_id: int) -> StaffAccount:
    # The row lock makes two requests with one code take turns: the second sees the step used.
    return db.session.scalar(
        sa.select(StaffAccount).where(StaffAccount.id == account_id).with_for_update()
    )


def check_code(account_id: int, code: str, now: float | None = None) -> bool:
    """Whether the code is the account's current one and not used before (then it is used)."""
    account = _locked(account_id)
    if account is None or account.totp_secret is None:
        return False
    step = _step_matching(account.totp_secret, code, time.time() if now is None else now)
    if step is None or step <= account.totp_last_step:
        return False
    account.totp_last_step = step
    return True


def confirm_enrolment(account_id: int, code: str, now: float | None = None) -> bool:
    """Put the pending secret in force when the code is its current one."""
    account = _locked(account_id)
    if account is None or account.totp_pending is None:
        return False
    step = _step_matching(account.totp_pending, code, time.time() if now is None else now)
    if step is None:
        return False
    account.totp_secret, account.totp_pending = account.totp_pending, None
    account.totp_last_step = step
    return True
