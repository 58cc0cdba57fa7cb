"""News and notices in the cabinet: the news page, the dashboard's notices, the important
notice shown until closed, and each subscriber, region and ISP seeing only their own."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.news.routes import DashboardNotices
from app.statements.service import forget_charts

PASSWORD = "Sunny-Garden-77"
DIALOG = re.compile(r"<dialog[^>]*data-news-pop-up.*?</dialog>", re.S)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _codes(html: str) -> list[str]:
    return re.findall(r'data-news="([^"]+)"', html)


@pytest.fixture
def north(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD, region="north")
    client.login(subscriber["account"], PASSWORD)
    return subscriber


def test_the_news_page_shows_the_current_items_of_the_region(client, north):
    page = client.get("/news/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Newest first; the expired, the future and the South's are not there.
    assert _codes(html) == ["north-offer", "for-all", "works"]
    text = _text(page)
    assert "Предложение для Севера" in text and "Только для Севера" in text
    assert "Прошедшая новость" not in text and "Будущая новость" not in text
    assert "Авария на Юге" not in text


def test_the_news_page_is_in_the_menu(client, north):
    html = client.get("/").get_data(as_text=True)
    menu = re.search(r'<nav class="main-menu".*?</nav>', html, re.S)
    assert 'href="/news/"' in menu.group(0)


def test_another_region_sees_its_own_outage_and_not_the_norths_offer(client, make_subscriber):
    south = make_subscriber(password=PASSWORD, region="south")
    client.login(south["account"], PASSWORD)
    news = client.get("/news/").get_data(as_text=True)
    assert _codes(news) == ["for-all", "south-outage", "works"]
    dashboard = client.get("/").get_data(as_text=True)
    notices = re.search(r'data-testid="notices".*?</section>', dashboard, re.S).group(0)
    assert _codes(notices) == ["south-outage"]
    assert "Нет связи на Юге" in notices


def test_the_dashboard_shows_notices_only_not_news(client, north):
    dashboard = client.get("/").get_data(as_text=True)
    assert "for-all" not in _codes(dashboard) and "north-offer" not in _codes(dashboard)
    assert "Важные плановые работы" in dashboard


def test_items_are_in_the_subscribers_language(client, north):
    client.set_cookie("lang", "en", domain="acme.localhost")
    text = _text(client.get("/news/"))
    assert "An offer for the North" in text and "Only for the North" in text
    assert "Предложение для Севера" not in text
    client.set_cookie("lang", "hi", domain="acme.localhost")
    assert "उत्तर के लिए प्रस्ताव" in _text(client.get("/news/"))


def test_the_important_notice_is_shown_until_closed_then_listed(client, north):
    first = client.get("/").get_data(as_text=True)
    dialog = DIALOG.search(first)
    assert dialog and "Важные плановые работы" in dialog.group(0)
    # Without JavaScript it stands open at the top, before the accounts.
    assert " open" in dialog.group(0).split(">")[0]
    assert first.index("data-news-pop-up") < first.index('class="card account"')
    assert DIALOG.search(client.get("/").get_data(as_text=True))  # not closed: still there
    closed = client.form("/news/seen/works", {"next": "/"}, page="/")
    assert closed.status_code == 302 and closed.headers["Location"] == "/"
    after = client.get("/").get_data(as_text=True)
    assert not DIALOG.search(after)
    # Closed, it is still a notice of the dashboard, only no longer in the centre.
    notices = re.search(r'data-testid="notices".*?</section>', after, re.S).group(0)
    assert "works" in _codes(notices)


def test_closing_by_script_answers_without_a_page(client, north):
    closed = client.form("/news/seen/works", {}, page="/", headers={"Accept": "application/json"})
    assert closed.status_code == 204
    assert not DIALOG.search(client.get("/").get_data(as_text=True))


def test_closing_is_per_subscriber_in_the_same_browser(client, north, make_subscriber):
    client.form("/news/seen/works", {"next": "/"}, page="/")
    assert not DIALOG.search(client.get("/").get_data(as_text=True))
    client.form("/logout", {}, page="/")
    other = make_subscriber(password=PASSWORD, region="north")
    client.login(other["account"], PASSWORD)
    assert DIALOG.search(client.get("/").get_data(as_text=True))


def test_closing_writes_nothing_to_the_database(app, client, north):
    client.get("/")
    writes: list[str] = []

    def listener(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    html = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        client.post("/news/seen/works", data={"csrf_token": token, "next": "/"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert writes == [], writes


def test_closing_needs_the_csrf_token_and_a_login(tenant_client, client, north):
    assert client.post("/news/seen/works", data={"next": "/"}).status_code == 400
    assert DIALOG.search(client.get("/").get_data(as_text=True))
    stranger = tenant_client("acme.localhost")
    assert stranger.get("/news/").status_code == 302
    assert stranger.post("/news/seen/works").status_code in (302, 400)


@pytest.mark.parametrize("code", ["nope", "expired", "future", "south-outage", "x" * 300])
def test_only_a_current_item_of_ones_own_region_can_be_closed(client, north, code):
    response = client.form(f"/news/seen/{code}", {"next": "/"}, page="/")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_the_next_page_after_closing_stays_on_the_site(client, north):
    response = client.form("/news/seen/works", {"next": "https://evil.example/"}, page="/")
    assert response.headers["Location"] == "/"


def test_another_isps_news_is_invisible(tenant_client, make_subscriber):
    theirs = make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "987654321"})
    assert theirs
    tomtel = tenant_client("tomtel.localhost")
    tomtel.login("987654321", PASSWORD)
    page = _text(tomtel.get("/news/"))
    assert "Новость для всех" not in page and "Важные плановые работы" not in page
    assert "Оплата без входа в кабинет" in page
    # acme's item is no item of tomtel's: closing it there is refused.
    assert tomtel.form("/news/seen/works", {"next": "/"}, page="/").status_code == 404


def test_tomtels_seversk_outage_pops_up_and_tomsk_does_not(tenant_client, make_subscriber):
    seversk = make_subscriber(
        tenant="tomtel", password=PASSWORD, region="seversk", logins={"account": "987654322"}
    )
    tomsk = make_subscriber(
        tenant="tomtel", password=PASSWORD, region="tomsk", logins={"account": "987654323"}
    )
    assert seversk and tomsk
    one = tenant_client("tomtel.localhost")
    one.login("987654322", PASSWORD)
    dialog = DIALOG.search(one.get("/").get_data(as_text=True))
    assert dialog and "Авария на линии в Северске" in dialog.group(0)
    two = tenant_client("tomtel.localhost")
    two.login("987654323", PASSWORD)
    html = two.get("/").get_data(as_text=True)
    assert not DIALOG.search(html)
    assert "maintenance-tomsk" in _codes(html) and "outage-seversk" not in _codes(html)


def test_the_notices_cost_the_dashboard_no_query(app, client, north, monkeypatch):
    # acme has personal offers too: the dashboard hands over the accounts it loaded.
    def statements() -> list[str]:
        # Each request draws its chart afresh, so the counts compare like with like.
        forget_charts()
        with app.app_context():
            engine = db.engine
        seen: list[str] = []

        def listener(conn, cursor, statement, *args):
            seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            html = client.get("/").get_data(as_text=True)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return seen, html

    with_notices, html = statements()
    assert DIALOG.search(html)
    nothing = DashboardNotices([], None)
    monkeypatch.setitem(app.jinja_env.globals, "news_notices", lambda held=None: nothing)
    without, html = statements()
    assert not DIALOG.search(html)
    assert len(with_notices) == len(without)
