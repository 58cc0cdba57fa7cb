"""Staff replies the subscriber has not seen: marked on the list, in the menu of help pages
and in the thread, until the request's page is opened; never by someone else's visit."""

import sqlalchemy as sa

from app.extensions import db
from tests.web.help_steps import number_of, open_request, page_text
from tests.web.test_help_requests import (  # noqa: F401  (fixtures)
    PASSWORD,
    answer,
    browser,
    owner,
    uploads,
)

PAGE_LANG = "en"
MARKER = 'data-testid="new-reply"'


def statements_of(app, action) -> list[str]:
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return seen


def menu_count(page: str) -> str | None:
    found = page.split('data-testid="menu-count">', 1)
    return (
        found[1].split('class="visually-hidden">', 1)[1].split("<", 1)[0]
        if len(found) > 1
        else None
    )


def row_of(listing: str, number: int) -> str:
    return listing.split(f"HR-{number:06d}</a>", 1)[1].split("</th>", 1)[0]


def test_a_staff_reply_is_new_until_the_request_is_opened(app, browser):  # noqa: F811
    number = number_of(open_request(browser))
    listing = page_text(browser.get("/help/requests"))
    assert MARKER not in listing and menu_count(listing) is None  # one's own words are not news
    answer(app, number)
    listing = page_text(browser.get("/help/requests"))
    assert "new reply" in row_of(listing, number)
    assert menu_count(listing) == "1 new reply"
    thread = page_text(browser.get(f"/help/requests/{number}"))
    # The page that marks it read still shows which reply was new, once.
    staff = thread.split('data-author="staff"', 1)[1].split("</li>", 1)[0]
    assert MARKER in staff and menu_count(thread) is None
    assert MARKER not in page_text(browser.get(f"/help/requests/{number}"))
    listing = page_text(browser.get("/help/requests"))
    assert MARKER not in listing and menu_count(listing) is None


def test_opening_again_writes_nothing(app, browser):  # noqa: F811
    number = number_of(open_request(browser))
    answer(app, number)
    first = statements_of(app, lambda: browser.get(f"/help/requests/{number}"))
    assert sum(s.lstrip().upper().startswith("UPDATE HELP_REQUEST") for s in first) == 1
    again = statements_of(app, lambda: browser.get(f"/help/requests/{number}"))
    assert not any(s.lstrip().upper().startswith("UPDATE") and "help_request" in s for s in again)


def test_another_subscriber_cannot_open_it_nor_mark_it_read(
    app,
    browser,  # noqa: F811
    make_subscriber,
    tenant_client,
):
    number = number_of(open_request(browser))
    answer(app, number)
    make_subscriber(tenant="netbynet", password=PASSWORD, logins={"contract": "NB-100999"})
    other = tenant_client("netbynet.localhost")
    assert other.login("NB-100999", PASSWORD).status_code == 302
    assert other.get(f"/help/requests/{number}").status_code == 404
    assert menu_count(page_text(other.get("/help/requests"))) is None
    assert "new reply" in row_of(page_text(browser.get("/help/requests")), number)


def test_the_menu_counts_the_requests_with_new_replies(app, browser):  # noqa: F811
    first = number_of(open_request(browser, "Первый вопрос"))
    second = number_of(open_request(browser, "Второй вопрос"))
    answer(app, first)
    answer(app, second)
    answer(app, second, "И ещё одно уточнение.")
    listing = page_text(browser.get("/help/requests"))
    assert menu_count(listing) == "2 new replies"
    assert "new reply" in row_of(listing, first) and "new reply" in row_of(listing, second)
    browser.get(f"/help/requests/{second}")
    listing = page_text(browser.get("/help/requests"))
    assert menu_count(listing) == "1 new reply"
    assert MARKER in row_of(listing, first) and MARKER not in row_of(listing, second)
    # The subscriber writing back after reading makes nothing new to them.
    thread = browser.get(f"/help/requests/{second}").get_data(as_text=True)
    assert MARKER not in thread


def test_the_dashboard_asks_nothing_about_replies(app, browser):  # noqa: F811
    answer(app, number_of(open_request(browser)))
    statements = statements_of(app, lambda: browser.get("/"))
    assert not any("help_message" in s or "help_request" in s for s in statements)
