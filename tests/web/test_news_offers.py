"""Personal offers: an item for some tariffs' or accounts' holders is shown to them alone,
on the news page, on the dashboard and by `flask news send`, and only in its own ISP."""

import re

import pytest
import sqlalchemy as sa

from app.core.subscribers import Account, Subscriber
from app.extensions import db
from app.notify.models import QueuedMessage
from app.notify.preferences import choose

PASSWORD = "Sunny-Garden-77"
DIALOG = re.compile(r"<dialog[^>]*data-news-pop-up.*?</dialog>", re.S)


def _codes(html: str) -> list[str]:
    return re.findall(r'data-news="([^"]+)"', html)


def renumber(app, facts: dict, number: str) -> None:
    """Give the subscriber's account the number a personal offer names."""
    with app.app_context():
        db.session.get(Account, facts["account_id"]).number = number
        db.session.commit()


@pytest.fixture
def login(tenant_client):
    def log_in(facts: dict, host: str = "acme.localhost"):
        client = tenant_client(host)
        client.login(facts["login"], PASSWORD)
        return client

    return log_in


def subscriber(make_subscriber, tenant: str = "acme", **fields) -> dict:
    facts = make_subscriber(tenant=tenant, password=PASSWORD, **fields)
    return {**facts, "login": facts["account"]}


def test_an_offer_for_a_tariff_is_shown_to_its_subscribers_only(make_subscriber, login):
    fast = subscriber(make_subscriber, region="north", tariffs=("fast",))
    basic = subscriber(make_subscriber, region="north")
    assert "fast-offer" in _codes(login(fast).get("/news/").get_data(as_text=True))
    assert "fast-offer" not in _codes(login(basic).get("/news/").get_data(as_text=True))


def test_one_point_on_the_tariff_is_enough(make_subscriber, login):
    both = subscriber(make_subscriber, tariffs=("basic", "fast"))
    assert "fast-offer" in _codes(login(both).get("/news/").get_data(as_text=True))


def test_an_offer_for_an_account_is_its_holders_alone(app, make_subscriber, login):
    holder = subscriber(make_subscriber)
    renumber(app, holder, "LS-0007")
    other = subscriber(make_subscriber)
    mine = login(holder)
    theirs = login(other)
    assert "personal-offer" in _codes(mine.get("/news/").get_data(as_text=True))
    assert "personal-offer" not in _codes(theirs.get("/news/").get_data(as_text=True))
    # An important one opens on the holder's dashboard, and on no one else's.
    pop_up = DIALOG.search(mine.get("/").get_data(as_text=True)).group(0)
    assert "Лично для вас" in pop_up
    assert "Лично для вас" not in theirs.get("/").get_data(as_text=True)
    # Nor can another close what is not theirs.
    assert theirs.form("/news/seen/personal-offer", {}).status_code == 404
    assert mine.form("/news/seen/personal-offer", {}).status_code == 302


def test_another_isps_subscriber_with_the_same_number_does_not_see_it(app, make_subscriber, login):
    elsewhere = subscriber(make_subscriber, tenant="athome", logins={"login": "ls0007"})
    renumber(app, elsewhere, "LS-0007")
    page = login({**elsewhere, "login": "ls0007"}, "athome.localhost").get("/news/")
    assert page.status_code == 200
    assert "Лично для вас" not in page.get_data(as_text=True)


def _sent(app) -> dict[str, list[str]]:
    with app.app_context():
        rows = db.session.execute(sa.select(QueuedMessage.recipient, QueuedMessage.subject))
        found: dict[str, list[str]] = {}
        for to, subject in rows:
            found.setdefault(to, []).append(subject)
        return found


def test_news_send_tells_a_personal_offer_to_its_holders_only(app, make_subscriber):
    fast = make_subscriber(region="north", email="fast@example.com", locale="en", tariffs=("fast",))
    own = make_subscriber(region="north", email="own@example.com", locale="en")
    renumber(app, own, "LS-0007")
    basic = make_subscriber(region="north", email="basic@example.com", locale="en")
    acme = app.extensions["tenancy"].tenants["acme"]
    with app.app_context():
        for facts in (fast, own, basic):
            choose(acme, db.session.get(Subscriber, facts["id"]), "region_news", "email")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["news", "send", "--tenant", "acme"])
    assert result.exit_code == 0, result.output
    sent = _sent(app)
    assert any("An offer for Fast" in s for s in sent["fast@example.com"])
    assert any("Just for you" in s for s in sent["own@example.com"])
    for to, subjects in sent.items():
        if to != "fast@example.com":
            assert not any("An offer for Fast" in s for s in subjects), to
        if to != "own@example.com":
            assert not any("Just for you" in s for s in subjects), to
    # What everyone gets, the untargeted holder gets too.
    assert any("News for everyone" in s for s in sent["basic@example.com"])
