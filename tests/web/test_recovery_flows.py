"""Each launch ISP's recovery flow, end to end: ask, receive, confirm, set, log in."""

import re
from urllib.parse import urlsplit

PASSWORD = "Sunny-Garden-77"
NEW = "Velvet-Harbor-2931"
PHONE = "+79135551234"
EMAIL = "ivan.petrov@example.ru"


def code_from(texts: list[str]) -> str:
    return re.search(r"\b(\d{6})\b", texts[0]).group(1)


def finish_with_code(client, code: str) -> None:
    response = client.form("/recover/code", {"code": code})
    assert response.headers["Location"] == "/recover/password"
    response = client.form("/recover/password", {"new": NEW, "confirm": NEW})
    assert response.headers["Location"] == "/login"


def finish_with_link(client, link: str) -> str:
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    response = client.form(path, {"new": NEW, "confirm": NEW})
    assert response.headers["Location"] == "/login"
    return path


def assert_new_password_works(client, login: str, **extra) -> None:
    assert client.login(login, PASSWORD, **extra).status_code == 200
    assert client.login(login, NEW, **extra).status_code == 302


def test_athome_identity_then_sms_code(tenant_client, make_subscriber, sms, mailbox):
    make_subscriber(
        tenant="athome",
        password=PASSWORD,
        logins={"login": "petrov_spb"},
        surname="Петров",
        first_name="Иван",
        phone=PHONE,
        email=EMAIL,
    )
    client = tenant_client("athome.localhost")
    response = client.form(
        "/recover/via/identity",
        {
            "surname": " петров ",
            "first_name": "ИВАН",
            "contract_or_account": "t-1",
            "delivery": "sms_code",
        },
    )
    assert response.headers["Location"] == "/recover/code"
    assert "Эт Хоум" in sms(PHONE)[0]
    finish_with_code(client, code_from(sms(PHONE)))
    page = client.get("/login").get_data(as_text=True)
    assert "petrov_spb" in page  # the subscriber is told their login
    assert_new_password_works(client, "petrov_spb")
    notice = mailbox.last_text(EMAIL)  # «your password was changed», on the other channel
    assert "240-24-24" in notice and "Эт Хоум" in notice


def test_athome_identity_then_email_link(tenant_client, make_subscriber, sms, mailbox):
    make_subscriber(
        tenant="athome",
        password=PASSWORD,
        logins={"login": "petrov_spb"},
        surname="Петров",
        first_name="Иван",
        phone=PHONE,
        email=EMAIL,
    )
    client = tenant_client("athome.localhost")
    response = client.form(
        "/recover/via/identity",
        {
            "surname": "Петров",
            "first_name": "Иван",
            "contract_or_account": "000001",
            "delivery": "email_link",
        },
    )
    assert response.headers["Location"].startswith("/recover/sent")
    link = mailbox.link(EMAIL)
    assert link.startswith("https://athome.localhost/recover/link/")
    finish_with_link(client, link)
    assert_new_password_works(client, "petrov_spb")
    assert any("Эт Хоум" in text for text in sms(PHONE))  # the notice on the other channel


def test_athome_email_flow(tenant_client, make_subscriber, mailbox):
    make_subscriber(
        tenant="athome", password=PASSWORD, logins={"login": "petrov_spb"}, email=EMAIL, phone=PHONE
    )
    client = tenant_client("athome.localhost")
    client.form("/recover/via/email", {"email": "Ivan.Petrov@Example.RU"})
    finish_with_link(client, mailbox.link(EMAIL))
    assert_new_password_works(client, "petrov_spb")


def test_netbynet_region_phone_and_account(tenant_client, make_subscriber, sms):
    subscriber = make_subscriber(
        tenant="netbynet",
        password=PASSWORD,
        logins={"contract": "781000111"},
        phone=PHONE,
        email=EMAIL,
        region="spb",
    )
    client = tenant_client("netbynet.localhost")
    wrong_region = {
        "region": "msk",
        "phone": "8 913 555 12 34",
        "account": subscriber["account"],
        "delivery": "sms_code",
    }
    client.form("/recover/via/phone", wrong_region)
    assert sms(PHONE) == []
    right = wrong_region | {"region": "spb"}
    client.form("/recover/via/phone", right)
    finish_with_code(client, code_from(sms(PHONE)))
    assert_new_password_works(client, "781000111")


def test_novotelecom_contract_to_email(tenant_client, make_subscriber, mailbox):
    subscriber = make_subscriber(
        tenant="novotelecom",
        password=PASSWORD,
        logins={"contract": "1077001"},
        email=EMAIL,
        phone=PHONE,
    )
    client = tenant_client("novotelecom.localhost")
    client.form("/recover/via/contract", {"contract": subscriber["contract"].lower()})
    finish_with_link(client, mailbox.link(EMAIL))
    assert_new_password_works(client, "1077001")


