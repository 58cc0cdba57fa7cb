"""Password hashing (argon2id) and the password policy."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")

# A cheap profile for the test suite only; production uses RFC 9106's recommendations.
PROFILES = {
    "rfc9106_low_memory": profiles.RFC_9106_LOW_MEMORY,
    "rfc9106_high_memory": profiles.RFC_9106_HIGH_MEMORY,
    "test": profiles.CHEAPEST,
}


@cache
def hasher(profile: str) -> PasswordHasher:
    """The argon2id hasher for a named cost profile."""
    return PasswordHasher.from_parameters(PROFILES[profile])


@cache
def common_passwords() -> frozenset[str]:
    """The passwords attackers try first; none of them may be chosen.

    zxcvbn's list of 30,000 leaked passwords, plus the Russian-keyboard favourites it lacks.
    """
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    ours = (line.strip().casefold() for line in lines if line.strip())
    return frozenset(FREQUENCY_LISTS["passwords"]).union(ours)


def policy_problem(password: str) -> str | None:
    """Which rule a new password breaks: 'short', 'long', 'common', or None."""
    if len(password) < MIN_LENGTH:
        return "short"
    if len(password) > MAX_LENGTH:
        return "long"
    if password.casefold() in common_passwords():
        return "common"
    return None


def verify(profile: str, password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, still spend the same time so absence is not visible."""
    ph = hasher(profile)
    if password_hash is None:
        password_hash = _dummy_hash(profile)
    try:
        return ph.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(profile: str) -> str:
    return hasher(profile).hash("no account has this password")
