"""Issuing and checking challenges for the browser that is filling in a form.

This works on the Flask session: a challenge belongs to the browser it was shown to,
before anyone has logged in.

    issue(mode)    a new challenge for a form being shown, replacing any earlier one
    current()      the challenge shown last, until it is checked
    verify(answer) PASSED, WRONG or EXPIRED; uses the challenge up whatever the answer
    check(answer)  verify(answer) is PASSED

The session keeps {"mode", "nonce", "at"}: never the answer, which challenge.py derives
from the nonce with the secret key.
"""

import enum
import secrets
import time
from dataclasses import dataclass

from flask import current_app, session
from flask_babel import gettext as _

from app.tenancy.locale import current_locale

from . import challenge as rules

SESSION_KEY = "captcha"
LIFETIME = 10 * 60  # seconds
PICTURE, QUESTION = "picture", "question"
MODES = (PICTURE, QUESTION)


class Verdict(enum.Enum):
    PASSED = "passed"
    WRONG = "wrong"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Challenge:
    mode: str
    nonce: str
    issued: int

    @property
    def expired(self) -> bool:
        """Older than LIFETIME: no longer accepted."""
        return time.time() - self.issued > LIFETIME

    @property
    def tag(self) -> str:
        """A short token for the image URL, so a browser never reuses an older picture."""
        return self.nonce[:8]


def _key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def issue(mode: str | None = None) -> Challenge:
    """Start a new challenge in this mode (default: the mode this browser used last)."""
    if mode not in MODES:
        mode = (session.get(SESSION_KEY) or {}).get("mode")
    if mode not in MODES:
        mode = PICTURE
    issued = Challenge(mode, secrets.token_urlsafe(16), int(time.time()))
    session[SESSION_KEY] = {"mode": issued.mode, "nonce": issued.nonce, "at": issued.issued}
    return issued


def current() -> Challenge | None:
    """The challenge this browser was shown last, or None once it has been checked."""
    saved = session.get(SESSION_KEY) or {}
    if saved.get("mode") not in MODES or not saved.get("nonce"):
        return None
    return Challenge(saved["mode"], saved["nonce"], int(saved.get("at", 0)))


def _spend(nonce: str) -> bool:
    """Record the challenge as checked; False when it already was (a replayed cookie)."""
    spent = current_app.extensions["captcha"]
    return spent.incr(f"captcha-spent:{nonce}", LIFETIME) == 1


def _answered(shown: Challenge, answer: str) -> bool:
    if shown.mode == PICTURE:
        return rules.code_matches(picture_code(shown), answer)
    return rules.read_number(answer) == sum(rules.question_terms(_key(), shown.nonce))


def verify(answer: str) -> Verdict:
    """Check an answer against this browser's challenge; the challenge is used up either way."""
    shown = current()
    if shown is None:
        return Verdict.EXPIRED
    # Keep only the mode, so the next challenge is of the kind the subscriber chose.
    session[SESSION_KEY] = {"mode": shown.mode}
    if not _spend(shown.nonce) or shown.expired:
        return Verdict.EXPIRED
    return Verdict.PASSED if _answered(shown, answer) else Verdict.WRONG


def check(answer: str) -> bool:
    """True when the answer is right and the challenge still valid; uses the challenge up."""
    return verify(answer) is Verdict.PASSED


def picture_code(shown: Challenge) -> str:
    """The code the picture of this challenge shows."""
    return rules.picture_code(_key(), shown.nonce)


def question_text(shown: Challenge) -> str:
    """The question of this challenge, numbers in words of the page's language."""
    locale = current_locale()
    terms = rules.question_terms(_key(), shown.nonce)
    first, second = (rules.number_word(n, locale) for n in terms)
    return _("What is %(a)s plus %(b)s?", a=first, b=second)


def code_to_draw() -> str:
    """The code for the image route: of the picture shown, or of a new one if none is live."""
    shown = current()
    if shown is None or shown.mode != PICTURE or shown.expired:
        shown = issue(PICTURE)
    return picture_code(shown)
