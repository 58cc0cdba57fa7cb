"""The profile: contract facts read-only, phone and e-mail changed only by a code sent to the
new one, the language kept in the profile, the login name changed where the tenant allows."""

import re
from datetime import timedelta

import sqlalchemy as sa

from app.core.subscribers import LoginIdentifier, Subscriber
from app.core.verification import Challenge
from app.extensions import db
from tests.conftest import ATHOME_EMAIL, ATHOME_PASSWORD, ATHOME_PHONE

PAGE_LANG = "en"
NEW_PHONE = "+79135550000"
NEW_EMAIL = "new.address@example.ru"


def _client(tenant_client, login="petrov_spb"):
    client = tenant_client("athome.localhost")
    client.login(login, ATHOME_PASSWORD)
    return client


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _ask_phone(client, phone=NEW_PHONE, password=ATHOME_PASSWORD):
    return client.form(
        "/profile/phone",
        {"sms-value": phone, "sms-current": password},
        page="/profile/",
    )


def _subscriber(app, subscriber_id) -> Subscriber:
    with app.app_context():
        row = db.session.get(Subscriber, subscriber_id)
        db.session.expunge(row)
        return row


def test_the_page_shows_the_contract_read_only_and_how_to_change_it(tenant_client, athome):
    page = _client(tenant_client).get("/profile/").text
    assert "Петров Иван" in page and athome["contract"] in page
    assert "ул. Тестовая" in page
    # Name and address have no field: changing them needs documents, and says whom to ask.
    assert 'name="surname"' not in page and "documents" in page and "240-24-24" in page


def test_a_new_phone_is_saved_only_after_the_code_sent_to_it(app, tenant_client, athome, sms):
    client = _client(tenant_client)
    assert _ask_phone(client).status_code == 302
    assert sms(ATHOME_PHONE) == []  # the code goes to the new phone, not the old one
    assert _subscriber(app, athome["id"]).phone == ATHOME_PHONE  # nothing saved yet
    wrong = client.form("/profile/contact/confirm", {"code": "000000"})
    assert wrong.status_code == 422 and "incorrect" in wrong.text
    code = _code(sms(NEW_PHONE)[0])
    assert client.form("/profile/contact/confirm", {"code": code}).status_code == 302
    assert _subscriber(app, athome["id"]).phone == NEW_PHONE
    assert NEW_PHONE in client.get("/profile/").text


def test_a_new_email_is_confirmed_by_the_code_mailed_to_it(app, tenant_client, athome, mailbox):
    client = _client(tenant_client)
    client.form(
        "/profile/email",
        {"email-value": NEW_EMAIL, "email-current": ATHOME_PASSWORD},
        page="/profile/",
    )
    assert mailbox.to(ATHOME_EMAIL) == []
    code = _code(mailbox.last_text(NEW_EMAIL))
    client.form("/profile/contact/confirm", {"code": code})
    assert _subscriber(app, athome["id"]).email == NEW_EMAIL


def test_a_code_works_once(app, tenant_client, athome, sms):
    client = _client(tenant_client)
    _ask_phone(client)
    code = _code(sms(NEW_PHONE)[0])
    client.form("/profile/contact/confirm", {"code": code})
    # The same code again, on a page kept open: it is spent.
    with client.session_transaction() as state:
        with app.app_context():
            handle = db.session.scalar(sa.select(Challenge.handle).order_by(Challenge.id.desc()))
        state["profile_contact"] = {"handle": handle, "channel": "sms"}
    again = client.form("/profile/contact/confirm", {"code": code})
    assert again.status_code == 422 and "no longer valid" in again.text


def test_an_expired_code_does_not_work(app, tenant_client, athome, sms):
    client = _client(tenant_client)
    _ask_phone(client)
    code = _code(sms(NEW_PHONE)[0])
    with app.app_context():
        challenge = db.session.scalar(sa.select(Challenge).order_by(Challenge.id.desc()))
        challenge.expires_at = challenge.created_at - timedelta(seconds=1)
        db.session.commit()
    response = client.form("/profile/contact/confirm", {"code": code})
    assert response.status_code == 422 and "expired" in response.text
    assert _subscriber(app, athome["id"]).phone == ATHOME_PHONE


def test_the_current_password_is_needed(tenant_client, athome, sms):
    client = _client(tenant_client)
    response = _ask_phone(client, password="not it")
    assert response.status_code == 200 and "incorrect" in response.text
    assert sms(NEW_PHONE) == []


