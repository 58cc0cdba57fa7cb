"""Redeeming a secret typed for a subscriber (a temporary password): whose, which purpose,
how many guesses."""

from datetime import timedelta

import pytest

from app.core import verification
from app.extensions import db

HOUR = timedelta(hours=1)


@pytest.fixture
def two(app, make_subscriber):
    first = make_subscriber(tenant="athome", logins={})
    second = make_subscriber(tenant="athome", logins={})
    with app.app_context():
        yield first["id"], second["id"]
        db.session.rollback()


def issue(subscriber_id: int, secret: str, purpose: str = "temporary-password"):
    return verification.issue(
        "athome", subscriber_id, purpose, "login", "sms", "+79110000000", HOUR, secret
    )


def test_each_subscriber_redeems_their_own_secret_though_another_is_newer(two):
    first, second = two
    issue(first, "first-secret")
    issue(second, "second-secret")  # newer, of the same purpose
    assert verification.redeem("athome", first, "temporary-password", "second-secret", 5) is None
    redeemed = verification.redeem("athome", first, "temporary-password", "first-secret", 5)
    assert redeemed is not None and redeemed.subscriber_id == first


def test_a_secret_of_another_purpose_redeems_nothing(two):
    first, _ = two
    issue(first, "for-something-else", purpose="other-purpose")
    assert (
        verification.redeem("athome", first, "temporary-password", "for-something-else", 5) is None
    )


@pytest.mark.parametrize("wrong, works", [(4, True), (5, False)])
def test_every_wrong_guess_counts_once(two, wrong, works):
    first, _ = two
    issue(first, "the-secret")
    for n in range(wrong):
        assert verification.redeem("athome", first, "temporary-password", f"guess-{n}", 5) is None
    redeemed = verification.redeem("athome", first, "temporary-password", "the-secret", 5)
    assert (redeemed is not None) is works
