"""What the unit tests of money and services share: an app context, the service_changed
signal heard, and the daily run without autopay."""

import pytest

from app.core.signals import daily_run, service_changed
from app.payments import autopay


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def heard():
    """What service_changed said, in order."""
    events = []

    def listen(sender, **facts):
        events.append(facts)

    service_changed.connect(listen)
    yield events
    service_changed.disconnect(listen)


@pytest.fixture
def without_autopay(app):
    """The daily run without autopay: the charging run is tested on its own, the payments
    feature tests its autopay."""
    daily_run.disconnect(autopay._on_daily_run)
    yield
    autopay.subscribe()
