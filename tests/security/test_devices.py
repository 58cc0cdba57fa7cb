"""The session and login records on their own: limits to the second, order, the history.

The records' clock (app.core.devices.utcnow) is patched to a round moment, so each limit is
tried exactly at its edge and a second past it.
"""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core import devices
from app.core.devices import LoginEvent, LoginSession
from app.extensions import db

from .test_sessions import LAPTOP, PHONE_UA

START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


class Clock:
    def __init__(self, monkeypatch):
        self.now = START
        monkeypatch.setattr(devices, "utcnow", lambda: self.now)

    def set(self, moment: datetime) -> None:
        self.now = moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def person(ctx, make_subscriber) -> int:
    return make_subscriber()["id"]


def login(subscriber_id: int, agent: str = LAPTOP) -> LoginSession:
    row, _ = devices.open_session("acme", subscriber_id, agent, "192.0.2.7", "password")
    db.session.commit()
    return row


def listed(subscriber_id: int) -> list[int]:
    return [row.id for row in devices.active_sessions("acme", subscriber_id)]


def stored() -> set[int]:
    return set(db.session.scalars(sa.select(LoginSession.id)))


def test_a_session_ends_a_moment_after_its_limits_not_at_them(ctx):
    idle, absolute = devices.limits()
    used = LoginSession(created_at=START, last_seen_at=START)
    assert not devices.expired(used, START + idle)
    assert devices.expired(used, START + idle + SECOND)
    busy = LoginSession(created_at=START - absolute, last_seen_at=START)
    assert not devices.expired(busy, START)
    busy.created_at -= SECOND
    assert devices.expired(busy, START)


def test_the_list_shows_a_session_up_to_its_idle_limit(person, clock):
    idle, _ = devices.limits()
    session = login(person).id
    clock.set(START + idle)
    assert listed(person) == [session]
    clock.set(START + idle + SECOND)
    assert listed(person) == []


def test_the_list_drops_a_busy_session_past_its_absolute_limit(person, clock):
    _, absolute = devices.limits()
    row = login(person)
    clock.set(START + absolute)
    devices.touch(row, clock.now)  # used a moment ago: never idle
    db.session.commit()
    assert listed(person) == [row.id]
    clock.set(START + absolute + SECOND)
    assert listed(person) == []


def test_a_login_clears_the_dead_sessions_and_keeps_the_live_ones(person, make_subscriber, clock):
    idle, _ = devices.limits()
    other = make_subscriber()["id"]
    dead = login(person).id
    theirs = login(other).id  # as idle, but another subscriber's
    clock.set(START + timedelta(minutes=20))
    live = login(person).id
    clock.set(START + idle + SECOND)
    new = login(person).id
    assert stored() == {theirs, live, new}
    assert dead not in stored()


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("192.0.2.7", "192.0.2.0/24"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.0/24"),
        ("not an address", ""),
        (None, ""),
    ],
)
def test_a_login_keeps_the_device_and_the_network_not_the_address(person, address, kept):
    devices.open_session("acme", person, LAPTOP, address, "password")
    db.session.commit()
    db.session.expire_all()
    session = db.session.scalar(sa.select(LoginSession))
    (event,) = devices.history("acme", person)
    for row in (session, event):
        assert (row.browser, row.system, row.network, row.method) == (
            "Firefox",
            "Windows",
            kept,
            "password",
        )


def test_last_seen_is_rewritten_once_a_full_minute_has_passed(person, clock):
    row = login(person)
    devices.touch(row, START + timedelta(seconds=59))
    db.session.commit()
    assert db.session.scalar(sa.select(LoginSession.last_seen_at)) == START
    devices.touch(row, START + timedelta(minutes=1))
    db.session.commit()
    assert db.session.scalar(sa.select(LoginSession.last_seen_at)) == START + timedelta(minutes=1)


def test_the_most_recently_used_session_is_listed_first(person, clock):
    laptop = login(person)
    clock.set(START + timedelta(minutes=1))
    phone = login(person, PHONE_UA)
    clock.set(START + timedelta(minutes=5))
    devices.touch(laptop, clock.now)
    db.session.commit()
    assert listed(person) == [laptop.id, phone.id]


def test_sessions_used_at_the_same_moment_list_the_newest_first(person, clock):
    first, second, third = (login(person).id for _ in range(3))
    assert listed(person) == [third, second, first]


def event(subscriber_id: int, at: datetime) -> int:
    row = LoginEvent(
        tenant="acme", subscriber_id=subscriber_id, at=at, success=True, method="password"
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def history(subscriber_id: int) -> list[int]:
    return [row.id for row in devices.history("acme", subscriber_id)]


def test_the_history_is_the_subscribers_own(person, make_subscriber, clock):
    other = make_subscriber()["id"]
    mine = login(person)
    login(other)
    assert [e.subscriber_id for e in devices.history("acme", person)] == [person]
    assert [e.subscriber_id for e in devices.history("acme", other)] == [other]
    assert mine.subscriber_id == person


def test_the_history_shows_the_latest_20_newest_first(person, clock):
    for minute in range(21):
        clock.set(START + timedelta(minutes=minute))
        devices.record_login("acme", person, minute % 2 == 0, LAPTOP, "192.0.2.7", "password")
    db.session.commit()
    shown = devices.history("acme", person)
    assert len(shown) == 20
    assert [e.at for e in shown] == [START + timedelta(minutes=m) for m in range(20, 0, -1)]


def test_the_history_is_ordered_by_time_then_by_arrival(person, clock):
    # A clock put back (or two logins in one moment) must not shuffle the list.
    later = event(person, START + timedelta(minutes=10))
    earlier = event(person, START)
    same_a, same_b = (
        event(person, START + timedelta(minutes=5)),
        event(person, START + timedelta(minutes=5)),
    )
    clock.set(START + timedelta(hours=1))
    assert history(person) == [later, same_b, same_a, earlier]


def test_the_history_reaches_back_90_days_to_the_second(person, clock):
    login(person)
    clock.set(START + timedelta(days=90))
    assert len(history(person)) == 1
    clock.set(START + timedelta(days=90) + SECOND)
    assert history(person) == []


def events_of(subscriber_id: int) -> list[datetime]:
    """Every stored login of the subscriber, shown or not."""
    return list(
        db.session.scalars(
            sa.select(LoginEvent.at)
            .where(LoginEvent.subscriber_id == subscriber_id)
            .order_by(LoginEvent.at)
        )
    )


def test_a_login_forgets_the_subscribers_logins_older_than_90_days(person, make_subscriber, clock):
    other = make_subscriber()["id"]
    login(person)
    login(other)
    ninety = START + timedelta(days=90)
    clock.set(ninety)
    login(person)
    assert events_of(person) == [START, ninety]  # exactly 90 days old: still kept
    clock.set(ninety + SECOND)
    login(person)
    assert events_of(person) == [ninety, ninety + SECOND]
    assert events_of(other) == [START]  # forgotten at their own next login
