"""Staff write news and notices per region: subscribers of that region see them beside the
YAML's, another region and another ISP do not; expiry, preview in every language, edit and
withdraw, each recorded in the audit trail; the dashboard pays no query when there are none."""

import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.news import live as news_live
from app.news.models import AuthoredNews
from app.staff.roles import Role
from app.statements.service import forget_charts
from tests.web.staff_steps import log_in, make_member

PAGE_LANG = "en"
HOST = "netbynet.localhost"
PASSWORD = "Sunny-Garden-77"


def _admin(app, tenant_client, tenant="netbynet", host=HOST):
    admin = make_member(app, tenant, Role.ADMINISTRATOR)
    client = tenant_client(host)
    log_in(app, client, admin)
    return client


def _when(days: int) -> str:
    return (datetime.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _item(**extra) -> dict:
    data = {
        "kind": "outage",
        "regions": ["msk"],
        "publish": _when(-1),
        "expires": _when(2),
        "title_ru": "Авария в Москве",
        "text_ru": "Чиним кабель",
        "title_en": "Outage in Moscow",
        "text_en": "Mending a cable",
        "title_hi": "मास्को में रुकावट",
        "text_hi": "केबल ठीक कर रहे हैं",
        "action": "save",
    }
    data.update(extra)
    return data


def _create(client, **extra):
    answer = client.form("/staff/content/new", _item(**extra))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return int(answer.headers["Location"].rsplit("/", 1)[1])


LOGIN_KIND = {"netbynet": "contract", "athome": "login"}
_logins = iter(range(1, 1000))


def _subscriber(make_subscriber, tenant_client, region, tenant="netbynet"):
    login = f"nb{next(_logins)}"
    make_subscriber(
        tenant=tenant, password=PASSWORD, region=region, logins={LOGIN_KIND[tenant]: login}
    )
    client = tenant_client(f"{tenant}.localhost")
    assert client.login(login, PASSWORD).status_code == 302
    return client


def _subscriber_page(make_subscriber, tenant_client, region, path="/news/", tenant="netbynet"):
    client = _subscriber(make_subscriber, tenant_client, region, tenant)
    return client.get(path).get_data(as_text=True)


def test_an_item_is_shown_to_its_region_only(app, tenant_client, make_subscriber):
    client = _admin(app, tenant_client)
    item_id = _create(client)
    code = f"staff-{item_id}"
    assert code in _subscriber_page(make_subscriber, tenant_client, "msk")
    assert code in _subscriber_page(make_subscriber, tenant_client, "msk", path="/")
    assert code not in _subscriber_page(make_subscriber, tenant_client, "spb")
    assert code not in _subscriber_page(make_subscriber, tenant_client, None, tenant="athome")
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "content.created")
        )
        assert entry.tenant == "netbynet" and entry.target == f"news:{item_id}"


def test_an_expired_or_future_item_is_not_shown(app, tenant_client, make_subscriber):
    client = _admin(app, tenant_client)
    past = _create(client, publish=_when(-5), expires=_when(-1))
    future = _create(client, publish=_when(3), expires="")
    page = _subscriber_page(make_subscriber, tenant_client, "msk")
    assert f"staff-{past}" not in page and f"staff-{future}" not in page


def test_the_preview_shows_every_language(app, tenant_client):
    client = _admin(app, tenant_client)
    item_id = _create(client, important="y")
    page = client.get(f"/staff/content/{item_id}").get_data(as_text=True)
    assert re.findall(r'data-preview="(\w+)"', page) == ["ru", "en", "hi"]
    for words in ("Авария в Москве", "Outage in Moscow", "मास्को में रुकावट"):
        assert words in page
    # The subscriber's partials, in each language: the kind's own word too.
    assert "Авария" in page and "रुकावट" in page
    previewed = client.form("/staff/content/new", _item(action="preview", title_en="Draft"))
    assert previewed.status_code == 200 and "Draft" in previewed.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthoredNews)) == 1


def test_errors_are_shown_per_field(app, tenant_client):
    client = _admin(app, tenant_client)
    answer = client.form("/staff/content/new", _item(title_en="", expires=_when(-3)))
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="title_en-error"' in html and 'id="expires-error"' in html
    assert "The end must be after the start." in html


def test_edit_and_withdraw(app, tenant_client, make_subscriber):
    client = _admin(app, tenant_client)
    item_id = _create(client)
    edited = client.form(
        f"/staff/content/{item_id}",
        _item(title_en="Outage mended"),
        page=f"/staff/content/{item_id}",
    )
    assert edited.status_code == 302
    assert "Outage mended" in _subscriber_page(make_subscriber, tenant_client, "msk")
    withdrawn = client.form(f"/staff/content/{item_id}/withdraw", {}, page="/staff/content")
    assert withdrawn.status_code == 302
    assert f"staff-{item_id}" not in _subscriber_page(make_subscriber, tenant_client, "msk")
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.target == f"news:{item_id}")
        ).all()
    assert sorted(actions) == ["content.changed", "content.created", "content.withdrawn"]


def test_another_tenants_item_is_not_found(app, tenant_client):
    item_id = _create(_admin(app, tenant_client))
    athome = _admin(app, tenant_client, "athome", "athome.localhost")
    assert athome.get(f"/staff/content/{item_id}").status_code == 404
    answer = athome.form(f"/staff/content/{item_id}/withdraw", {}, page="/staff/content")
    assert answer.status_code == 404


def _statements(app, client) -> list[str]:
    # Each request draws its chart afresh, so the counts compare like with like.
    forget_charts()
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get("/").status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return seen


def test_the_dashboard_pays_one_query_only_when_staff_wrote_something(
    app, tenant_client, make_subscriber
):
    browser = _subscriber(make_subscriber, tenant_client, "msk")
    # Known to have none (this process was told so, as after a refresh): no query at all.
    before = _statements(app, browser)
    assert not any("authored_news" in s for s in before)
    # The knowledge runs out: one cheap EXISTS refreshes it, and nothing more.
    news_live.settle(live=False, seconds=0)
    refreshed = _statements(app, browser)
    assert len(refreshed) == len(before) + 1
    assert sum("authored_news" in s for s in refreshed) == 1
    assert not any("authored_news" in s for s in _statements(app, browser))
    # Staff write one in this process: known at once, and the dashboard reads them, one query.
    admin = _admin(app, tenant_client)
    item_id = _create(admin)
    after = _statements(app, browser)
    assert len(after) == len(before) + 1
    assert sum("authored_news" in s for s in after) == 1
    # Withdrawn: read again once, then known to have none.
    admin.form(f"/staff/content/{item_id}/withdraw", {}, page="/staff/content")
    assert sum("authored_news" in s for s in _statements(app, browser)) == 1
    assert not any("authored_news" in s for s in _statements(app, browser))


def test_another_process_sees_a_new_item_once_its_knowledge_runs_out(
    app, tenant_client, make_subscriber
):
    item_id = _create(_admin(app, tenant_client))
    # As in a process that refreshed just before staff wrote the item elsewhere.
    news_live.settle(live=False)
    code = f"staff-{item_id}"
    assert code not in _subscriber_page(make_subscriber, tenant_client, "msk")
    news_live.settle(live=False, seconds=0)
    assert code in _subscriber_page(make_subscriber, tenant_client, "msk")
