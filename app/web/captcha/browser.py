"""Issuing and checking challenges for the browser that is filling in a form.

This works on the Flask session: a challenge belongs to the browser it was shown to, on the
tenant's site it was shown on, before anyone has logged in.

    issue()        a new challenge for a form being shown, replacing any earlier one
    current()      the challenge shown last, until it is checked
    verify(answer) PASSED, WRONG or EXPIRED; uses the challenge up whatever the answer
    check(answer)  verify(answer) is PASSED

The session keeps {"nonce", "at", "tenant"}: never the code, which challenge.py derives
from the nonce with the secret key.
"""

import enum
import secrets
import time
from dataclasses import dataclass

from flask import current_app, g, session

from . import challenge as rules

SESSION_KEY = "captcha"
LIFETIME = 10 * 60  # seconds


class Verdict(enum.Enum):
    PASSED = "passed"
    WRONG = "wrong"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Challenge:
    nonce: str
    issued: int

    @property
    def expired(self) -> bool:
        """Older than LIFETIME: no longer accepted."""
        return time.time() - self.issued > LIFETIME

    @property
    def tag(self) -> str:
        """A short token for the picture and sound URLs, so a browser never reuses older ones."""
        return self.nonce[:8]


def _key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def _tenant() -> str:
    tenant = g.get("tenant")
    return tenant.slug if tenant is not None else ""


def issue() -> Challenge:
    """Start a new challenge, replacing the one this browser was shown before."""
    issued = Challenge(secrets.token_urlsafe(16), int(time.time()))
    session[SESSION_KEY] = {"nonce": issued.nonce, "at": issued.issued, "tenant": _tenant()}
    return issued


def current() -> Challenge | None:
    """The challenge this browser was shown last on this tenant's site, until it is checked."""
    saved = session.get(SESSION_KEY) or {}
    # A session cookie carried to another tenant's host brings no challenge with it: that
    # tenant's picture, recording and limits are its own.
    if not saved.get("nonce") or saved.get("tenant") != _tenant():
        return None
    return Challenge(saved["nonce"], int(saved.get("at", 0)))


def _spend(nonce: str) -> bool:
    """Record the challenge as checked; False when it already was (a replayed cookie)."""
    spent = current_app.extensions["captcha"]
    return spent.incr(f"captcha-spent:{nonce}", LIFETIME) == 1


def verify(answer: str) -> Verdict:
    """Check an answer against this browser's challenge; the challenge is used up either way."""
    shown = current()
    session.pop(SESSION_KEY, None)
    if shown is None or not _spend(shown.nonce) or shown.expired:
        return Verdict.EXPIRED
    return Verdict.PASSED if rules.code_matches(code_of(shown), answer) else Verdict.WRONG


def check(answer: str) -> bool:
    """True when the answer is right and the challenge still valid; uses the challenge up."""
    return verify(answer) is Verdict.PASSED


def code_of(shown: Challenge) -> str:
    """The code the picture and the recording of this challenge give."""
    return rules.picture_code(_key(), shown.nonce)


def code_to_show() -> str:
    """The code for the picture and sound routes: of the challenge shown, or of a new one
    if none is live (the form's page was opened long ago, or on another tenant's site)."""
    shown = current()
    if shown is None or shown.expired:
        shown = issue()
    return code_of(shown)
