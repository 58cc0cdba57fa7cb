"""An operator finds a subscriber by anything the caller says and helps them back in."""

import re

import pytest
import sqlalchemy as sa

from app.core import audit, devices
from app.extensions import db
from app.notify.models import QueuedMessage, Status
from app.recovery.models import Purpose
from app.staff.roles import Role
from tests.web.staff_steps import log_in, make_member

PAGE_LANG = "en"
HOST = "tomtel.localhost"


@pytest.fixture
def operator(app, tenant_client):
    member = make_member(app, "tomtel", Role.OPERATOR)
    client = tenant_client(HOST)
    log_in(app, client, member)
    return client


@pytest.fixture
def cabinet(tenant_client):
    """The subscriber's own browser, on the same ISP's host."""
    return tenant_client(HOST)


@pytest.fixture
def ivanova(make_subscriber):
    return make_subscriber(
        tenant="tomtel",
        surname="Иванова",
        first_name="Мария",
        phone="+79131234567",
        email="Maria@Example.org",
        logins={"nickname": "masha", "email": "maria@example.org"},
    )


def _found(client, typed: str) -> str:
    answer = client.get("/staff/subscribers", query_string={"q": typed})
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _link(subscriber: dict) -> str:
    return f'href="/staff/subscribers/{subscriber["id"]}"'


@pytest.mark.parametrize(
    "typed",
    [
        "masha",  # a login (nickname)
        "MARIA@example.org",  # an e-mail, typed any case
        "8 (913) 123-45-67",  # the phone, written another way
        "contract",  # the contract number: filled in below
        "account",  # the account number: filled in below
        "ул. тестовая",  # a piece of the address, another case
        "иванова",  # the surname, in lower case
        "Мар Иван",  # parts of the first name and the surname
    ],
)
def test_a_subscriber_is_found_by_each_kind_of_identifier(
    operator, ivanova, make_subscriber, typed
):
    other = make_subscriber(tenant="tomtel", surname="Петров", first_name="Олег")
    typed = {"contract": ivanova["contract"], "account": ivanova["account"]}.get(typed, typed)
    page = _found(operator, typed)
    assert _link(ivanova) in page
    if typed not in ("ул. тестовая",):
        assert _link(other) not in page


def test_another_tenants_subscriber_is_never_found(operator, ivanova, make_subscriber):
    stranger = make_subscriber(
        tenant="athome", surname="Иванова", first_name="Мария", phone="+79131234567"
    )
    for typed in ("Иванова", "+79131234567", stranger["contract"], "ул. Тестовая"):
        assert _link(stranger) not in _found(operator, typed)
    assert operator.get(f"/staff/subscribers/{stranger['id']}").status_code == 404


def test_a_long_result_is_paged(operator, make_subscriber):
    for n in range(27):
        make_subscriber(tenant="tomtel", surname="Сидоров", first_name=f"Имя{n:02d}")
    first = _found(operator, "сидоров")
    assert first.count('href="/staff/subscribers/') == 25
    assert "Next page" in first
    second = operator.get("/staff/subscribers", query_string={"q": "сидоров", "page": 2})
    assert second.get_data(as_text=True).count('href="/staff/subscribers/') == 2


def test_the_subscribers_page_shows_their_side(app, operator, ivanova, cabinet):
    cabinet.login("masha", "correct horse battery")
    page = operator.get(f"/staff/subscribers/{ivanova['id']}").get_data(as_text=True)
    assert "Иванова Мария" in page
    assert ivanova["contract"] in page and ivanova["account"] in page
    assert "Logged in now" in page and "Not logged in anywhere." not in page
    assert "Balance corrected" not in page  # no entries but the opening: none of that kind


def test_the_subscribers_requests_and_services_are_named(app, operator, ivanova, tmp_path):
    from app.help import service as help_service

    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["tomtel"]
        subject = help_service.rules(tenant).all_subjects()[0]
        help_service.open_request(tenant, ivanova["id"], subject.code, "No link", [], tmp_path)
        db.session.commit()
        tariff = tenant.config.catalogue.tariffs[0]
        names = (tenant.text(subject.name, "en"), tenant.text(tariff.name, "en"))
    page = operator.get(f"/staff/subscribers/{ivanova['id']}").get_data(as_text=True)
    assert all(name in page for name in names)
    assert 'data-status="new"' in page


def _form_post(client, subscriber: dict, action: str, **data):
    page = client.get(f"/staff/subscribers/{subscriber['id']}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(
        f"/staff/subscribers/{subscriber['id']}/{action}", data={"csrf_token": token, **data}
    )


def _actions(app, subscriber_id: int) -> list[str]:
    with app.app_context():
        # What staff did to the subscriber (the subscriber's own doings are theirs).
        entries = audit.entries("tomtel", subscriber_id=subscriber_id, actor_kind="staff")
        return [e.action for e in entries]


