"""Every security limit on both sides of its boundary: a limit moved by one is caught.

Code and link lifetimes, the guess count, the password length, the recovery sending limits.
Session timeouts and login limits have tests of their own beside them.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app.core import verification
from app.persistence import utcnow
from tests.web.test_recovery_security import EMAIL, PASSWORD, PHONE, ask, latest_code

HOST = "athome.localhost"


def _password_of(length: int) -> str:
    return ("Vx7-Lm2q" * 20)[:length]


def _frozen_at(monkeypatch, delta: timedelta) -> None:
    later = utcnow() + delta
    monkeypatch.setattr(verification, "utcnow", lambda: later)


@pytest.mark.parametrize(
    ("after", "accepted"),
    [(timedelta(minutes=9, seconds=50), True), (timedelta(minutes=10, seconds=10), False)],
)
def test_sms_code_lives_ten_minutes(tenant_client, athome, sms, monkeypatch, after, accepted):
    client = tenant_client(HOST)
    ask(client, athome["contract"])
    _frozen_at(monkeypatch, after)
    response = client.form("/recover/code", {"code": latest_code(sms)})
    assert (response.headers.get("Location") == "/recover/password") is accepted


@pytest.mark.parametrize(
    ("after", "status"),
    [(timedelta(minutes=59, seconds=50), 200), (timedelta(minutes=60, seconds=10), 410)],
)
def test_link_lives_an_hour(tenant_client, athome, mailbox, monkeypatch, after, status):
    client = tenant_client(HOST)
    ask(client, athome["contract"], delivery="email_link")
    path = urlsplit(mailbox.link(EMAIL)).path
    _frozen_at(monkeypatch, after)
    assert client.get(path).status_code == status


@pytest.mark.parametrize(("wrong", "accepted"), [(4, True), (5, False)])
def test_the_fifth_wrong_guess_locks_the_code(tenant_client, athome, sms, wrong, accepted):
    client = tenant_client(HOST)
    ask(client, athome["contract"])
    right = latest_code(sms)
    for _ in range(wrong):
        client.form("/recover/code", {"code": f"{(int(right) + 1) % 10**6:06d}"})
    response = client.form("/recover/code", {"code": right})
    assert (response.headers.get("Location") == "/recover/password") is accepted


@pytest.mark.parametrize(("length", "accepted"), [(7, False), (8, True), (128, True), (129, False)])
def test_password_length_on_change(tenant_client, athome, length, accepted):
    client = tenant_client(HOST)
    assert client.login("petrov_spb", PASSWORD).status_code == 302
    new = _password_of(length)
    response = client.form("/password", {"current": PASSWORD, "new": new, "confirm": new})
    assert (response.status_code == 302) is accepted
    fresh = tenant_client(HOST)
    assert (fresh.login("petrov_spb", new).status_code == 302) is accepted


@pytest.mark.parametrize(("length", "accepted"), [(7, False), (8, True), (128, True), (129, False)])
def test_password_length_on_reset(tenant_client, athome, sms, length, accepted):
    client = tenant_client(HOST)
    ask(client, athome["contract"])
    client.form("/recover/code", {"code": latest_code(sms)})
    new = _password_of(length)
    response = client.form("/recover/password", {"new": new, "confirm": new})
    assert (response.status_code == 302) is accepted
    assert (tenant_client(HOST).login("petrov_spb", new).status_code == 302) is accepted


def test_one_address_may_ask_twenty_times_an_hour(tenant_client, athome, sms):
    client = tenant_client(HOST)
    for n in range(20):
        assert ask(client, f"9{n:05d}").status_code == 302, n  # nobody's numbers
    response = ask(client, athome["contract"])
    assert response.status_code == 429
    assert re.search(r"(try again in|Повторите через) \d+", response.text)
    assert sms(PHONE) == []
    other_address = tenant_client(HOST)
    other_address.environ_base = {"REMOTE_ADDR": "192.0.2.77"}
    assert ask(other_address, athome["contract"]).status_code == 302
