"""What passkeys.js does, done by a test client with the software authenticator."""

import re

from tests.passkey_authenticator import SoftAuthenticator

WIDGET = re.compile(
    r'<div [^>]*data-passkey-(?:login|register)\b.*?name="csrf_token" value="([^"]+)"', re.S
)


def origin_of(browser) -> str:
    return f"http://{browser.host}"


def csrf_of(browser, page: str) -> str:
    """The CSRF token a page hands to passkeys.js."""
    html = browser.get(page).get_data(as_text=True)
    match = WIDGET.search(html)
    assert match, f"no passkey widget on {page}"
    return match.group(1)


def post_json(browser, path: str, body, token: str | None, **kwargs):
    headers = {"X-CSRFToken": token} if token else {}
    return browser.post(path, json=body, headers=headers, **kwargs)


def register_options(browser) -> tuple[str, dict]:
    token = csrf_of(browser, "/passkeys/")
    response = post_json(browser, "/passkeys/register/options", {}, token)
    assert response.status_code == 200, response.get_data(as_text=True)
    return token, response.get_json()


def add_passkey(
    browser,
    authenticator: SoftAuthenticator,
    name: str | None = None,
    origin: str | None = None,
    rp_id: str | None = None,
):
    """Press «Add a passkey»: options, the authenticator's answer, the server's verdict."""
    token, options = register_options(browser)
    credential = authenticator.create(options, origin or origin_of(browser), rp_id)
    return post_json(
        browser, "/passkeys/register/verify", {"credential": credential, "name": name}, token
    )


def login_options(browser) -> tuple[str, dict]:
    token = csrf_of(browser, "/login")
    response = post_json(browser, "/passkeys/login/options", {}, token)
    assert response.status_code == 200, response.get_data(as_text=True)
    return token, response.get_json()


def log_in_with(
    browser,
    authenticator: SoftAuthenticator,
    origin: str | None = None,
    rp_id: str | None = None,
    **answer,
):
    """Press «Log in with a passkey» on the login page."""
    token, options = login_options(browser)
    assertion = authenticator.get(options, origin or origin_of(browser), rp_id, **answer)
    return post_json(browser, "/passkeys/login/verify", {"credential": assertion}, token)
