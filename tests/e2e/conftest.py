"""Browser tests: the real app on a live port, demo data seeded, Debian's chromium driving it.

Every tenant answers at http://<slug>.localhost:<port>/ and each region at
http://<region>.<slug>.localhost:<port>/: chromium sends *.localhost to loopback itself.
"""

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from werkzeug.serving import make_server

from app.demo.schema import DemoData, DemoSubscriber
from app.demo.service import read_demo, seed_tenant
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-results" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
# The subscribers of these tenants read Russian; a tenant's host may still pin another language.
BROWSER_LOCALE = "ru-RU"
# tomtel publishes a demo account on its login page; a person would use exactly that one.
PUBLIC_DEMO_LOGINS = {"tomtel": ("12345", "demo")}


def demo_tenants() -> list[str]:
    """The real tenants that ship demo subscribers: tenants/<slug>/demo.yaml."""
    return sorted(p.parent.name for p in (ROOT / "tenants").glob("*/demo.yaml"))


@dataclass(frozen=True)
class LiveServer:
    port: int

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def tenant_url(self, slug: str, path: str = "/", region: str | None = None) -> str:
        host = f"{region}.{slug}.localhost" if region else f"{slug}.localhost"
        return self.url(host, path)


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[LiveServer]:
    """The test app served on a free loopback port for the whole session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(server.port)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(autouse=True)
def deliverer(app) -> Iterator[None]:
    """As `make run` runs `flask notify deliver` beside the portal, for each browser test
    only (other tests see what waits in the queue): the development server does not always
    close a response before the browser has moved on."""
    stop = threading.Event()
    thread = threading.Thread(target=_deliver_until, args=(app, stop), name="deliverer")
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


def _deliver_until(app, stop: threading.Event) -> None:
    from app.notify.queue import deliver

    while not stop.wait(0.1):
        with app.app_context():
            deliver()


@dataclass(frozen=True)
class DemoLogin:
    """Who a person logs in as on one tenant, and what their cabinet should show."""

    tenant: Tenant
    person: DemoSubscriber
    login: str
    password: str


def _login_value(tenant: Tenant, person: DemoSubscriber) -> str | None:
    """What the person types in the login field: the first kind of login the tenant takes."""
    values = {
        IdentifierKind.ACCOUNT: person.account,
        IdentifierKind.CONTRACT: person.contract,
        IdentifierKind.LOGIN: person.login,
        IdentifierKind.EMAIL: person.email,
        IdentifierKind.PHONE: person.phone,
        IdentifierKind.NICKNAME: person.nickname,
    }
    for identifier in tenant.config.login.identifiers:
        if values[identifier.kind]:
            return values[identifier.kind]
    return None


def pick_login(
    tenant: Tenant, data: DemoData, temporary: bool = False, own: bool = False
) -> DemoLogin:
    """An active demo subscriber of the tenant, with or without an issued temporary password;
    own: one whose password and settings may be changed (not a shared demo account)."""
    candidates = [
        p
        for p in data.subscribers
        if p.status == "active"
        and p.temporary_password == temporary
        and _login_value(tenant, p)
        and not (own and p.shared_demo)
    ]
    public = None if temporary or own else PUBLIC_DEMO_LOGINS.get(tenant.slug)
    if public:
        login, password = public
        for person in candidates:
            named = login in (person.account, person.contract, person.login)
            if named and person.password == password:
                return DemoLogin(tenant, person, login, password)
        raise AssertionError(f"{tenant.slug}/demo.yaml lacks the public demo account {login}")
    assert candidates, f"{tenant.slug}/demo.yaml has no suitable active subscriber"
    person = candidates[0]
    return DemoLogin(tenant, person, _login_value(tenant, person), person.password)


class Demo:
    """Demo subscribers from the tenants' demo.yaml, seeded with the real demo seeder.

    Only the subscribers a test logs in as are seeded, when it asks for them: the root
    conftest empties every table after each test that uses `app`, and a tenant's whole demo
    set, with months of daily charges each, takes seconds to write.
    """

    def __init__(self, app):
        self.app = app
        self._data: dict[str, DemoData] = {}

    def tenant(self, slug: str) -> Tenant:
        return self.app.extensions["tenancy"].tenants[slug]

    def data(self, slug: str) -> DemoData:
        if slug not in self._data:
            found = read_demo(self.tenant(slug))
            assert found is not None, f"{slug} has no demo.yaml"
            self._data[slug] = found
        return self._data[slug]

    def login(self, slug: str, temporary: bool = False, own: bool = False) -> DemoLogin:
        """Seed one suitable demo subscriber of the tenant and say how they log in."""
        who = pick_login(self.tenant(slug), self.data(slug), temporary, own)
        only = self.data(slug).model_copy(update={"subscribers": (who.person,)})
        with self.app.app_context():
            seed_tenant(who.tenant, only, date.today(), "test")
            db.session.commit()
        return who


@pytest.fixture
def demo(app, live_server) -> Demo:
    return Demo(app)


@pytest.fixture
def translate(app) -> Callable[[str, str], str]:
    """What the portal shows for an interface message in a locale, from the same catalogues.

    Translations may still be incomplete; the page and this fall back to the same text.
    """

    def run(locale: str, message: str) -> str:
        with app.test_request_context(), force_locale(locale):
            return gettext(message)

    return run


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout() -> None:
    expect.set_options(timeout=10_000)


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[str], Page]]:
    """A page in a fresh browser profile (no cookies): open_page("desktop") or ("phone")."""
    contexts: list[BrowserContext] = []

    def make(device: str = "desktop") -> Page:
        options = DEVICES[device]
        context = browser.new_context(locale=BROWSER_LOCALE, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page) -> Page:
    """A desktop page, 1280x800."""
    return open_page("desktop")


@pytest.fixture
def phone_page(open_page) -> Page:
    """A phone page, 390x844, touch."""
    return open_page("phone")


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """Save a full-page screenshot under test-results/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


