"""The console's requests, callbacks and visits: the list, the thread, answers with files,
statuses, assigning, moving, done and cancelled; another ISP's are not found."""

import json
import re

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.help import callback, visits
from app.help import service as help_service
from app.help.models import HelpMessage, HelpRequest, HelpVisit
from app.notify.models import QueuedMessage
from app.staff.roles import Role
from tests.web.help_steps import PDF, multipart, number_of, open_request, page_text
from tests.web.helpdesk_steps import helpdesk_objects
from tests.web.staff_steps import log_in, make_member
from tests.web.visit_steps import book, iphome

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
TYPED = "Интернет пропадает каждый вечер после 21:00"


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(folder))
    return folder


@pytest.fixture
def owner(make_subscriber):
    return make_subscriber(
        tenant="netbynet",
        password=PASSWORD,
        logins={"contract": "NB-100200"},
        email="owner@example.ru",
        locale="ru",
    )


@pytest.fixture
def browser(tenant_client, owner, uploads):
    client = tenant_client("netbynet.localhost")
    assert client.login("NB-100200", PASSWORD).status_code == 302
    return client


def console(app, tenant_client, slug="netbynet", role=Role.OPERATOR, email=None):
    member = make_member(app, slug, role, email=email)
    client = tenant_client(f"{slug}.localhost")
    log_in(app, client, member)
    return client, member


@pytest.fixture
def operator(app, tenant_client):
    return console(app, tenant_client)[0]


def rows(app, model, *where):
    with app.app_context():
        found = db.session.scalars(sa.select(model).where(*where).order_by(model.id)).all()
        db.session.expunge_all()
        return found


def actions(app) -> list[str]:
    """What the console's staff did, besides logging in and their own accounts."""
    return [
        e.action
        for e in rows(app, AuditEntry)
        if e.actor_kind == "staff" and not e.action.startswith("staff.")
    ]


def test_the_list_filters_by_status_and_subject_newest_first(app, browser, operator):
    first = number_of(open_request(browser, TYPED, subject="technical"))
    second = number_of(open_request(browser, "Вопрос по оплате", subject="financial"))
    listing = page_text(operator.get("/staff/requests"))
    assert listing.index(f"HR-{second:06d}") < listing.index(f"HR-{first:06d}")
    only = page_text(operator.get("/staff/requests?subject=financial"))
    assert f"HR-{second:06d}" in only and f"HR-{first:06d}" not in only
    with app.app_context():
        help_service.set_status(app.extensions["tenancy"].tenants["netbynet"], first, "closed")
        db.session.commit()
    closed = page_text(operator.get("/staff/requests?status=closed"))
    assert f"HR-{first:06d}" in closed and f"HR-{second:06d}" not in closed
    assert "No requests like this." in page_text(operator.get("/staff/requests?status=answered"))


def test_the_list_is_paged(app, owner, operator, uploads):
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["netbynet"]
        for n in range(help_service.PAGE_SIZE + 1):
            help_service.open_request(tenant, owner["id"], "technical", f"q{n}", [], uploads)
        db.session.commit()
    first = operator.get("/staff/requests").get_data(as_text=True)
    assert first.count('data-testid="request-row"') == help_service.PAGE_SIZE
    assert 'rel="next"' in first
    second = operator.get("/staff/requests?page=2").get_data(as_text=True)
    assert second.count('data-testid="request-row"') == 1 and 'rel="prev"' in second


