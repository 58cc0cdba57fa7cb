"""Passkeys end to end through the test client, with a software authenticator."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.passkeys.models import Passkey, WebAuthnChallenge
from app.persistence import utcnow
from tests.conftest import CSRF_INPUT
from tests.passkey_authenticator import SoftAuthenticator

from .passkey_steps import add_passkey, csrf_of, log_in_with, login_options, post_json

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
HOST = "acme.localhost"


@pytest.fixture
def owner(make_subscriber, tenant_client):
    """An acme subscriber logged in with the password, and their browser."""
    facts = make_subscriber(password=PASSWORD)
    browser = tenant_client(HOST)
    assert browser.login(facts["account"], PASSWORD).status_code == 302
    return facts, browser


def passkeys(app) -> list[Passkey]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Passkey).order_by(Passkey.id)))
        db.session.expunge_all()
        return rows


def logged_in(browser) -> bool:
    return browser.get("/").status_code == 200


def test_add_a_passkey_then_log_in_with_it(app, owner, tenant_client):
    facts, browser = owner
    key = SoftAuthenticator()
    response = add_passkey(browser, key, name="My phone")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"redirect": "/passkeys/"}
    page = browser.get("/passkeys/").get_data(as_text=True)
    assert "The passkey has been added." in page
    assert "My phone" in page and "Works on acme.localhost." in page and "Not used yet" in page

    stranger = tenant_client(HOST)
    assert not logged_in(stranger)
    response = log_in_with(stranger, key)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"redirect": "/"}
    assert facts["account"] in stranger.get("/").get_data(as_text=True)
    (stored,) = passkeys(app)
    assert stored.sign_count == 1 and stored.last_used_at is not None
    assert stored.rp_id == HOST and stored.transports == "internal,hybrid"
    assert "Last used:" in stranger.get("/passkeys/").get_data(as_text=True)


def test_the_login_page_offers_the_passkey_button_without_inline_script(client):
    response = client.get("/login")
    page = response.get_data(as_text=True)
    assert "Log in with a passkey" in page
    assert '<script src="/static/passkeys.js" defer></script>' in page
    assert "<script>" not in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    script = client.get("/static/passkeys.js")
    assert script.status_code == 200 and "navigator.credentials.get" in script.get_data(
        as_text=True
    )
    script.close()


def test_a_login_goes_to_the_next_page_it_was_sent_from(owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    stranger = tenant_client(HOST)
    token = csrf_of(stranger, "/login?next=/statement")
    options = post_json(stranger, "/passkeys/login/options", {}, token).get_json()
    assertion = key.get(options, f"http://{HOST}")
    response = post_json(
        stranger, "/passkeys/login/verify?next=/statement", {"credential": assertion}, token
    )
    assert response.get_json() == {"redirect": "/statement"}


@pytest.mark.parametrize(
    ("origin", "rp_id"),
    [
        ("http://evil.localhost", None),
        ("https://acme.localhost", None),
        ("http://acme.localhost:8443", None),
        (None, "evil.localhost"),
        (None, "localhost"),
    ],
)
def test_a_wrong_origin_or_rp_id_is_refused(app, owner, tenant_client, origin, rp_id):
    _, browser = owner
    refused = add_passkey(browser, SoftAuthenticator(), origin=origin, rp_id=rp_id)
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "The passkey could not be added. Please try again."
    assert passkeys(app) == []

    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    stranger = tenant_client(HOST)
    assert log_in_with(stranger, key, origin=origin, rp_id=rp_id).status_code == 400
    assert not logged_in(stranger)
    assert log_in_with(stranger, key).status_code == 200


def test_a_passkey_works_only_on_the_host_it_was_made_on(owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    # The same ISP's region host: another relying party, even if an authenticator lied.
    region_host = tenant_client("north.acme.localhost")
    assert log_in_with(region_host, key).status_code == 400
    assert log_in_with(region_host, key, origin=f"http://{HOST}", rp_id=HOST).status_code == 400
    assert not logged_in(region_host)


def test_another_tenants_host_refuses_the_passkey(app, owner, tenant_client, make_subscriber):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    other = tenant_client("tomtel.localhost")
    # As made for acme (the browser would not even offer it on tomtel's host) …
    assert log_in_with(other, key, origin=f"http://{HOST}", rp_id=HOST).status_code == 400
    # … and as if signed for tomtel's host: tomtel has no such credential.
    assert log_in_with(other, key).status_code == 400
    assert not logged_in(other)


def test_one_credential_id_in_two_tenants_logs_in_each_tenants_own(
    app, owner, tenant_client, make_subscriber
):
    acme_facts, acme_browser = owner
    tomtel_facts = make_subscriber(
        tenant="tomtel", password=PASSWORD, logins={"account": "555000111"}
    )
    tomtel_browser = tenant_client("tomtel.localhost")
    assert tomtel_browser.login("555000111", PASSWORD).status_code == 302
    acme_key = SoftAuthenticator()
    # Another key pair claiming the same credential id, registered in the other ISP.
    tomtel_key = SoftAuthenticator(credential_id=acme_key.credential_id)
    assert add_passkey(acme_browser, acme_key).status_code == 200
    assert add_passkey(tomtel_browser, tomtel_key).status_code == 200

    on_tomtel = tenant_client("tomtel.localhost")
    assert log_in_with(on_tomtel, acme_key).status_code == 400
    assert log_in_with(on_tomtel, tomtel_key).status_code == 200
    assert tomtel_facts["account"] in on_tomtel.get("/").get_data(as_text=True)
    on_acme = tenant_client(HOST)
    assert log_in_with(on_acme, acme_key).status_code == 200
    assert acme_facts["account"] in on_acme.get("/").get_data(as_text=True)


def test_a_login_challenge_is_used_once(app, owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    first = tenant_client(HOST)
    token, options = login_options(first)
    before_login = first.get_cookie("session", domain=HOST).value
    assertion = key.get(options, f"http://{HOST}")
    assert (
        post_json(first, "/passkeys/login/verify", {"credential": assertion}, token).status_code
        == 200
    )
    # The same browser state again (its session cookie from before), a fresh signature
    # over the same challenge: the challenge is gone.
    again = tenant_client(HOST)
    again.set_cookie("session", before_login, domain=HOST)
    replay = key.get(options, f"http://{HOST}")
    response = post_json(again, "/passkeys/login/verify", {"credential": replay}, token)
    assert response.status_code == 400
    assert not logged_in(again)


def test_a_registration_challenge_is_used_once(app, owner):
    _, browser = owner
    token = csrf_of(browser, "/passkeys/")
    options = post_json(browser, "/passkeys/register/options", {}, token).get_json()
    before = browser.get_cookie("session", domain=HOST).value
    key = SoftAuthenticator()
    credential = key.create(options, f"http://{HOST}")
    body = {"credential": credential}
    assert post_json(browser, "/passkeys/register/verify", body, token).status_code == 200
    browser.set_cookie("session", before, domain=HOST)
    other = SoftAuthenticator().create(options, f"http://{HOST}")
    assert (
        post_json(browser, "/passkeys/register/verify", {"credential": other}, token).status_code
        == 400
    )
    assert len(passkeys(app)) == 1


def test_a_refused_answer_uses_the_challenge_up(app, owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    stranger = tenant_client(HOST)
    token, options = login_options(stranger)
    before = stranger.get_cookie("session", domain=HOST).value
    wrong = key.get(options, "http://evil.localhost")
    assert (
        post_json(stranger, "/passkeys/login/verify", {"credential": wrong}, token).status_code
        == 400
    )
    stranger.set_cookie("session", before, domain=HOST)
    right = key.get(options, f"http://{HOST}")
    assert (
        post_json(stranger, "/passkeys/login/verify", {"credential": right}, token).status_code
        == 400
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WebAuthnChallenge)) == 0


def test_an_expired_challenge_is_refused(app, owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    stranger = tenant_client(HOST)
    token, options = login_options(stranger)
    with app.app_context():
        db.session.execute(
            sa.update(WebAuthnChallenge).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assertion = key.get(options, f"http://{HOST}")
    assert (
        post_json(stranger, "/passkeys/login/verify", {"credential": assertion}, token).status_code
        == 400
    )
    assert not logged_in(stranger)


def test_the_challenge_lasts_five_minutes(app, owner):
    _, browser = owner
    csrf = csrf_of(browser, "/passkeys/")
    post_json(browser, "/passkeys/register/options", {}, csrf)
    with app.app_context():
        (row,) = db.session.scalars(sa.select(WebAuthnChallenge)).all()
        left = row.expires_at - utcnow()
    assert timedelta(minutes=4, seconds=50) < left <= timedelta(minutes=5)


def test_a_replayed_counter_is_refused(app, owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    assert log_in_with(tenant_client(HOST), key, counter=5).status_code == 200
    cloned = tenant_client(HOST)
    assert log_in_with(cloned, key, counter=5).status_code == 400
    assert log_in_with(cloned, key, counter=4).status_code == 400
    assert not logged_in(cloned)
    assert log_in_with(cloned, key, counter=6).status_code == 200
    assert passkeys(app)[0].sign_count == 6


def test_an_authenticator_without_a_counter_keeps_working(app, owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    assert log_in_with(tenant_client(HOST), key, counter=0).status_code == 200
    assert log_in_with(tenant_client(HOST), key, counter=0).status_code == 200


def test_without_user_verification_no_login(owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    stranger = tenant_client(HOST)
    assert log_in_with(stranger, key, verified=False).status_code == 400
    assert not logged_in(stranger)


def test_a_removed_passkey_no_longer_logs_in(app, owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key, name="Old laptop").status_code == 200
    (stored,) = passkeys(app)
    response = browser.form(f"/passkeys/{stored.id}/remove", {}, page="/passkeys/")
    assert response.status_code == 302 and response.headers["Location"] == "/passkeys/"
    page = browser.get("/passkeys/").get_data(as_text=True)
    assert "The passkey has been removed." in page and "Old laptop" not in page
    assert passkeys(app) == []
    stranger = tenant_client(HOST)
    assert log_in_with(stranger, key).status_code == 400
    assert not logged_in(stranger)


def test_someone_elses_passkey_cannot_be_removed(app, owner, make_subscriber, tenant_client):
    _, browser = owner
    assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    (stored,) = passkeys(app)
    neighbour = make_subscriber(password=PASSWORD)
    other = tenant_client(HOST)
    assert other.login(neighbour["account"], PASSWORD).status_code == 302
    assert other.form(f"/passkeys/{stored.id}/remove", {}, page="/passkeys/").status_code == 404
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "555000222"})
    foreign = tenant_client("tomtel.localhost")
    assert foreign.login("555000222", PASSWORD).status_code == 302
    assert foreign.form(f"/passkeys/{stored.id}/remove", {}, page="/passkeys/").status_code == 404
    assert len(passkeys(app)) == 1
    assert "Works on acme.localhost." not in other.get("/passkeys/").get_data(as_text=True)


def test_every_passkey_post_needs_the_csrf_token(app, owner, tenant_client):
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    (stored,) = passkeys(app)
    assert post_json(browser, "/passkeys/register/options", {}, None).status_code == 400
    assert browser.post(f"/passkeys/{stored.id}/remove").status_code == 400
    stranger = tenant_client(HOST)
    assert post_json(stranger, "/passkeys/login/options", {}, None).status_code == 400
    _token, options = login_options(stranger)
    assertion = key.get(options, f"http://{HOST}")
    assert (
        post_json(stranger, "/passkeys/login/verify", {"credential": assertion}, None).status_code
        == 400
    )
    assert (
        post_json(
            stranger, "/passkeys/login/verify", {"credential": assertion}, "forged"
        ).status_code
        == 400
    )
    assert not logged_in(stranger)
    assert len(passkeys(app)) == 1


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"credential": "x"},
        {"credential": {}},
        {"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": []}},
        {"credential": {"id": 5, "response": {"clientDataJSON": "!!", "attestationObject": "%%"}}},
        {
            "credential": {
                "id": "AAAA",
                "rawId": "AAAA",
                "type": "public-key",
                "response": {
                    "clientDataJSON": "e30",
                    "attestationObject": "oA",
                    "authenticatorData": "AA",
                    "signature": "AA",
                    "userHandle": 7,
                },
            }
        },
    ],
)
def test_malformed_answers_are_a_bad_request(owner, tenant_client, body):
    _, browser = owner
    token = csrf_of(browser, "/passkeys/")
    post_json(browser, "/passkeys/register/options", {}, token)
    assert post_json(browser, "/passkeys/register/verify", body, token).status_code == 400
    stranger = tenant_client(HOST)
    token, _options = login_options(stranger)
    assert post_json(stranger, "/passkeys/login/verify", body, token).status_code == 400


def test_a_name_too_long_is_a_form_error(app, owner):
    _, browser = owner
    response = add_passkey(browser, SoftAuthenticator(), name="x" * 61)
    assert response.status_code == 400
    assert response.get_json()["error"] == "The name may be up to 60 characters."
    assert passkeys(app) == []


def form_token(browser, page: str) -> str:
    """The CSRF token of an ordinary form on a page."""
    return CSRF_INPUT.search(browser.get(page).get_data(as_text=True)).group(1)


def test_a_temporary_password_must_be_changed_first(app, make_subscriber, tenant_client):
    facts = make_subscriber(password=PASSWORD, temporary=True)
    browser = tenant_client(HOST)
    assert browser.login(facts["account"], PASSWORD).status_code == 302
    token = form_token(browser, "/password")
    response = post_json(browser, "/passkeys/register/options", {}, token)
    assert response.status_code == 302 and response.headers["Location"] == "/password"
    assert browser.get("/passkeys/").headers["Location"] == "/password"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WebAuthnChallenge)) == 0


def test_the_shared_demo_account_cannot_add_or_remove(app, owner):
    from app.core.subscribers import Subscriber

    _, browser = owner
    assert add_passkey(browser, SoftAuthenticator(), name="Kept").status_code == 200
    (stored,) = passkeys(app)
    with app.app_context():
        db.session.execute(
            sa.update(Subscriber)
            .where(Subscriber.id == stored.subscriber_id)
            .values(shared_demo=True)
        )
        db.session.commit()
    page = browser.get("/passkeys/").get_data(as_text=True)
    message = "Passkeys cannot be added to or removed from the shared demo account."
    assert message in page and "Add a passkey" not in page and "Kept" in page
    token = form_token(browser, "/password")
    refused = post_json(browser, "/passkeys/register/options", {}, token)
    assert refused.status_code == 403 and refused.get_json()["error"] == message
    response = browser.form(f"/passkeys/{stored.id}/remove", {}, page="/password")
    assert response.status_code == 302
    assert message in browser.get("/passkeys/").get_data(as_text=True)
    assert len(passkeys(app)) == 1


def test_failed_passkey_logins_are_limited_per_tenant_and_address(
    app, owner, tenant_client, monkeypatch
):
    monkeypatch.setitem(app.config, "PORTAL_PASSKEY_LIMIT_IP", "2 per 5 minutes")
    _, browser = owner
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    attacker = tenant_client(HOST)
    for _ in range(2):
        assert log_in_with(attacker, key, origin="http://evil.localhost").status_code == 400
    token = csrf_of(attacker, "/login")
    response = post_json(attacker, "/passkeys/login/options", {}, token)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"].startswith("Too many attempts.")
    # Spent for this address in this ISP only: another ISP's host still answers.
    other = tenant_client("tomtel.localhost")
    assert (
        post_json(other, "/passkeys/login/options", {}, csrf_of(other, "/login")).status_code == 200
    )


def test_a_subscriber_of_another_region_goes_to_their_regions_host(
    app, make_subscriber, tenant_client
):
    from app.core.subscribers import Subscriber

    facts = make_subscriber(password=PASSWORD)
    browser = tenant_client("north.acme.localhost")
    assert browser.login(facts["account"], PASSWORD).status_code == 302
    key = SoftAuthenticator()
    assert add_passkey(browser, key).status_code == 200
    with app.app_context():
        db.session.execute(
            sa.update(Subscriber).where(Subscriber.id == facts["id"]).values(region="south")
        )
        db.session.commit()
    stranger = tenant_client("north.acme.localhost")
    response = log_in_with(stranger, key)
    assert response.status_code == 200
    assert response.get_json() == {"redirect": "http://south.acme.localhost/login"}
    assert not logged_in(stranger)


def test_a_production_host_expects_https_on_that_host(app, make_subscriber, tenant_client):
    facts = make_subscriber(password=PASSWORD)
    browser = tenant_client("lk.acme.test")
    assert browser.login(facts["account"], PASSWORD).status_code == 302
    plain = add_passkey(browser, SoftAuthenticator(), origin="http://lk.acme.test")
    assert plain.status_code == 400
    key = SoftAuthenticator()
    assert add_passkey(browser, key, origin="https://lk.acme.test").status_code == 200
    assert passkeys(app)[0].rp_id == "lk.acme.test"
    stranger = tenant_client("lk.acme.test")
    assert log_in_with(stranger, key, origin="https://lk.acme.test:8443").status_code == 400
    assert log_in_with(stranger, key, origin="https://lk.acme.test").status_code == 200
    # Another host of the same ISP in its YAML: a relying party of its own.
    hindi = tenant_client("hindi.acme.test")
    assert (
        log_in_with(hindi, key, origin="https://lk.acme.test", rp_id="lk.acme.test").status_code
        == 400
    )


def age_the_login(app, subscriber_id: int, minutes: int) -> None:
    """Move the subscriber's sessions' start back: the login proved the password that long ago."""
    from app.core.devices import LoginSession

    with app.app_context():
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.subscriber_id == subscriber_id)
            .values(created_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()


def test_adding_a_passkey_long_after_the_login_needs_the_password_again(app, owner):
    facts, browser = owner
    age_the_login(app, facts["id"], minutes=11)
    page = browser.get("/passkeys/").get_data(as_text=True)
    assert 'data-testid="passkey-confirm"' in page and "data-passkey-register" not in page
    token = CSRF_INPUT.search(page).group(1)
    # A stolen session cookie alone: the ceremony is refused at both of its steps.
    refused = post_json(browser, "/passkeys/register/options", {}, token)
    assert refused.status_code == 403
    assert "type your password again" in refused.get_json()["error"]
    verify = post_json(browser, "/passkeys/register/verify", {"credential": {}}, token)
    assert verify.status_code == 403

    wrong = browser.post(
        "/passkeys/confirm",
        data={"csrf_token": token, "password": "not-it", "next": "/security/"},
    )
    assert wrong.status_code == 302 and wrong.headers["Location"] == "/security/"
    assert "The password is incorrect." in browser.get("/security/").get_data(as_text=True)
    assert post_json(browser, "/passkeys/register/options", {}, token).status_code == 403

    right = browser.post("/passkeys/confirm", data={"csrf_token": token, "password": PASSWORD})
    assert right.status_code == 302
    assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    assert len(passkeys(app)) == 1


def test_a_password_proof_lasts_ten_minutes(app, owner, monkeypatch):
    from app.passkeys import routes

    facts, browser = owner
    age_the_login(app, facts["id"], minutes=30)
    page = browser.get("/passkeys/").get_data(as_text=True)
    token = CSRF_INPUT.search(page).group(1)
    browser.post("/passkeys/confirm", data={"csrf_token": token, "password": PASSWORD})
    assert "data-passkey-register" in browser.get("/passkeys/").get_data(as_text=True)
    later = utcnow() + timedelta(minutes=11)
    monkeypatch.setattr(routes, "utcnow", lambda: later)
    assert 'data-testid="passkey-confirm"' in browser.get("/passkeys/").get_data(as_text=True)
    assert post_json(browser, "/passkeys/register/options", {}, token).status_code == 403


def test_the_owner_hears_of_a_new_passkey(app, make_subscriber, tenant_client, mailbox, sms):
    by_mail = make_subscriber(password=PASSWORD, email="owner@example.ru")
    by_phone = make_subscriber(password=PASSWORD, phone="+79130000077")
    for facts in (by_mail, by_phone):
        browser = tenant_client(HOST)
        assert browser.login(facts["account"], PASSWORD).status_code == 302
        assert add_passkey(browser, SoftAuthenticator()).status_code == 200
    (letter,) = mailbox.to("owner@example.ru")
    assert "a passkey was added" in letter["Subject"]
    assert "If it was not you" in mailbox.last_text("owner@example.ru")
    (text,) = sms("+79130000077")
    assert "a passkey was added to your personal account" in text
