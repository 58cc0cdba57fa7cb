"""Session security: new session on login, server-side logout, cookies, headers.

Sessions per device, their limits and the tenant binding: tests/security/test_sessions.py.
"""

import secrets

import pytest

from app.config import ConfigError, load_settings

PASSWORD = "Sunny-Garden-77"


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session", domain="acme.localhost") or client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_logout_ends_the_session_on_the_server(tenant_client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    browser = tenant_client("acme.localhost")
    browser.login(subscriber["account"], PASSWORD)
    stolen = _session_cookie(browser)
    thief = tenant_client("acme.localhost")
    thief.set_cookie("session", stolen, domain="acme.localhost")
    assert thief.get("/").status_code == 200  # a copied cookie works while the session lives

    browser.form("/logout", {}, page="/")
    assert browser.get("/").status_code == 302
    response = thief.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_session_made_on_one_tenant_is_refused_on_another(tenant_client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    browser = tenant_client("acme.localhost")
    browser.login(subscriber["account"], PASSWORD)
    cookie = _session_cookie(browser)
    elsewhere = tenant_client("tomtel.localhost")
    elsewhere.set_cookie("session", cookie, domain="tomtel.localhost")
    response = elsewhere.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_starts_a_new_session(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.login(subscriber["account"], PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]  # the new session's token


def test_cookie_flags(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    response = client.login(subscriber["account"], PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_form_without_csrf_token_is_rejected(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    response = client.post("/login", data={"login": subscriber["account"], "password": PASSWORD})
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True) or "устарел" in (
        response.get_data(as_text=True)
    )
    assert client.get("/").status_code == 302


def test_logout_needs_a_post_with_token(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    client.login(subscriber["account"], PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_too_many_attempts_on_one_account_get_429(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    for _ in range(10):
        assert client.login(subscriber["account"], "wrong").status_code == 200
    response = client.login(subscriber["account"], PASSWORD)
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "Повторите через" in text and "мин." in text
    # Another account from the same address is still allowed.
    other = make_subscriber(password=PASSWORD)
    assert client.login(other["account"], PASSWORD).status_code == 302


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    try:
        load_settings()
    except ConfigError as exc:
        assert "SECRET_KEY" in str(exc)
    else:
        raise AssertionError("production started with the development secret key")
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(32))
    settings = load_settings()
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_an_error_in_a_page_shows_no_traceback(app, client, make_subscriber, monkeypatch):
    from app.account import service

    subscriber = make_subscriber(password=PASSWORD)
    client.login(subscriber["account"], PASSWORD)

    def broken(*args, **kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(service, "account_overview", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "database exploded" not in text


def _region_shown(response) -> str:
    import re

    match = re.search(r'<span class="region"[^>]*>([^<]*)</span>', response.get_data(as_text=True))
    return match.group(1) if match else ""


def test_the_sessions_region_is_the_subscribers_own(tenant_client, make_subscriber):
    make_subscriber(tenant="iphome", password=PASSWORD, logins={"login": "108837"}, region="msk")
    client = tenant_client("iphome.localhost")
    client.set_cookie("lang", "ru", domain="iphome.localhost")
    client.login("108837", PASSWORD, region="tomilino")
    with client.session_transaction() as session:
        assert session["region"] == "msk"
        # A session from before the rule, or one whose region was changed, …
        session["region"] = "tomilino"
    # … still shows the subscriber's own region, its contacts and its tariffs.
    assert _region_shown(client.get("/")) == "Москва (юго-восток)"


def test_a_session_on_another_regions_host_shows_the_subscribers_region(
    tenant_client, make_subscriber
):
    make_subscriber(
        tenant="netbynet", password=PASSWORD, logins={"contract": "781045236"}, region="spb"
    )
    home = tenant_client("netbynet.localhost")
    home.login("781045236", PASSWORD)
    # A session cookie carried to the Moscow host (say, one from before logins moved people).
    moscow = tenant_client("msk.netbynet.localhost")
    moscow.set_cookie("session", _session_cookie_of(home), domain="msk.netbynet.localhost")
    page = moscow.get("/")
    assert page.status_code == 200
    assert _region_shown(page) == "Санкт-Петербург и Ленинградская область"


def _session_cookie_of(client) -> str:
    return client.get_cookie("session", domain="netbynet.localhost").value


def test_a_closed_page_sends_a_visitor_to_log_in_with_a_notice(app, make_app):
    # A fresh app beside the shared one (which made the schema): the login manager is set up
    # while this test runs.
    fresh = make_app()
    visitor = fresh.test_client()
    visitor.set_cookie("lang", "en", domain="acme.localhost")
    response = visitor.get("/", base_url="http://acme.localhost")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    page = visitor.get(response.headers["Location"], base_url="http://acme.localhost")
    assert '<p class="notice notice-info" role="status">Please log in to open this page.</p>' in (
        page.get_data(as_text=True)
    )


def test_a_rotated_secret_key_keeps_sessions_its_fallback_signed(
    app, tenant_client, make_subscriber, monkeypatch
):
    subscriber = make_subscriber(password=PASSWORD)
    browser = tenant_client("acme.localhost")
    browser.login(subscriber["account"], PASSWORD)
    signed_with_old_key = _session_cookie(browser)
    old = app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "SECRET_KEY", "the-next-key-" + secrets.token_urlsafe(32))
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old])
    assert browser.get("/").status_code == 200
    # Once the old key is dropped, what it alone signed opens nothing.
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    stale = tenant_client("acme.localhost")
    stale.set_cookie("session", signed_with_old_key, domain="acme.localhost")
    response = stale.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_fallback_keys_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", " first-old-key , second-old-key ,")
    assert load_settings()["SECRET_KEY_FALLBACKS"] == ["first-old-key", "second-old-key"]


def test_production_refuses_a_weak_fallback_key(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", "short")
    with pytest.raises(ConfigError, match="SECRET_KEY_FALLBACKS"):
        load_settings()
