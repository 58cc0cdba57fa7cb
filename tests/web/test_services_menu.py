"""One menu entry «Tariffs and services» for the tariff and the subscriber's options: the
catalogue shows what the subscriber has first, and it and «My services» link to each other."""

import re

from .options_steps import cabinet, switch_on


def menu(html: str) -> str:
    return re.search(r'<nav class="main-menu".*?</nav>', html, re.S).group(0)


def tabs(html: str) -> str:
    return re.search(r'<nav class="section-nav".*?</nav>', html, re.S).group(0)


def test_one_menu_entry_leads_to_the_tariffs_and_to_my_services(make_subscriber, tenant_client):
    browser, _ = cabinet(make_subscriber, tenant_client, "netbynet")
    catalogue = browser.get("/services/").get_data(as_text=True)
    assert "My services" not in menu(catalogue)
    assert re.search(r'href="/services/" aria-current="page">Tariffs and services<', catalogue)
    assert re.search(r'href="/services/" aria-current="page">Tariffs<', tabs(catalogue))
    assert 'href="/my-services">My services<' in tabs(catalogue)

    mine = browser.get("/my-services").get_data(as_text=True)
    assert "<h1>My services</h1>" in mine
    # The menu entry stays marked while the subscriber is on one of its pages.
    assert 'href="/services/" aria-current="true">Tariffs and services<' in menu(mine)
    assert re.search(r'href="/my-services" aria-current="page">My services<', tabs(mine))
    assert 'href="/services/">Tariffs<' in tabs(mine)


def test_the_catalogue_names_the_options_switched_on_beside_the_tariff(
    make_subscriber, tenant_client
):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome", balance=50_000)
    assert "point-options" not in browser.get("/services/").get_data(as_text=True)
    _, done = switch_on(browser, "turbo", facts["account"])
    assert done.status_code == 302
    catalogue = browser.get("/services/").get_data(as_text=True)
    points = catalogue.split('id="points-title"')[1].split("</section>")[0]
    assert re.search(r'data-testid="point-options">[^<]*(Turbo|Турбокнопка)', points)


def test_an_isp_names_the_section_its_own_way(make_subscriber, tenant_client):
    """At Home's «Конструктор тарифного плана» (tenant.yaml `names.services`): menu, title, tabs."""
    browser, _ = cabinet(make_subscriber, tenant_client, "athome", lang="ru")
    own = "Конструктор тарифного плана"
    catalogue = browser.get("/services/").get_data(as_text=True)
    assert f'aria-current="page">{own}<' in menu(catalogue)
    assert "Тарифы и услуги" not in catalogue
    assert f"<h1>{own}</h1>" in catalogue and f"<title>{own}" in catalogue
    assert f'aria-label="{own}"' in tabs(browser.get("/my-services").get_data(as_text=True))
