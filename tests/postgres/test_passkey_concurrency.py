"""Races on PostgreSQL: one passkey login challenge, answered many times at once, logs in once."""

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.passkeys.models import Passkey, WebAuthnChallenge
from tests.conftest import Client
from tests.passkey_authenticator import SoftAuthenticator
from tests.postgres.test_promised_concurrency import in_threads
from tests.web.passkey_steps import add_passkey, login_options

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks to race on",
    ),
]
HOST = "acme.localhost"
PASSWORD = "Sunny-Garden-77"
THREADS = 10


def test_one_challenge_answered_at_once_logs_in_once(app, make_app, make_subscriber, tenant_client):
    facts = make_subscriber(password=PASSWORD)
    owner = tenant_client(HOST)
    assert owner.login(facts["account"], PASSWORD).status_code == 302
    # A passkey per thread, so only the challenge, not a shared counter, stands between them.
    keys = [SoftAuthenticator() for _ in range(THREADS)]
    for key in keys:
        assert add_passkey(owner, key).status_code == 200

    browser = tenant_client(HOST)
    token, options = login_options(browser)
    cookie = browser.get_cookie("session", domain=HOST).value
    # Each thread's answer is valid on its own: its own passkey, the same challenge.
    answers = [key.get(options, f"http://{HOST}") for key in keys]
    # No pool: every request holds a connection of its own, all at once.
    burst = make_app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool})
    burst.test_client_class = Client
    pending = iter(answers)

    def verify():
        assertion = next(pending)
        client = burst.test_client()
        client.host = HOST
        client.set_cookie("session", cookie, domain=HOST)
        response = client.post(
            "/passkeys/login/verify",
            json={"credential": assertion},
            headers={"X-CSRFToken": token},
        )
        return response.status_code

    results = in_threads(THREADS, verify)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count(200) == 1
    assert results.count(400) == THREADS - 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WebAuthnChallenge)) == 0
        used = db.session.scalars(sa.select(Passkey).where(Passkey.last_used_at.is_not(None)))
        assert len(used.all()) == 1
