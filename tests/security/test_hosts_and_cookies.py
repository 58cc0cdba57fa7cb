"""Unknown hosts are a bad request; production cookies carry __Host- and HSTS is sent."""

import secrets

import pytest

from app.config import ConfigError, load_settings
from app.tenancy.resolve import is_tenant_free
from tests.conftest import CSRF_INPUT

from .surface import endpoint_of, surface, url

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(32),
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
}
COOKIE_KEYS = [
    "PORTAL_ENV",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_PATH",
    "SESSION_COOKIE_DOMAIN",
    "REMEMBER_COOKIE_NAME",
    "REMEMBER_COOKIE_SECURE",
    "PORTAL_LOCALE_COOKIE",
    "PORTAL_HSTS",
]


@pytest.fixture
def production(app, monkeypatch):
    """The shared app answering with the cookie and header settings production loads."""
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    settings = load_settings(PRODUCTION)
    for key in COOKIE_KEYS:
        monkeypatch.setitem(app.config, key, settings[key])
    return app


def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize("host", ["nobody.example", "nobody.localhost", "acme.localhost.evil"])
def test_an_unknown_host_is_a_plain_bad_request(tenant_client, host):
    response = tenant_client(host).get("/login")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "400" in text and "csrf_token" not in text


def test_only_tenant_free_routes_answer_an_unknown_host(app, tenant_client):
    """Every route is bound to a tenant, except those marked tenant_free (health, metrics):
    those answer any host, without a tenant and without setting a cookie."""
    stranger = tenant_client("nobody.example")
    free, wrong = set(), []
    for rule, method, params in surface(app):
        if method != "GET":
            continue
        response = stranger.get(url(rule, {name: "1" for _, name in params}))
        if is_tenant_free(app, endpoint_of(app, rule)):
            free.add(rule)
            if response.status_code == 400 or "Set-Cookie" in response.headers:
                wrong.append(f"{rule}: {response.status_code} {response.headers.get('Set-Cookie')}")
        elif response.status_code != 400:
            wrong.append(f"{rule} answered {response.status_code} for no tenant")
    assert not wrong, "\n".join(wrong)
    assert {"/healthz", "/readyz", "/metrics"} <= free


def test_a_missing_page_on_a_known_host_is_still_404(client):
    assert client.get("/no-such-page").status_code == 404


def test_production_names_its_cookies_with_the_host_prefix(monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    settings = load_settings(PRODUCTION)
    assert settings["SESSION_COOKIE_NAME"] == "__Host-session"
    assert settings["REMEMBER_COOKIE_NAME"].startswith("__Host-")
    assert settings["PORTAL_LOCALE_COOKIE"] == "__Host-lang"
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert settings["SESSION_COOKIE_DOMAIN"] is None and settings["SESSION_COOKIE_PATH"] == "/"
    development = load_settings({"PORTAL_ENV": "development"})
    assert development["SESSION_COOKIE_NAME"] == "session"
    assert not development["PORTAL_HSTS"]


def test_production_refuses_an_insecure_session_cookie(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    with pytest.raises(ConfigError, match="SESSION_COOKIE_SECURE"):
        load_settings(PRODUCTION)


BASE = "https://acme.localhost"


def _post_from_login_page(client, path: str, data: dict):
    """POST data with the CSRF token of the login page, over HTTPS as production serves."""
    page = client.get("/login", base_url=BASE).get_data(as_text=True)
    token = CSRF_INPUT.search(page).group(1)
    return client.post(
        path,
        data={"csrf_token": token, **data},
        base_url=BASE,
        headers={"Referer": f"{BASE}/login"},
    )


def test_production_session_cookie_is_host_prefixed_and_secure(production, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    client = production.test_client()
    response = _post_from_login_page(
        client, "/login", {"login": subscriber["account"], "password": PASSWORD}
    )
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert "session" not in cookies
    header = cookies["__Host-session"]
    assert "Secure" in header and "Path=/" in header and "Domain=" not in header
    assert client.get("/", base_url=BASE).status_code == 200


def test_production_language_cookie_is_host_prefixed(production):
    client = production.test_client()
    response = _post_from_login_page(client, "/language", {"lang": "en", "next": "/"})
    header = _set_cookies(response)["__Host-lang"]
    assert "Secure" in header and "Path=/" in header and "Domain=" not in header
    assert "Log in" in client.get("/login", base_url=BASE).get_data(as_text=True)


def test_production_sends_hsts(production):
    response = production.test_client().get("/login", base_url="https://acme.localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
