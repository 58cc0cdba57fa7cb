"""`flask news send`: each subscriber hears their region's current news once, through the
channel they chose for region news, in their language."""

import sqlalchemy as sa

from app.core.subscribers import Subscriber
from app.extensions import db
from app.notify.models import QueuedMessage
from app.notify.preferences import choose


def _queued(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(QueuedMessage).order_by(QueuedMessage.id)).all()
        return [(r.recipient, r.subject or "") for r in rows]


def _send(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=["news", "send", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_item_goes_once_to_those_who_chose_a_channel(app, make_subscriber):
    north = make_subscriber(region="north", email="north@example.com", locale="en")
    make_subscriber(region="south", email="south@example.com")  # region news: «none»
    acme = app.extensions["tenancy"].tenants["acme"]
    with app.app_context():
        choose(acme, db.session.get(Subscriber, north["id"]), "region_news", "email")
        db.session.commit()
    assert "acme: 6 passed" in _send(app, "--tenant", "acme")  # 3 items each, south's to none
    sent = _queued(app)
    assert {to for to, _ in sent} == {"north@example.com"}
    subjects = sorted(subject for _, subject in sent)
    assert len(subjects) == 3
    assert any("An offer for the North" in s for s in subjects)
    assert any("News for everyone" in s for s in subjects)
    assert not any("South" in s or "Past" in s or "Future" in s for s in subjects)
    # A rerun, as the daily run does every day, tells nothing new.
    assert "acme: 0 passed" in _send(app, "--tenant", "acme")
    assert len(_queued(app)) == 3


def test_an_unknown_tenant_is_refused(app):
    result = app.test_cli_runner().invoke(args=["news", "send", "--tenant", "nope"])
    assert result.exit_code != 0 and "no tenant" in result.output