def test_sending_codes_is_rate_limited(tenant_client, athome, sms):
    client = _client(tenant_client)
    answers = [_ask_phone(client, f"+7913555000{n}") for n in range(4)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "Too many attempts" in answers[3].text
    assert len(sms("+79135550003")) == 0


def test_another_subscribers_login_phone_is_refused_neutrally(
    tenant_client, athome, make_subscriber, sms
):
    make_subscriber(tenant="athome", logins={"login": "other_one", "phone": NEW_PHONE})
    client = _client(tenant_client)
    response = _ask_phone(client)
    assert response.status_code == 200 and "cannot be used" in response.text
    assert "other_one" not in response.text and "another subscriber" not in response.text
    assert sms(NEW_PHONE) == []


def test_the_same_phone_in_another_tenant_is_no_obstacle(tenant_client, athome, make_subscriber):
    make_subscriber(tenant="tomtel", logins={"phone": NEW_PHONE})
    assert _ask_phone(_client(tenant_client)).status_code == 302


def test_the_profile_language_and_the_switcher_are_one_choice(app, tenant_client, athome):
    client = _client(tenant_client)
    page = client.get("/profile/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/language", data={"csrf_token": token, "lang": "hi", "next": "/profile/"}
    )
    assert response.headers["Location"].endswith("/profile/")
    assert _subscriber(app, athome["id"]).locale == "hi"
    # Another browser, no cookie: the profile's language follows the subscriber there.
    other = app.test_client()
    other.host = "athome.localhost"
    other.login("petrov_spb", ATHOME_PASSWORD)
    assert 'lang="hi"' in other.get("/profile/").text.split(">", 2)[1]


def test_a_shared_demo_keeps_its_language(app, tenant_client, make_subscriber):
    demo = make_subscriber(tenant="athome", logins={"login": "demo"}, shared_demo=True)
    client = tenant_client("athome.localhost")
    client.login("demo", demo["password"])
    client.form("/language", {"lang": "hi", "next": "/"}, page="/profile/")
    assert _subscriber(app, demo["id"]).locale is None


def _change_login(client, new, password=ATHOME_PASSWORD):
    return client.form(
        "/profile/login", {"login-login": new, "login-current": password}, page="/profile/"
    )


def test_the_login_changes_and_the_old_one_stops_working(tenant_client, athome):
    client = _client(tenant_client)
    assert _change_login(client, "Ivan.Petrov").status_code == 302
    assert "ivan.petrov" in client.get("/profile/").text
    old = tenant_client("athome.localhost").login("petrov_spb", ATHOME_PASSWORD)
    assert old.status_code == 200 and "/login" in old.request.path
    new = tenant_client("athome.localhost").login("ivan.petrov", ATHOME_PASSWORD)
    assert new.status_code == 302


def test_a_login_must_be_unique_and_well_formed(app, tenant_client, athome, make_subscriber):
    make_subscriber(tenant="athome", logins={"login": "taken_one"})
    client = _client(tenant_client)
    taken = _change_login(client, "Taken_One")
    assert taken.status_code == 200 and "cannot be chosen" in taken.text
    for bad in ("ab", "with space", "кириллица", "x" * 40):
        assert "From 3 to 32 characters" in _change_login(client, bad).text
    assert "Wrong" not in _change_login(client, "fine_login", password="wrong").text
    with app.app_context():
        logins = db.session.scalars(
            sa.select(LoginIdentifier.value).where(LoginIdentifier.subscriber_id == athome["id"])
        ).all()
    assert logins == ["petrov_spb"]


def test_a_tenant_without_login_change_offers_none(tenant_client, make_subscriber):
    subscriber = make_subscriber(tenant="novotelecom", logins={"contract": "NT-1"})
    client = tenant_client("novotelecom.localhost")
    client.login("NT-1", subscriber["password"])
    assert 'name="login-login"' not in client.get("/profile/").text
    assert (
        client.form(
            "/profile/login", {"login-login": "mine", "login-current": "x"}, page="/profile/"
        ).status_code
        == 404
    )


def test_at_home_offers_the_login_change_at_first_login(tenant_client, make_subscriber):
    make_subscriber(
        tenant="athome", password="Temp-Pass-123", temporary=True, logins={"login": "newbie"}
    )
    client = tenant_client("athome.localhost")
    client.login("newbie", "Temp-Pass-123")
    response = client.form(
        "/password",
        {"current": "Temp-Pass-123", "new": "Quiet-River-2026", "confirm": "Quiet-River-2026"},
    )
    assert response.headers["Location"].endswith("/profile/first-login")
    page = client.get("/profile/first-login", follow_redirects=True).text
    assert "login of your own" in page and 'name="login-login"' in page


def test_the_recovery_contacts_refuse_it_the_same_way(tenant_client, athome, make_subscriber, sms):
    # One decision for both pages that confirm a contact.
    make_subscriber(tenant="athome", logins={"login": "other_one", "phone": NEW_PHONE})
    client = _client(tenant_client)
    response = client.form(
        "/recover/contacts",
        {"contact-channel": "sms", "contact-value": NEW_PHONE, "contact-current": ATHOME_PASSWORD},
    )
    assert response.status_code == 200 and "cannot be used" in response.text
    assert sms(NEW_PHONE) == []
