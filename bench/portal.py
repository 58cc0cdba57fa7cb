"""The portal side of the benchmark: a fresh database, a logged-in session, a counted page."""

import html
import http.client
import re
import sys
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from servers import LOCALHOST, BenchError

ROOT = Path(__file__).resolve().parent.parent
# Flask-Login binds a session to the client's address and User-Agent: send the same one always.
USER_AGENT = "portal-bench"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REGION_SELECT = re.compile(r'<select[^>]*name="region".*?</select>', re.S)
OPTION_VALUE = re.compile(r'<option[^>]*value="([^"]*)"([^>]*)>')
BALANCE = re.compile(r'data-testid="balance">\s*([^<]+?)\s*<')


@dataclass(frozen=True)
class Account:
    """Whom the benchmark logs in as, on which host."""

    host: str
    login: str
    password: str


def portal_app():
    """The portal's application, built by the same factory wsgi.py uses."""
    # Imported from the checkout itself: this script runs from bench/, not the repository root.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app import create_app

    return create_app()


def prepare_database(app) -> None:
    """`flask db upgrade` and `flask demo seed`, run in this process (no second start-up)."""
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["demo", "seed"]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise BenchError(f"flask {' '.join(args)} failed:\n{result.output[-2000:]}")


def login_form_data(page: str, account: Account) -> dict[str, str]:
    """The fields a browser would post from the login page, CSRF token and region included."""
    token = CSRF_INPUT.search(page)
    if token is None:
        raise BenchError("no CSRF token on the login page")
    data = {"csrf_token": token.group(1), "login": account.login, "password": account.password}
    region = REGION_SELECT.search(page)
    if region:
        options = OPTION_VALUE.findall(region.group(0))
        chosen = [value for value, rest in options if "selected" in rest] or [options[0][0]]
        data["region"] = html.unescape(chosen[0])
    return data


def balance_shown(page: str) -> str:
    """The balance the dashboard shows; fails when the page is not a dashboard."""
    match = BALANCE.search(page)
    if match is None:
        raise BenchError("the dashboard shows no balance")
    return html.unescape(match.group(1))


class HttpSession:
    """A minimal browser over one host of one local server: remembers cookies."""

    def __init__(self, port: int, host: str):
        self.port = port
        self.host = host
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        """The Cookie header this browser sends."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None):
        """Send one request; returns (status, headers, body text)."""
        headers = {"Host": self.host, "User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(LOCALHOST, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            conn.close()
        self._remember(response.msg.get_all("Set-Cookie") or [])
        return response.status, response.msg, text

    def _remember(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value


def http_login(port: int, account: Account) -> HttpSession:
    """Log in over HTTP as a browser would; returns the session holding the cookie."""
    browser = HttpSession(port, account.host)
    status, _, page = browser.request("GET", "/login")
    if status != 200:
        raise BenchError(f"GET /login on {account.host} answered {status}")
    status, headers, _ = browser.request("POST", "/login", login_form_data(page, account))
    if status != 302 or headers.get("Location", "").endswith("/login"):
        raise BenchError(f"login as {account.login} on {account.host} failed ({status})")
    return browser


def check_dashboard(browser: HttpSession) -> str:
    """GET / must be the logged-in dashboard; returns the balance it shows."""
    status, _, page = browser.request("GET", "/")
    if status != 200:
        raise BenchError(f"the dashboard answered {status}, not 200")
    return balance_shown(page)


@dataclass(frozen=True)
class QueryCount:
    """SQL statements one dashboard request sent, and the pool checkouts it made."""

    statements: list[str]
    checkouts: int


def _logged_in_client(app, account: Account):
    client = app.test_client()
    # A Host header, not environ_base["HTTP_HOST"]: the test client overwrites the latter.
    headers = {"Host": account.host, "User-Agent": USER_AGENT}
    page = client.get("/login", headers=headers).get_data(as_text=True)
    response = client.post("/login", data=login_form_data(page, account), headers=headers)
    if response.status_code != 302:
        raise BenchError(f"in-process login failed ({response.status_code})")
    return client, headers


def count_dashboard_queries(app, account: Account) -> QueryCount:
    """Log in with the test client, then count the SQL of one (warm) dashboard request."""
    client, headers = _logged_in_client(app, account)
    client.get("/", headers=headers)  # warm-up: the first request compiles templates
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    statements: list[str] = []
    checkouts: list[object] = []

    def on_execute(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    def on_checkout(*args) -> None:
        checkouts.append(args)

    sa.event.listen(engine, "before_cursor_execute", on_execute)
    sa.event.listen(engine.pool, "checkout", on_checkout)
    try:
        response = client.get("/", headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)
        sa.event.remove(engine.pool, "checkout", on_checkout)
    if response.status_code != 200:
        raise BenchError(f"in-process dashboard answered {response.status_code}")
    balance_shown(response.get_data(as_text=True))
    return QueryCount(statements, len(checkouts))