def test_a_temporary_password_goes_by_sms_and_logs_in_once(app, operator, ivanova, sms, cabinet):
    answer = _form_post(operator, ivanova, "password")
    assert answer.status_code == 302
    text = sms("+79131234567")[0]
    password = re.search(r"one-time password (\S+),", text)
    password = password or re.search(r"пароль (\S+),", text)
    assert password, text
    with app.app_context():
        assert "support.temporary_password_sent" in _actions(app, ivanova["id"])
    # Like recovery's: the old password still works, the temporary one opens the reset page.
    logged = cabinet.login("masha", password.group(1))
    assert logged.headers["Location"].endswith("/recover/password")
    with app.app_context():
        from app.core.verification import Challenge

        purposes = db.session.scalars(sa.select(Challenge.purpose)).all()
        assert purposes == [Purpose.TEMPORARY]


def test_no_phone_no_temporary_password(app, operator, make_subscriber):
    nobody = make_subscriber(tenant="tomtel")
    answer = _form_post(operator, nobody, "password")
    assert answer.status_code == 302
    page = operator.get(answer.headers["Location"]).get_data(as_text=True)
    assert "There is no phone on record" in page
    assert _actions(app, nobody["id"]) == []


def test_unlock_gives_back_the_login_budget(app, operator, ivanova, tenant_client):
    caller = tenant_client(HOST)
    for _ in range(10):
        caller.login("masha", "wrong password")
    assert caller.login("masha", "correct horse battery").status_code == 429
    assert _form_post(operator, ivanova, "unlock").status_code == 302
    assert caller.login("masha", "correct horse battery").status_code == 302
    assert "support.login_unlocked" in _actions(app, ivanova["id"])


def test_end_all_sessions_logs_the_subscriber_out(app, operator, ivanova, cabinet):
    cabinet.login("masha", "correct horse battery")
    assert cabinet.get("/").status_code == 200
    assert _form_post(operator, ivanova, "sessions/end").status_code == 302
    with app.app_context():
        assert devices.active_sessions("tomtel", ivanova["id"]) == []
        entry = audit.entries("tomtel", action="support.sessions_ended")[0]
        assert entry.changes() == ({"sessions": 1}, {"sessions": 0})


def _queued(app, recipient: str, status: str, body: str = "Hello") -> int:
    from app.persistence import utcnow

    with app.app_context():
        message = QueuedMessage(
            tenant="tomtel",
            channel="sms",
            recipient=recipient,
            body=body,
            status=status,
            attempts=3,
            next_attempt_at=utcnow().replace(year=2099),
            last_error="provider down",
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def test_a_waiting_message_is_sent_again_now(app, operator, ivanova):
    waiting = _queued(app, "+79131234567", Status.PENDING)
    page = operator.get(f"/staff/subscribers/{ivanova['id']}").get_data(as_text=True)
    assert "Send again now" in page
    answer = _form_post(operator, ivanova, "resend", message=waiting)
    assert answer.status_code == 302
    with app.app_context():
        message = db.session.get(QueuedMessage, waiting)
        assert message.status == Status.SENT  # it went out after the response
        assert "support.message_resent" in _actions(app, ivanova["id"])


def test_a_sent_message_or_someone_elses_is_not_resent(app, operator, ivanova):
    sent = _queued(app, "+79131234567", Status.SENT, body="")
    answer = _form_post(operator, ivanova, "resend", message=sent)
    assert "cannot be sent again" in operator.get(answer.headers["Location"]).get_data(as_text=True)
    elses = _queued(app, "+79130000000", Status.PENDING)
    assert _form_post(operator, ivanova, "resend", message=elses).status_code == 404


@pytest.mark.parametrize("action", ["password", "unlock", "sessions/end", "resend"])
def test_support_actions_are_refused_on_a_shared_demo(app, operator, make_subscriber, action):
    demo = make_subscriber(
        tenant="tomtel", phone="+79131112233", logins={"nickname": "demo"}, shared_demo=True
    )
    waiting = _queued(app, "+79131112233", Status.PENDING)
    page = operator.get(f"/staff/subscribers/{demo['id']}").get_data(as_text=True)
    assert "A public demo account" in page and "Unlock the login" not in page
    answer = _form_post(operator, demo, action, message=waiting)
    assert answer.status_code == 403
    assert _actions(app, demo["id"]) == []


def test_an_accountant_reads_but_does_not_support(app, tenant_client, ivanova):
    member = make_member(app, "tomtel", Role.ACCOUNTANT)
    client = tenant_client(HOST)
    log_in(app, client, member)
    page = client.get(f"/staff/subscribers/{ivanova['id']}").get_data(as_text=True)
    assert "Unlock the login" not in page and "Corrections and refunds" in page
    assert _form_post(client, ivanova, "unlock").status_code == 403
