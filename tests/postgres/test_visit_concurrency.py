"""Many subscribers taking the last places of one slot at once: never more visits than
places, and every one who lost is told the slot is full."""

import os
import threading
from datetime import UTC, timedelta

import pytest

from app.extensions import db
from app.help import visits
from app.persistence import utcnow
from tests.web.visit_steps import book, iphome, places_taken, point_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="concurrent transactions are only real on PostgreSQL",
    ),
]
WORKERS = 8


@pytest.mark.parametrize("region", ["egorievsk", "msk"])  # one place, three places
def test_the_last_places_go_to_as_many_as_there_are(app, make_subscriber, region):
    tenant = iphome(app)
    people = [
        make_subscriber(tenant="iphome", logins={"login": f"race-{n}"}, region=region)["id"]
        for n in range(WORKERS)
    ]
    points = {person: point_of(app, person) for person in people}
    with app.app_context():
        chosen = visits.free_slots(tenant, tenant.region(region))[0]
    start = threading.Barrier(WORKERS)
    booked, full, failures = [], [], []

    def work(person: int) -> None:
        try:
            with app.app_context():  # its own session and connection
                start.wait()
                try:
                    visits.book(tenant, person, "cable", points[person], chosen.key)
                    db.session.commit()
                    booked.append(person)
                except visits.Full:
                    db.session.rollback()
                    full.append(person)
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    most = visits.places(tenant, tenant.region(region))
    assert len(booked) == most and len(full) == WORKERS - most
    assert places_taken(app, chosen.start.astimezone(UTC)) == list(range(1, most + 1))


def test_moving_visits_into_the_last_place_at_once(app, make_subscriber):
    # Moving takes no request number, so nothing but the place constraint stands between
    # the movers: this is the race at its barest.
    tenant = iphome(app)
    region = tenant.region("egorievsk")  # one place per slot
    with app.app_context():
        ahead = [
            s for s in visits.free_slots(tenant, region) if s.start > utcnow() + timedelta(hours=13)
        ]
    target, homes = ahead[0], ahead[1 : WORKERS + 1]
    people = []
    for n, home in enumerate(homes):
        person = make_subscriber(
            tenant="iphome", logins={"login": f"mover-{n}"}, region="egorievsk"
        )
        people.append((person["id"], book(app, person["id"], home.key)))
    start = threading.Barrier(len(people))
    moved, full, failures = [], [], []

    def work(person: int, number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                try:
                    visits.reschedule(tenant, person, number, target.key)
                    db.session.commit()
                    moved.append(person)
                except visits.Full:
                    db.session.rollback()
                    full.append(person)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=pair) for pair in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(moved) == 1 and len(full) == len(people) - 1
    assert places_taken(app, target.start.astimezone(UTC)) == [1]
