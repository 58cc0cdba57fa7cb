"""Passwords are stored as argon2id at RFC 9106's cost outside the test suite, never as text,
and the most common ones are refused whatever their case."""

import pytest
import sqlalchemy as sa
from argon2 import Type, extract_parameters

from app.auth.models import Credential
from app.config import load_settings
from app.core import passwords
from app.extensions import db

PASSWORD = "Quiet-Meadow-4410"


def test_the_default_profile_is_argon2id_at_the_recommended_cost():
    profile = "rfc9106_low_memory"  # the high-memory one takes 2 GiB a hash: not run here
    hashed = passwords.hasher(profile).hash(PASSWORD)
    parameters = extract_parameters(hashed)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 64 * 1024  # KiB: RFC 9106's low-memory choice
    assert parameters.time_cost >= 3
    assert passwords.verify(profile, hashed, PASSWORD)
    assert not passwords.verify(profile, hashed, PASSWORD + "x")


def test_a_deployment_hashes_with_a_real_profile(monkeypatch):
    monkeypatch.delenv("PORTAL_ARGON2_PROFILE", raising=False)
    assert load_settings({})["PORTAL_ARGON2_PROFILE"] == "rfc9106_low_memory"


def test_the_database_holds_a_hash_not_the_password(app, make_subscriber):
    make_subscriber(password=PASSWORD)
    with app.app_context():
        stored = db.session.scalar(sa.select(Credential.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize("common", ["qwerty123", "Password1", "ЙЦУКЕН123", "1q2w3e4r"])
def test_common_passwords_are_refused_in_any_case(common):
    assert passwords.policy_problem(common) == "common"
    assert passwords.policy_problem(common.swapcase()) == "common"
