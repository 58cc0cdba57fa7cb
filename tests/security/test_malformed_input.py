"""Whatever a browser can send to any URL of the portal is answered without a 5xx.

Every rule of app.url_map, every method, logged out and logged in, gets NUL bytes, odd
unicode, very long text, ids beyond 64 bits and dates in year 1 or 9999 in its URL
parameters, query arguments and form fields (the field names are read from the pages).
"""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth import service as auth_service
from app.extensions import db, limiter

from .surface import FIELD_NAME, surface, url

HOST = "acme.localhost"
PASSWORD = "Sunny-Garden-77"
NASTY = [
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    str(2**64),
    str(-(2**63) - 1),
    "0001-01-01",
    "9999-12-31",
    "31.12.9999",
    "01.01.0001",
    "x" * 5000,
    "\u202e\ufeff\U0001f600",
    "%00",
]
EXTRA_FIELDS = {"next", "older", "newer", "reference", "id", "date_from", "date_to"}


@pytest.fixture
def fuzzing(app, monkeypatch, make_subscriber, tenant_client):
    """The app with CSRF and rate limits off, so every view is reached with the payload,
    and a function that sends one request, logged in or not, and returns its status."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setattr(limiter, "enabled", False)
    subscriber = make_subscriber(password=PASSWORD)
    tenant = app.extensions["tenancy"].tenants["acme"]
    signed_in = {}  # the cookies of a browser just logged in, and its session's token

    def log_in() -> None:
        browser = tenant_client(HOST)
        response = browser.post(
            "/login", data={"login": subscriber["account"], "password": PASSWORD}
        )
        assert response.status_code == 302
        with browser.session_transaction() as session:
            signed_in["token"] = session["_user_id"]
        signed_in["cookies"] = dict(browser._cookies)

    def still_signed_in() -> bool:
        # What the portal itself asks of a session on each request; a payload may have
        # ended it (logout, "end the other sessions") or made its password temporary.
        with app.app_context():
            try:
                user = auth_service.load_session_user(tenant.slug, signed_in["token"])
            except auth_service.SessionExpired:
                user = None
            db.session.rollback()
        return user is not None and not user.must_change_password

    def client(logged_in: bool):
        """A browser as it is right after a login (logged_in) or a new visitor's: each
        request starts from that state. The login is reused while its session lives: a
        login per request costs most of the run and piles up thousands of sessions."""
        browser = tenant_client(HOST)
        if logged_in:
            if not signed_in or not still_signed_in():
                log_in()
            browser._cookies.update(signed_in["cookies"])
        return browser

    fields = set(EXTRA_FIELDS)
    for logged_in in (False, True):
        browser = client(logged_in)
        for rule, method, params in surface(app):
            if method == "GET" and not params:
                page = browser.get(rule).get_data().decode("utf-8", "replace")
                fields |= set(FIELD_NAME.findall(page))

    def send(rule, method, params, url_values, form, logged_in) -> int:
        path = url(rule, {name: url_values.get(name, "1") for _, name in params})
        browser = client(logged_in)
        if method == "GET":
            response = browser.get(path, query_string=form)
        else:
            response = browser.open(path, method=method, data=form, query_string=form)
        response.get_data()  # a streamed body (the CSV export) fails only while read
        return response.status_code

    send.fields = sorted(fields)
    send.surface = surface(app)
    return send


def test_every_route_survives_every_nasty_value(fuzzing):
    failures = []
    for rule, method, params in fuzzing.surface:
        for value in NASTY:
            for logged_in in (False, True):
                url_values = {
                    name: (value if converter != "int" else str(2**64))
                    for converter, name in params
                }
                form = dict.fromkeys(fuzzing.fields, value)
                status = fuzzing(rule, method, params, url_values, form, logged_in)
                if status >= 500:
                    failures.append(f"{method} {rule} {value[:20]!r} logged_in={logged_in}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("huge", [2**31, 2**63])
def test_a_huge_id_in_the_path_is_not_found(fuzzing, huge):
    # 2**31 is past PostgreSQL's INTEGER keys, 2**63 past BIGINT.
    for rule, method, params in fuzzing.surface:
        if any(converter == "int" for converter, _ in params):
            values = {name: str(huge) for _, name in params}
            assert fuzzing(rule, method, params, values, {}, True) == 404, rule


def test_a_nul_byte_is_a_bad_request(fuzzing):
    assert (
        fuzzing(
            "/payments/result/<reference>",
            "GET",
            [("default", "reference")],
            {"reference": "\x00"},
            {},
            False,
        )
        == 400
    )
    assert fuzzing("/login", "POST", [], {}, {"login": "a\x00", "password": "x"}, False) == 400
    assert fuzzing("/statement", "GET", [], {}, {"kind": "all\x00"}, True) == 400


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_a_statement_date_out_of_range_is_a_form_error(fuzzing, day):
    for path in ("/statement", "/statement/export.csv"):
        for field in ("date_from", "date_to"):
            assert fuzzing(path, "GET", [], {}, {field: day}, True) == 400, (path, field)


def test_a_statement_within_range_still_opens(fuzzing):
    assert fuzzing("/statement", "GET", [], {}, {"date_from": "2025-01-01"}, True) == 200
    today = date.today().isoformat()
    assert fuzzing("/statement/export.csv", "GET", [], {}, {"date_to": today}, True) == 200


ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
VALUES = st.one_of(
    ANY_TEXT,
    st.sampled_from(NASTY),
    st.integers(-(2**70), 2**70).map(str),
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    st.text(max_size=3000),
)


@settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_anywhere_gives_a_server_error(fuzzing, data):
    rule, method, params = data.draw(st.sampled_from(fuzzing.surface), label="route")
    url_values = {
        name: data.draw(st.integers(0, 2**80).map(str) if converter == "int" else VALUES)
        for converter, name in params
    }
    names = data.draw(st.lists(st.sampled_from(fuzzing.fields), max_size=8, unique=True))
    form = {name: data.draw(VALUES) for name in names}
    logged_in = data.draw(st.booleans(), label="logged in")
    status = fuzzing(rule, method, params, url_values, form, logged_in)
    assert status < 500, (method, rule, url_values, form, logged_in)
