"""Each real tenant as its subscriber meets it: log in, read the balance, change the language."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.tenancy.registry import Tenant
from app.tenancy.theming import locale_name

pytestmark = pytest.mark.e2e

# The contexts' browser language (ru-RU), which every tenant here offers.
BROWSER_LANGUAGE = "ru"


def expected_locale(tenant: Tenant, host: str, profile_locale: str | None = None) -> str:
    """The language a page should speak before the subscriber picks one on the switcher:
    their profile's, else the one tenant.yaml pins for this host, else the browser's."""
    available = tenant.config.locales.available
    if profile_locale in available:
        return profile_locale
    for entry in tenant.config.hosts:
        if entry.host == host and entry.locale:
            return entry.locale
    return BROWSER_LANGUAGE if BROWSER_LANGUAGE in available else tenant.config.locales.default


def money_text(kopecks: int) -> re.Pattern:
    """The amount as any locale writes it: the same digits, a minus sign only when negative."""
    roubles, kopeks = divmod(abs(kopecks), 100)
    digits = r"[^\d-]*".join(f"{roubles}{kopeks:02d}")
    sign = r"[-−]" if kopecks < 0 else ""
    return re.compile(rf"^\D*{sign}\D*{digits}\D*$")


def logo(page: Page):
    return page.get_by_role("banner").get_by_role("img")


def language_button(page: Page, code: str):
    return page.get_by_role("button", name=locale_name(code), exact=True)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_subscriber_logs_in_reads_the_balance_and_changes_language(
    slug, device, demo, portal, open_page, screenshot, translate
):
    who = demo.login(slug)
    tenant: Tenant = who.tenant
    page = open_page(device)
    html = page.locator("html")

    portal.open(page, slug)
    expect(page).to_have_url(re.compile(r"/login"))
    expect(html).to_have_attribute("lang", expected_locale(tenant, f"{slug}.localhost"))
    expect(logo(page)).to_have_attribute("alt", tenant.text(tenant.config.name, portal.lang(page)))
    screenshot(page, f"{slug}-{device}-login")

    portal.log_in(page, who)
    portal.expect_dashboard(page)
    lang = expected_locale(tenant, f"{slug}.localhost", who.person.locale)
    expect(html).to_have_attribute("lang", lang)
    expect(portal.balance(page)).to_have_text(money_text(who.person.balance))
    expect(page.get_by_text(who.person.account, exact=False).first).to_be_visible()
    if tenant.config.login.choose_region:
        region = tenant.region(who.person.region) or tenant.config.regions[0]
        expect(page.get_by_role("banner")).to_contain_text(tenant.text(region.name, lang))
    screenshot(page, f"{slug}-{device}-dashboard")

    expect(language_button(page, lang)).to_have_attribute("aria-pressed", "true")
    for code in tenant.config.locales.available:
        if code == lang:
            continue
        language_button(page, code).click()
        expect(html).to_have_attribute("lang", code)
        expect(language_button(page, code)).to_have_attribute("aria-pressed", "true")
        expect(language_button(page, lang)).to_have_attribute("aria-pressed", "false")
        expect(page.get_by_role("heading", level=1)).to_have_text(translate(code, "My account"))
        expect(logo(page)).to_have_attribute("alt", tenant.text(tenant.config.name, code))
        expect(portal.balance(page)).to_have_text(money_text(who.person.balance))
        lang = code

    page.reload()
    expect(html).to_have_attribute("lang", lang)
    expect(language_button(page, lang)).to_have_attribute("aria-pressed", "true")
    expect(portal.balance(page)).to_have_text(money_text(who.person.balance))


def test_each_region_host_opens_its_region(app, live_server, portal, page):
    """http://<region>.<slug>.localhost/ shows that region (and preselects it where asked).

    One region per tenant: the browser proves nested *.localhost hosts reach the portal; the
    host table itself is the web tests' business.
    """
    tenants_dir = Path(app.root_path).parent / "tenants"
    seen = 0
    for tenant in app.extensions["tenancy"].tenants.values():
        if tenant.folder.parent != tenants_dir:
            continue
        for region in tenant.config.regions[:1]:
            portal.open(page, tenant.slug, "/login", region=region.code)
            lang = portal.lang(page)
            expect(page.get_by_role("banner")).to_contain_text(tenant.text(region.name, lang))
            if tenant.config.login.choose_region:
                expect(page.get_by_label(portal.t(page, "Region"), exact=True)).to_have_value(
                    region.code
                )
            seen += 1
    assert seen, "no real tenant defines regions"
