"""Production refuses a SECRET_KEY that is short, the development one, or guessable."""

import secrets

import pytest

from app.config import DEV_SECRET_KEY, ConfigError, check_production, estimated_entropy_bits

REDIS = "redis://127.0.0.1:6379"


def _check(key: str) -> None:
    check_production({"SECRET_KEY": key, "RATELIMIT_STORAGE_URI": REDIS})


@pytest.mark.parametrize(
    "key",
    [
        "x" * 40,
        "abc" * 14,
        "0123456789" * 4,
        "Aa1!" * 10,
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "password" * 5,
    ],
)
def test_a_low_entropy_key_is_refused(key):
    with pytest.raises(ConfigError, match="SECRET_KEY looks guessable"):
        _check(key)


@pytest.mark.parametrize("key", ["", "short", DEV_SECRET_KEY, secrets.token_urlsafe(20)])
def test_a_short_or_development_key_is_refused(key):
    with pytest.raises(ConfigError, match="at least 32 characters"):
        _check(key)


@pytest.mark.parametrize("draw", range(20))
def test_a_random_key_passes(draw):
    _check(secrets.token_urlsafe(32))
    _check(secrets.token_hex(32))


def test_the_estimate_grows_with_randomness():
    assert estimated_entropy_bits("x" * 64) < 1
    assert estimated_entropy_bits(secrets.token_urlsafe(32)) >= 128
