"""Every route that changes state refuses a request without this browser's CSRF token.

The routes come from app.url_map, so a new form is covered the day it is added. A view
exempted from CSRF must be one that checks a signature or a token instead (the bank's
notification, the ISP's usage import, the SMS gateway's reports, one-click unsubscribe).
"""

import json

import pytest

from app.extensions import csrf

from .surface import CHANGING, database_state, endpoint_of, surface, url

HOST = "acme.localhost"
PASSWORD = "Sunny-Garden-77"


@pytest.fixture
def subscriber(make_subscriber):
    return make_subscriber(password=PASSWORD, balance=50000)


def _browser(tenant_client, subscriber, logged_in: bool):
    browser = tenant_client(HOST)
    if logged_in:
        assert browser.login(subscriber["account"], PASSWORD).status_code == 302
    return browser


def _changing_routes(app):
    exempt = csrf._exempt_views
    for rule, method, params in surface(app):
        view = app.view_functions[endpoint_of(app, rule)]
        if method in CHANGING and f"{view.__module__}.{view.__name__}" not in exempt:
            yield rule, method, params


def test_the_surface_has_forms_to_protect(app):
    assert len(list(_changing_routes(app))) >= 20


@pytest.mark.parametrize("logged_in", [False, True])
def test_no_token_no_change(app, tenant_client, subscriber, logged_in):
    browser = _browser(tenant_client, subscriber, logged_in)
    before = database_state(app)
    allowed = []
    for rule, method, params in _changing_routes(app):
        path = url(rule, {name: "1" for _, name in params})
        response = browser.open(path, method=method, data={"login": "x", "amount": "100"})
        if response.status_code != 400:
            allowed.append(f"{method} {rule}: {response.status_code}")
    assert not allowed, "accepted without a CSRF token:\n" + "\n".join(allowed)
    assert database_state(app) == before


def test_another_browsers_token_is_refused(app, tenant_client, subscriber):
    victim = _browser(tenant_client, subscriber, logged_in=True)
    attacker = tenant_client(HOST)
    page = attacker.get("/login").get_data(as_text=True)
    from tests.conftest import CSRF_INPUT

    foreign_token = CSRF_INPUT.search(page).group(1)
    before = database_state(app)
    accepted = []
    for rule, method, params in _changing_routes(app):
        path = url(rule, {name: "1" for _, name in params})
        response = victim.open(path, method=method, data={"csrf_token": foreign_token})
        if response.status_code != 400:
            accepted.append(f"{method} {rule}: {response.status_code}")
    assert not accepted, "accepted another browser's token:\n" + "\n".join(accepted)
    assert database_state(app) == before


def test_exempt_views_are_the_server_to_server_ones_only(app):
    assert csrf._exempt_views == {
        "app.payments.routes.notify",
        "app.usage.import_routes.import_usage",
        # SMS.ru's delivery reports (a secret token in the URL) and RFC 8058's one-click
        # unsubscribe (the signed token is the authority, and only for its own host).
        "app.notify.public_routes.smsru_status",
        "app.notify.public_routes.unsubscribe_one_click",
    }
    assert not csrf._exempt_blueprints


def test_the_exempt_notification_refuses_an_unsigned_body(app, tenant_client, subscriber):
    bank = tenant_client(HOST)
    before = database_state(app)
    body = json.dumps({"reference": "x", "amount": 100, "status": "succeeded"})
    for provider in ("sandbox", "other"):
        response = bank.post(
            f"/payments/notify/{provider}", data=body, content_type="application/json"
        )
        assert 400 <= response.status_code < 500, provider
    assert database_state(app) == before


def test_the_exempt_usage_import_refuses_a_browser(app, tenant_client, subscriber, monkeypatch):
    monkeypatch.setenv("ATHOME_USAGE_TOKEN", "the-isps-token")
    before = database_state(app)
    browser = tenant_client("athome.localhost")
    body = json.dumps([{"point": 1, "date": "2026-01-01", "bytes_in": 1, "bytes_out": 1}])
    for headers in ({}, {"Authorization": "Bearer guessed"}, {"Cookie": "session=x"}):
        response = browser.post(
            "/usage/import", data=body, content_type="application/json", headers=headers
        )
        assert response.status_code == 401
    assert database_state(app) == before
