"""«Registration» of a cabinet for an existing contract (Томтел): a link to the contract's
e-mail, then a password; the same answer, in the same time, whether or not it exists."""

import re
import statistics
import time

import pytest
import sqlalchemy as sa

from app.auth.models import Credential
from app.core.verification import Challenge
from app.extensions import db, limiter
from tests.conftest import CSRF_INPUT

PAGE_LANG = "en"
EMAIL = "anna.sidorova@example.ru"
NEW_PASSWORD = "Birch-Forest-1987"
TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+')


@pytest.fixture
def contract(app, make_subscriber):
    """A Томтел contract with an e-mail on record and no cabinet yet."""
    facts = make_subscriber(
        tenant="tomtel", surname="Сидорова", first_name="Анна", email=EMAIL, logins={}
    )
    with app.app_context():
        db.session.execute(sa.delete(Credential).where(Credential.subscriber_id == facts["id"]))
        db.session.commit()
    return facts


def _register(client, number, email=EMAIL, surname="Сидорова"):
    return client.form("/register", {"contract": number, "surname": surname, "email": email})


def test_the_login_page_offers_registration_only_where_the_tenant_does(tenant_client):
    assert "/register" in tenant_client("tomtel.localhost").get("/login").text
    assert "/register" not in tenant_client("athome.localhost").get("/login").text
    assert tenant_client("athome.localhost").get("/register").status_code == 404


def test_register_by_the_emailed_link_then_log_in(tenant_client, contract, mailbox):
    client = tenant_client("tomtel.localhost")
    response = _register(client, contract["contract"])
    assert response.headers["Location"].endswith("/register/sent")
    link = mailbox.link(EMAIL)
    assert link.startswith("http") and "/register/link/" in link
    path = "/register/link/" + link.rsplit("/", 1)[1]
    done = client.form(path, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"].endswith("/login")
    assert contract["account"] in client.get("/login").text  # «Your login: …»
    fresh = tenant_client("tomtel.localhost")
    assert fresh.login(EMAIL, NEW_PASSWORD).status_code == 302
    # The link is spent.
    assert client.get(path).status_code == 410


def test_a_link_expires(app, tenant_client, contract, mailbox):
    _register(tenant_client("tomtel.localhost"), contract["contract"])
    link = mailbox.link(EMAIL)
    with app.app_context():
        challenge = db.session.scalar(sa.select(Challenge).where(Challenge.purpose == "register"))
        challenge.expires_at = challenge.created_at
        db.session.commit()
    response = tenant_client("tomtel.localhost").get("/register/link/" + link.rsplit("/", 1)[1])
    assert response.status_code == 410 and "expired" in response.text


def test_only_the_email_on_record_gets_anything(tenant_client, contract, mailbox):
    _register(tenant_client("tomtel.localhost"), contract["contract"], email="me@evil.example")
    assert mailbox.to("me@evil.example") == [] and mailbox.to(EMAIL) == []


def test_a_contract_with_a_cabinet_gets_a_mail_saying_so(
    app, tenant_client, make_subscriber, mailbox
):
    make_subscriber(tenant="tomtel", surname="Орлов", email="orlov@example.ru", logins={})
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Credential))
    client = tenant_client("tomtel.localhost")
    response = client.form(
        "/register", {"contract": "T-1", "surname": "Орлов", "email": "orlov@example.ru"}
    )
    assert response.headers["Location"].endswith("/register/sent")
    text = mailbox.last_text("orlov@example.ru")
    assert "already has one" in text and "/recover" in text and "/register/link/" not in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Credential)) == count
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Challenge)
                .where(Challenge.purpose == "register")
            )
            == 0
        )


def test_the_same_answer_whether_the_contract_exists(tenant_client, contract, mailbox):
    def answer(number):
        client = tenant_client("tomtel.localhost")
        response = _register(client, number)
        page = TOKEN.sub(r"\1…", client.get(response.headers["Location"]).text)
        return response.status_code, response.headers["Location"], page

    assert answer(contract["contract"]) == answer("T-404")
    assert mailbox.to(EMAIL)


def test_timing_does_not_tell_contracts_apart(app, tenant_client, contract, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_RECOVERY_MIN_SECONDS", 0.25)

    def timed(number: str) -> float:
        limiter.reset()
        client = tenant_client("tomtel.localhost")
        token = CSRF_INPUT.search(client.get("/register").text).group(1)
        started = time.monotonic()
        client.post(
            "/register",
            data={"csrf_token": token, "contract": number, "surname": "Сидорова", "email": EMAIL},
            buffered=False,
        ).close()
        return time.monotonic() - started

    timed(contract["contract"])
    timed("T-0")
    real, fake = [], []
    for n in range(1, 6):
        real.append(timed(contract["contract"]))
        fake.append(timed(f"T-90{n}"))
    assert min(real + fake) >= 0.25
    assert abs(statistics.median(real) - statistics.median(fake)) < 0.1, (real, fake)


def test_registration_is_rate_limited(tenant_client, contract):
    client = tenant_client("tomtel.localhost")
    statuses = [_register(client, f"T-50{n}").status_code for n in range(25)]
    assert 429 in statuses and "Too many attempts" in _register(client, "T-999").text


def test_another_tenants_contract_is_not_found(tenant_client, make_subscriber, mailbox):
    make_subscriber(tenant="athome", surname="Сидорова", email=EMAIL)
    client = tenant_client("tomtel.localhost")
    _register(client, "T-1")
    assert mailbox.to(EMAIL) == []


def test_a_link_stops_working_once_the_contract_has_a_cabinet(
    app, tenant_client, contract, mailbox
):
    from app.auth import service as auth

    _register(tenant_client("tomtel.localhost"), contract["contract"])
    path = "/register/link/" + mailbox.link(EMAIL).rsplit("/", 1)[1]
    with app.app_context():
        tomtel = app.extensions["tenancy"].tenants["tomtel"]
        auth.set_password(tomtel, contract["id"], "Issued-At-Office-1", "test", reason="issued")
        db.session.commit()
    assert tenant_client("tomtel.localhost").get(path).status_code == 410