def test_iphome_temporary_password_by_sms(tenant_client, make_subscriber, sms, mailbox):
    make_subscriber(
        tenant="iphome",
        password=PASSWORD,
        logins={"login": "eg-10234"},
        phone=PHONE,
        email=EMAIL,
        region="msk",
    )
    client = tenant_client("iphome.localhost")
    response = client.form("/recover/via/sms", {"login": "eg-10234"})
    assert response.headers["Location"].startswith("/recover/sent")
    temporary = re.search(r"\b([A-Za-z0-9]{10})\b", sms(PHONE)[0]).group(1)
    assert client.login("eg-10234", temporary, region="msk").headers["Location"] == (
        "/recover/password"
    )
    assert client.get("/").headers["Location"] == "/recover/password"  # set one first
    assert mailbox.to(EMAIL) == []  # nothing has changed yet
    done = client.form("/recover/password", {"new": NEW, "confirm": NEW})
    assert done.headers["Location"] == "/"  # logged in with the new password
    assert client.get("/").status_code == 200
    assert mailbox.to(EMAIL)  # notice on the other channel


def test_iphome_temporary_password_by_email(tenant_client, make_subscriber, mailbox):
    make_subscriber(
        tenant="iphome",
        password=PASSWORD,
        logins={"login": "eg-10234"},
        phone=PHONE,
        email=EMAIL,
        region="msk",
    )
    client = tenant_client("iphome.localhost")
    client.form("/recover/via/email", {"login": "eg-10234", "email": "someone@else.ru"})
    assert mailbox.to(EMAIL) == []  # the e-mail must be the one on record
    client.form("/recover/via/email", {"login": "eg-10234", "email": EMAIL})
    text = mailbox.last_text(EMAIL)
    temporary = re.search(r"\b([A-Za-z0-9]{10})\b", text).group(1)
    assert client.login("eg-10234", temporary, region="msk").headers["Location"] == (
        "/recover/password"
    )
    assert client.get("/").headers["Location"] == "/recover/password"


def test_tomtel_needs_recovery_switched_on_first(tenant_client, make_subscriber, sms):
    subscriber = make_subscriber(
        tenant="tomtel",
        password=PASSWORD,
        logins={"account": "701000111", "contract": "700000000111"},
        phone=PHONE,
        email=EMAIL,
    )
    client = tenant_client("tomtel.localhost")
    asked = {
        "identifier_kind": "contract",
        "identifier": subscriber["contract"],
        "delivery": "sms_code",
    }
    client.form("/recover/via/identifier", asked)
    assert sms(PHONE) == []  # never switched on: nothing is sent
    page = client.get("/recover/code").get_data(as_text=True)
    assert "never switched on" in page or "не включ" in page

    cabinet = tenant_client("tomtel.localhost")
    cabinet.login("701000111", PASSWORD)
    wrong = cabinet.form(
        "/recover/contacts",
        {"contact-channel": "sms", "contact-value": PHONE, "contact-current": "not-my-password"},
        page="/recover/contacts",
    )
    assert wrong.status_code == 200 and sms(PHONE) == []
    cabinet.form(
        "/recover/contacts",
        {"contact-channel": "sms", "contact-value": PHONE, "contact-current": PASSWORD},
        page="/recover/contacts",
    )
    cabinet.form("/recover/contacts/confirm", {"code": code_from(sms(PHONE))})
    assert "recovery on" in cabinet.get("/recover/contacts").get_data(as_text=True) or (
        "включено" in cabinet.get("/recover/contacts").get_data(as_text=True)
    )

    client.form("/recover/via/identifier", asked)
    finish_with_code(client, code_from(sms(PHONE)))
    assert_new_password_works(client, "701000111")
    assert cabinet.get("/").status_code == 302  # the old session ended


def _picture_code(client) -> str:
    """What the picture shows, as a person reading it would type it."""
    from app.web.captcha.challenge import picture_code

    with client.session_transaction() as session:
        nonce = session["captcha"]["nonce"]
    return picture_code(b"test-secret-key", nonce)


def test_novotelecom_phone_and_picture_code_then_sms(tenant_client, make_subscriber, sms):
    make_subscriber(
        tenant="novotelecom",
        password=PASSWORD,
        logins={"contract": "1077001"},
        email=EMAIL,
        phone=PHONE,
    )
    client = tenant_client("novotelecom.localhost")
    page = client.get("/recover/via/phone").text
    assert "/captcha/image.png" in page
    wrong = client.form("/recover/via/phone", {"phone": "8 913 555-12-34", "captcha": "WRONG"})
    assert wrong.status_code == 200 and sms(PHONE) == []
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/recover/via/phone").text
    )
    typed = {"phone": "8 913 555-12-34", "captcha": _picture_code(client).lower()}
    response = client.post("/recover/via/phone", data={"csrf_token": token.group(1), **typed})
    assert response.headers["Location"] == "/recover/code"
    finish_with_code(client, code_from(sms(PHONE)))
    assert_new_password_works(client, "1077001")
