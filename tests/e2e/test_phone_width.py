"""Every page a subscriber can reach fits a 390 px wide phone: nothing scrolls sideways.

The pages are found as a person finds them: follow every link of the portal from the login
page (logged out) and from the dashboard (logged in), each tenant, and look at each one. A
full-page screenshot of each goes to the test's temporary folder.
"""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from app.demo.service import seed_tenant
from app.extensions import db
from tests.e2e.conftest import DemoLogin, _login_value
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e

WIDTH = 390
MOST_PAGES = 40  # a bound on the walk; the portal has far fewer pages per subscriber
# Not pages to look at: files to download, the sandbox bank (another site in production),
# and the 404 page, which test_accessibility covers.
SKIPPED = re.compile(r"\.(csv|pdf|png|svg|ico)$|^/(sandbox|static|brand)/|/captcha/")

# What may scroll sideways inside the page without making the page itself wider: nothing.
SIDEWAYS = """() => {
  const page = [document.documentElement.scrollWidth, window.innerWidth];
  const boxes = [];
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (!["auto", "scroll"].includes(style.overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1) boxes.push(el.tagName.toLowerCase() +
      (el.className ? "." + String(el.className).split(" ").join(".") : "") +
      ` ${el.scrollWidth}px in ${el.clientWidth}px`);
  }
  return { page, boxes };
}"""


def links(page: Page) -> list[str]:
    """The same-site pages this page links to, without fragments."""
    found = page.locator("a[href]:not([download])").evaluate_all("els => els.map(e => e.href)")
    here = urlsplit(page.url).netloc
    kept = []
    for href in found:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and parts.netloc == here:
            kept.append(parts._replace(fragment="").geturl())
    return kept


def walk(page: Page, start: str) -> Iterator[str]:
    """Open start, then every page reachable by its links, each path once; yield each URL."""
    queue, seen = [start], set()
    while queue and len(seen) < MOST_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or SKIPPED.search(path):
            continue
        seen.add(path)
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        yield url
        queue.extend(links(page))


def fits(page: Page) -> list[str]:
    measured = page.evaluate(SIDEWAYS)
    width, window = measured["page"]
    problems = [f"{b} scrolls sideways" for b in measured["boxes"]]
    if width > WIDTH or width > window:
        problems.insert(0, f"the page is {width}px wide in a {window}px window")
    return problems


@pytest.fixture
def shots(tmp_path: Path):
    """Save a full-page screenshot of a page into the test's temporary folder."""

    def take(page: Page, name: str) -> Path:
        path = tmp_path / (re.sub(r"[^\w.-]+", "_", name).strip("_") + ".png")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def check_all(page: Page, slug: str, start: str, shots) -> list[str]:
    problems, visited = [], []
    for url in walk(page, start):
        path = urlsplit(url).path
        visited.append(path)
        problems += [f"{slug} {path}: {p}" for p in fits(page)]
        shots(page, f"{slug}{path}")
    assert len(visited) >= 2, f"{slug}: only {visited} reached from {start}"
    return problems


def test_logged_out_pages_fit_a_phone(slug, demo, portal, open_page, shots):
    demo.login(slug)  # the tenant's demo subscriber exists, as in production
    page = open_page("phone")
    assert page.viewport_size["width"] == WIDTH
    problems = check_all(page, slug, portal.server.tenant_url(slug, "/login"), shots)
    assert not problems, "\n".join(problems)


def test_logged_in_pages_fit_a_phone(slug, demo, portal, open_page, shots):
    who = demo.login(slug)
    page = open_page("phone")
    portal.open(page, slug, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    problems = check_all(page, slug, portal.server.tenant_url(slug, "/"), shots)
    assert not problems, "\n".join(problems)


def blocked_login(demo, slug: str) -> DemoLogin | None:
    """Seed the tenant's demo subscriber blocked for debt, if it has one; how they log in."""
    tenant, data = demo.tenant(slug), demo.data(slug)
    for person in data.subscribers:
        login = _login_value(tenant, person)
        if person.status == "blocked" and login and not person.temporary_password:
            only = data.model_copy(update={"subscribers": (person,)})
            with demo.app.app_context():
                seed_tenant(tenant, only, date.today(), "test")
                db.session.commit()
            return DemoLogin(tenant, person, login, person.password)
    return None


def promised_link_name(page: Page, portal, who: DemoLogin) -> str:
    """«Take a promised payment», or «Take …» with the name the ISP gives it."""
    own = who.tenant.config.names.promised_payment
    if own is None:
        return portal.t(page, "Take a promised payment")
    return portal.t(page, "Take %(name)s") % {"name": who.tenant.text(own, portal.lang(page))}


def test_a_blocked_accounts_way_out_on_a_phone(slug, demo, portal, open_page, shots):
    who = blocked_login(demo, slug)
    if who is None:
        pytest.skip(f"{slug} has no demo subscriber blocked for debt")
    page = open_page("phone")
    portal.open(page, slug, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    portal.close_pop_up(page)  # Томтел's Seversk outage notice opens first
    way_out = page.get_by_test_id("way-out")
    expect(way_out).to_contain_text(portal.t(page, "Access is suspended because of the debt."))
    top_up = page.get_by_role("link", name=portal.t(page, "Top up the balance"), exact=True)
    expect(top_up).to_be_visible()
    offered = page.get_by_role("link", name=promised_link_name(page, portal, who), exact=True)
    refused = page.get_by_test_id("promised-refusal")
    if who.tenant.config.billing.promised_payment is None:
        expect(offered).to_have_count(0)
        expect(refused).to_have_count(0)
    else:
        expect(offered.or_(refused)).to_be_visible()  # either the offer or why there is none
    audit = Audit()
    audit.check(page, f"{slug} dashboard of a blocked account")
    audit.assert_clean()
    assert not fits(page), fits(page)
    shots(page, f"{slug}-blocked-dashboard")
    top_up.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Top up your account"))
