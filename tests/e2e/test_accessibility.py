"""axe-core on every page a subscriber sees, in each tenant's colours, on desktop and phone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

AXE = Axe()
SHARED_DEMO_NOTE = (
    "This is a public demo account shared by every visitor: its password, contacts "
    "and security settings cannot be changed."
)
BLOCKING_IMPACTS = {"serious", "critical"}
# Rules that fail the page whatever impact axe gives them.
ALWAYS_BLOCKING = {
    "label",
    "color-contrast",
    "button-name",
    "link-name",
    "html-has-lang",
    "html-lang-valid",
    "valid-lang",
    "document-title",
    "image-alt",
    "select-name",
    "region",
}


def blocking(violation: dict) -> bool:
    rule = violation["id"]
    return (
        violation.get("impact") in BLOCKING_IMPACTS
        or rule in ALWAYS_BLOCKING
        or rule.startswith("landmark-")
    )


def describe(where: str, violation: dict) -> str:
    lines = [f"{where}: {violation['id']} ({violation.get('impact')}): {violation['help']}"]
    for node in violation["nodes"][:5]:
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


class Audit:
    """Collects the problems of every page a test visits, to report them all at once."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, page: Page, where: str) -> None:
        results = AXE.run(page)
        assert results.response["passes"], f"{where}: axe checked nothing"
        for violation in results.response["violations"]:
            if blocking(violation):
                self.problems.append(describe(where, violation))
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if overflow[0] > overflow[1]:
            self.problems.append(
                f"{where}: scrolls sideways: page is {overflow[0]}px wide, window {overflow[1]}px"
            )

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_tenant_pages_pass_axe_and_fit_the_screen(slug, device, demo, portal, open_page):
    who = demo.login(slug)
    page = open_page(device)
    audit = Audit()

    # Pages are audited in their error state: that is the whole page plus its messages.
    portal.open(page, slug, "/login")
    portal.log_in(page, who, password="not-the-password")
    expect(page.get_by_role("alert")).to_have_text(
        portal.t(page, "The login or password is incorrect.")
    )
    audit.check(page, f"{slug} login, wrong password")

    portal.log_in(page, who)
    portal.expect_dashboard(page)
    audit.check(page, f"{slug} dashboard")

    # The demo seed gives every demo point two months of traffic: chart and table show.
    portal.open(page, slug, "/usage/")
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Traffic"))
    expect(page.get_by_role("table")).to_be_visible()
    audit.check(page, f"{slug} traffic")

    portal.open(page, slug, "/password")
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Change password"))
    if who.person.shared_demo:
        # The public demo account's password stays as published; the form is audited as
        # another subscriber of the same ISP sees it.
        expect(page.get_by_role("status")).to_have_text(portal.t(page, SHARED_DEMO_NOTE))
        audit.check(page, f"{slug} change password, shared demo account")
        page.get_by_role("button", name=portal.t(page, "Log out"), exact=True).click()
        portal.log_in(page, demo.login(slug, own=True))
        portal.open(page, slug, "/password")
    page.get_by_role("button", name=portal.t(page, "Save the new password"), exact=True).click()
    new_password = page.get_by_label(portal.t(page, "New password"), exact=True)
    expect(new_password).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text(portal.t(page, "Please fill in this field.")).first).to_be_visible()
    audit.check(page, f"{slug} change password, empty form sent")

    response = page.goto(portal.server.tenant_url(slug, "/no-such-page"))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Page not found"))
    audit.check(page, f"{slug} 404")

    audit.assert_clean()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_unknown_host_400_passes_axe(live_server, device, open_page):
    page = open_page(device)
    response = page.goto(live_server.url("nobody.localhost", "/"))
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("400"))
    audit = Audit()
    audit.check(page, "unknown host 400")
    audit.assert_clean()
