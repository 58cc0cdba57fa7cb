"""Redirect targets from a request never leave the site, however a browser reads them."""

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.web.redirects import path_of, same_site_path

LEAVING = [
    "//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "\x1f/\\evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    None,
]
STAYING = {
    "/": "/",
    "/statement?month=2025-01": "/statement?month=2025-01",
    "/%2F%2Fevil.example": "/%2F%2Fevil.example",
    " /payments ": "/payments",
    "/pay\tments": "/payments",
}


def _browser_host(location: str) -> str:
    # What a browser does with a Location value before it resolves it.
    cleaned = location.strip("".join(chr(c) for c in range(0x21)))
    cleaned = cleaned.replace("\t", "").replace("\r", "").replace("\n", "").replace("\\", "/")
    return urlsplit(cleaned).netloc


@pytest.mark.parametrize("target", LEAVING)
def test_a_target_that_leaves_the_site_is_refused(target):
    assert same_site_path(target) is None


@pytest.mark.parametrize(("target", "path"), STAYING.items())
def test_a_path_on_the_site_is_kept_as_a_browser_reads_it(target, path):
    assert same_site_path(target) == path


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from("/\\\t\r\n :.@%?#ae\x00\x0b\x1f"), max_size=12))
def test_no_accepted_target_has_a_host_for_a_browser(target):
    accepted = same_site_path(target)
    if accepted is not None:
        assert accepted.startswith("/") and not accepted.startswith("//")
        assert _browser_host(accepted) == ""


def test_a_stored_return_address_keeps_only_its_path():
    assert path_of("https://acme.localhost/payments/result/P1?x=1") == "/payments/result/P1?x=1"
    assert path_of("https://evil.example//evil.example/") is None


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\\evil.example"])
def test_the_language_switcher_stays_on_the_site(tenant_client, target):
    client = tenant_client("acme.localhost")
    response = client.form("/language", {"lang": "en", "next": target}, page="/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_line_break_in_the_language_switchers_target_is_no_error(tenant_client):
    client = tenant_client("acme.localhost")
    response = client.form(
        "/language", {"lang": "en", "next": "/x\r\nSet-Cookie: a=b"}, page="/login"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/xSet-Cookie:%20a=b"
    assert "a=b" not in response.headers.get("Set-Cookie", "").split(";")[0]


def test_the_language_switcher_goes_back_to_the_page(tenant_client):
    client = tenant_client("acme.localhost")
    response = client.form("/language", {"lang": "en", "next": "/recovery"}, page="/login")
    assert response.headers["Location"] == "/recovery"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "\\\\evil.example"])
def test_login_next_stays_on_the_site(tenant_client, make_subscriber, target):
    subscriber = make_subscriber(password="Sunny-Garden-77")
    client = tenant_client("acme.localhost")
    response = client.form(
        "/login",
        {"login": subscriber["account"], "password": "Sunny-Garden-77"},
        query_string={"next": target},
    )
    # A control character in the query string is refused before the login is tried.
    assert response.status_code == 400 or response.headers["Location"] == "/"
