"""A limit refuses for its window and then lets the owner in again: 429, never a lockout."""

import time
from types import SimpleNamespace

import limits.storage.memory
import limits.strategies
import pytest

from tests.web.test_recovery_security import PASSWORD, PHONE, ask

HOST = "athome.localhost"


@pytest.fixture
def clock(monkeypatch):
    """The rate limits' clock, moved on by hand."""
    offset = [0.0]
    fake = SimpleNamespace(time=lambda: time.time() + offset[0])
    for module in (limits.storage.memory, limits.strategies):
        monkeypatch.setattr(module, "time", fake)
    return lambda minutes: offset.__setitem__(0, offset[0] + minutes * 60)


def test_recovery_sends_again_after_the_hour(tenant_client, athome, sms, clock):
    client = tenant_client(HOST)
    for _ in range(3):
        assert ask(client, athome["contract"]).status_code == 302
    assert ask(client, athome["contract"]).status_code == 429
    clock(61)
    assert ask(client, athome["contract"]).status_code == 302
    assert len(sms(PHONE)) == 4


def test_login_opens_again_after_the_window(tenant_client, athome, clock):
    client = tenant_client(HOST)
    for _ in range(10):
        client.login("petrov_spb", "Wrong-Password-1")
    assert client.login("petrov_spb", PASSWORD).status_code == 429
    clock(6)
    assert client.login("petrov_spb", PASSWORD).status_code == 302