class Portal:
    """How a person uses the portal: reads labels in the page's language, fills, presses."""

    def __init__(self, server: LiveServer, translate: Callable[[str, str], str]):
        self.server = server
        self.translate = translate

    @staticmethod
    def lang(page: Page) -> str:
        return page.locator("html").get_attribute("lang") or ""

    def t(self, page: Page, message: str) -> str:
        """An interface message as the page's current language says it."""
        return self.translate(self.lang(page), message)

    def open(self, page: Page, slug: str, path: str = "/", region: str | None = None) -> None:
        page.goto(self.server.tenant_url(slug, path, region))

    def log_in(self, page: Page, who: DemoLogin, password: str | None = None) -> None:
        """On the login page: pick the region if asked, type login and password, press Log in."""
        tenant = who.tenant
        lang = self.lang(page)
        if tenant.config.login.choose_region:
            region = tenant.region(who.person.region) or tenant.config.regions[0]
            page.get_by_label(self.translate(lang, "Region"), exact=True).select_option(
                label=tenant.text(region.name, lang)
            )
        field_label = tenant.text(tenant.config.login.field_label, lang)
        page.get_by_label(field_label, exact=True).fill(who.login)
        page.get_by_label(self.translate(lang, "Password"), exact=True).fill(
            password or who.password
        )
        page.get_by_role("button", name=self.translate(lang, "Log in"), exact=True).click()

    def expect_dashboard(self, page: Page) -> None:
        expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(self.t(page, "My account"))

    @staticmethod
    def close_pop_up(page: Page) -> None:
        """Close an important notice opened in the centre of the screen, with Esc, as a
        person does before using the page behind it; nothing when there is none."""
        page.wait_for_function(
            "() => !document.querySelector('dialog[data-news-pop-up]')"
            " || !!document.querySelector('dialog:modal')"
        )
        if page.locator("dialog:modal").count():
            page.keyboard.press("Escape")
            expect(page.locator("dialog:modal")).to_have_count(0)

    def menu(self, page: Page):
        """The main menu; on a phone, where it is folded into its «Menu» control, opened
        first, as a person does."""
        # Once the stylesheet is in: before it, the desktop's hidden toggle shows for a moment.
        page.wait_for_load_state("load")
        toggle = page.locator("summary.menu-toggle", has_text=self.t(page, "Menu"))
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        return page.get_by_role("navigation", name=self.t(page, "Main menu"))

    def open_my_services(self, page: Page, tenant) -> None:
        """Menu «Tariffs and services» (or the ISP's own name for it), then its «My
        services» tab, as a person gets there."""
        own = tenant.config.names.services
        section = tenant.text(own, self.lang(page)) if own else self.t(page, "Tariffs and services")
        self.menu(page).get_by_role("link", name=section).click()
        tabs = page.get_by_role("navigation", name=section)
        tabs.get_by_role("link", name=self.t(page, "My services"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(self.t(page, "My services"))

    def balance(self, page: Page):
        """The balance a person reads next to the "Balance" term of the account facts."""
        name = re.compile(rf"^\s*{re.escape(self.t(page, 'Balance'))}\s*$")
        term = page.locator("dl dt").filter(has_text=name)
        return term.locator("xpath=following-sibling::dd[1]")


@pytest.fixture
def portal(live_server, translate) -> Portal:
    return Portal(live_server, translate)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes `slug` runs once for each real tenant with demo subscribers."""
    if "slug" in metafunc.fixturenames:
        metafunc.parametrize("slug", demo_tenants())