def test_an_answer_with_a_file_reaches_the_subscribers_thread_and_notice(app, browser, operator):
    number = number_of(open_request(browser, TYPED, files=[(PDF, "act.pdf")]))
    page = page_text(operator.get(f"/staff/requests/{number}"))
    assert TYPED in page and "act.pdf" in page
    (link,) = re.findall(
        r'href="(/staff/requests/files/\d+)"',
        operator.get(f"/staff/requests/{number}").get_data(as_text=True),
    )
    download = operator.get(link)
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]

    response = multipart(
        operator,
        f"/staff/requests/{number}/reply",
        {"text": "Перезагрузите роутер."},
        files=[(PDF, "instructions.pdf")],
        page=f"/staff/requests/{number}",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    staff_message = rows(app, HelpMessage, HelpMessage.author == "staff")[0]
    assert staff_message.staff_name == "Operator"
    assert "Operator" in page_text(operator.get(f"/staff/requests/{number}"))
    mine = page_text(browser.get(f"/help/requests/{number}"))
    assert "Перезагрузите роутер." in mine and "instructions.pdf" in mine
    assert 'data-status="answered"' in mine
    (notice,) = rows(app, QueuedMessage)
    assert notice.recipient == "owner@example.ru" and f"HR-{number:06d}" in notice.subject
    assert actions(app) == ["help.answered"]


def test_a_file_the_tenant_does_not_take_is_refused(app, browser, operator):
    number = number_of(open_request(browser, TYPED))
    response = multipart(
        operator,
        f"/staff/requests/{number}/reply",
        {"text": "Смотрите файл"},
        files=[(b"<html><script>x</script></html>", "page.html")],
        page=f"/staff/requests/{number}",
    )
    assert response.status_code == 422
    assert "is not one of the files we accept" in page_text(response)
    assert rows(app, HelpMessage, HelpMessage.author == "staff") == []
    assert actions(app) == []


def test_the_status_changes_and_is_recorded(app, browser, operator):
    number = number_of(open_request(browser, TYPED))
    response = operator.form(
        f"/staff/requests/{number}/status",
        {"status": "in_progress"},
        page=f"/staff/requests/{number}",
    )
    assert response.status_code == 303
    assert 'data-status="in_progress"' in browser.get(f"/help/requests/{number}").get_data(
        as_text=True
    )
    (entry,) = [e for e in rows(app, AuditEntry) if e.action == "help.status_changed"]
    assert entry.target == f"request:HR-{number:06d}"
    assert json.loads(entry.before) == {"status": "new"}
    assert json.loads(entry.after) == {"status": "in_progress"}


def test_an_auditor_reads_and_may_not_answer(app, browser, tenant_client):
    number = number_of(open_request(browser, TYPED))
    auditor, _member = console(app, tenant_client, role=Role.AUDITOR)
    page = auditor.get(f"/staff/requests/{number}").get_data(as_text=True)
    assert TYPED in page and "Send the answer" not in page
    refused = auditor.form(f"/staff/requests/{number}/reply", {"text": "x"}, page="/staff/password")
    assert refused.status_code == 403


def test_another_isps_requests_and_files_are_not_found(app, operator):
    theirs = helpdesk_objects(app, "athome")
    for path in (
        f"/staff/requests/{theirs['number']}",
        f"/staff/requests/files/{theirs['attachment_id']}",
        f"/staff/visits/{theirs['number']}",
    ):
        assert operator.get(path).status_code == 404, path
    changed = operator.form(
        f"/staff/requests/{theirs['number']}/status", {"status": "closed"}, page="/staff/requests"
    )
    assert changed.status_code == 404
    with app.app_context():
        (filed,) = db.session.scalars(sa.select(HelpRequest)).all()
        assert filed.tenant == "athome" and filed.status == "new"


# Callbacks and technician visits: IP-Home books visits, Tomtel takes callbacks.


@pytest.fixture
def visit(app, make_subscriber, uploads):
    """A booked IP-Home visit: (subscriber, request number, its slot)."""
    person = make_subscriber(
        tenant="iphome",
        password=PASSWORD,
        logins={"login": "ip-owner"},
        region="egorievsk",
        email="ip@example.ru",
    )
    with app.app_context():
        tenant = iphome(app)
        slots = visits.free_slots(tenant, tenant.region("egorievsk"))
    number = book(app, person["id"], slots[0].key)
    return person, number, slots


@pytest.fixture
def ip_operator(app, tenant_client):
    return console(app, tenant_client, slug="iphome")


def test_the_days_list_shows_the_visit_at_its_slot(app, visit, ip_operator):
    client, _member = ip_operator
    _person, number, slots = visit
    day = slots[0].start.date().isoformat()
    page = page_text(client.get(f"/staff/visits?day={day}"))
    assert f"HR-{number:06d}" in page and slots[0].start.strftime("%H:%M") in page
    assert "No callbacks or visits" in page_text(client.get("/staff/visits?day=2020-01-01"))


def test_a_visit_is_assigned_moved_and_done(app, visit, ip_operator, tenant_client):
    client, member = ip_operator
    _person, number, slots = visit
    base = f"/staff/visits/{number}"
    assert client.form(f"{base}/assign", {"staff": str(member.id)}, page=base).status_code == 303
    assert "Operator" in page_text(client.get(base))
    later = slots[3]
    moved = client.form(f"{base}/reschedule", {"when": later.key}, page=base)
    assert moved.status_code == 303
    with app.app_context():
        stored = db.session.scalar(sa.select(HelpVisit))
        assert stored.slot_start == later.start and stored.place == 1
        assert stored.request.status == "in_progress" and stored.request.assignee_id == member.id
    cabinet = tenant_client("iphome.localhost")
    assert cabinet.login("ip-owner", PASSWORD, region="egorievsk").status_code == 302
    shown = page_text(cabinet.get(f"/help/requests/{number}"))
    assert later.start.strftime("%H:%M") in shown and 'data-status="in_progress"' in shown

    assert client.form(f"{base}/done", {}, page=base).status_code == 303
    with app.app_context():
        filed = db.session.scalar(sa.select(HelpRequest))
        assert filed.status == "closed" and filed.done_at is not None
    assert "Done" in page_text(client.get(base))
    assert "Move the visit" not in cabinet.get(f"/help/requests/{number}").get_data(as_text=True)
    assert actions(app) == ["help.assigned", "help.rescheduled", "help.done"]


def test_a_visit_moves_only_to_a_slot_with_a_place(app, visit, ip_operator, make_subscriber):
    client, _member = ip_operator
    _person, number, slots = visit
    # Egorievsk has one place a slot: someone else takes the next slot's.
    other = make_subscriber(tenant="iphome", logins={"login": "ip-other"}, region="egorievsk")
    book(app, other["id"], slots[1].key)
    base = f"/staff/visits/{number}"
    assert slots[1].key not in client.get(base).get_data(as_text=True)
    client.form(f"{base}/reschedule", {"when": slots[1].key}, page=base)
    with app.app_context():
        mine = db.session.scalar(
            sa.select(HelpVisit).join(HelpRequest).where(HelpRequest.number == number)
        )
        assert mine.slot_start == slots[0].start
    assert "help.rescheduled" not in actions(app)


def test_a_cancelled_visit_frees_its_place_and_the_subscriber_reads_why(
    app, visit, ip_operator, tenant_client
):
    client, _member = ip_operator
    _person, number, _slots = visit
    base = f"/staff/visits/{number}"
    empty = client.form(f"{base}/cancel", {"reason": " "}, page=base)
    assert empty.status_code == 422 and "Please fill in this field." in page_text(empty)
    reason = "Мастер заболел, позвоним и договоримся о другом дне."
    assert client.form(f"{base}/cancel", {"reason": reason}, page=base).status_code == 303
    with app.app_context():
        stored = db.session.scalar(sa.select(HelpVisit))
        assert stored.place is None and stored.cancelled_at is not None
        assert stored.request.status == "closed" and stored.request.cancel_reason == reason
    cabinet = tenant_client("iphome.localhost")
    assert cabinet.login("ip-owner", PASSWORD, region="egorievsk").status_code == 302
    shown = page_text(cabinet.get(f"/help/requests/{number}"))
    assert reason in shown and "Cancelled" in shown
    assert [m.recipient for m in rows(app, QueuedMessage)] == ["ip@example.ru"]
    again = client.form(f"{base}/cancel", {"reason": reason}, page=base)
    assert again.status_code == 303 and actions(app) == ["help.cancelled"]


def test_a_visit_is_not_closed_by_a_bare_status(app, visit, ip_operator):
    client, _member = ip_operator
    _person, number, _slots = visit
    page = f"/staff/requests/{number}"
    assert "Change the status" not in client.get(page).get_data(as_text=True)
    refused = client.form(f"{page}/status", {"status": "closed"}, page=page)
    assert refused.headers["Location"].endswith(f"/staff/visits/{number}")
    with app.app_context():
        stored = db.session.scalar(sa.select(HelpVisit))
        assert stored.place == 1 and stored.request.status == "new"
    assert actions(app) == []


def test_only_the_tenants_queue_staff_may_be_assigned(app, visit, ip_operator, tenant_client):
    client, _member = ip_operator
    _person, number, _slots = visit
    stranger = make_member(app, "athome", Role.OPERATOR, email="stranger@staff.example")
    accountant = make_member(app, "iphome", Role.ACCOUNTANT)
    base = f"/staff/visits/{number}"
    for who in (stranger, accountant):
        client.form(f"{base}/assign", {"staff": str(who.id)}, page=base)
    with app.app_context():
        assert db.session.scalar(sa.select(HelpRequest.assignee_id)) is None
    assert actions(app) == []


@pytest.fixture
def tomtel_callback(app, make_subscriber):
    person = make_subscriber(tenant="tomtel", logins={"login": "tt-owner"})
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["tomtel"]
        windows = callback.windows(tenant, None)
        filed = callback.open_callback(
            tenant, None, person["id"], "Пётр", "+79131234567", windows[0].key
        )
        db.session.commit()
        return filed.number, windows


def test_a_callback_is_moved_to_another_window_and_done(app, tomtel_callback, tenant_client):
    number, windows = tomtel_callback
    client, _member = console(app, tenant_client, slug="tomtel")
    base = f"/staff/visits/{number}"
    page = page_text(client.get(base))
    assert "Пётр" in page and "+79131234567" in page
    assert client.form(f"{base}/reschedule", {"when": windows[2].key}, page=base).status_code == 303
    with app.app_context():
        filed = db.session.scalar(sa.select(HelpRequest))
        assert filed.callback.window_start == windows[2].start
    client.form(f"{base}/reschedule", {"when": "2020-01-01T09:00"}, page=base)
    assert client.form(f"{base}/done", {}, page=base).status_code == 303
    assert actions(app) == ["help.rescheduled", "help.done"]


def test_another_isps_visit_is_not_found(app, visit, tenant_client):
    _person, number, _slots = visit
    client, _member = console(app, tenant_client, slug="tomtel")
    assert client.get(f"/staff/visits/{number}").status_code == 404
    assert client.get(f"/staff/requests/{number}").status_code == 404
