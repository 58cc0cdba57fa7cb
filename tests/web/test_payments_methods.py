"""How the pay pages name the ways to pay: brands in the page's language, wallets and banks."""

import re

import pytest

PASSWORD = "Sunny-Garden-77"


def page_text(html: str) -> str:
    """What a reader sees: the page without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def logged_in(tenant_client, make_subscriber, tenant: str, lang: str, **login):
    make_subscriber(tenant=tenant, password=PASSWORD, logins={"login": "petrov"})
    client = tenant_client(f"{tenant}.localhost")
    client.set_cookie("lang", lang, domain=f"{tenant}.localhost")
    assert client.login("petrov", PASSWORD, **login).status_code == 302
    return client


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_brands_are_written_in_the_pages_language(tenant_client, make_subscriber, lang):
    client = logged_in(tenant_client, make_subscriber, "athome", lang)
    text = page_text(client.get("/payments").get_data(as_text=True))
    assert "(Mir, Visa, Visa Electron, MasterCard, Maestro)" in text
    assert "(MTS, Beeline, MegaFon, Tele2)" in text
    assert "Mir, Visa, MasterCard" in text  # autopay, among the other ways to pay
    for russian in ("МИР", "МТС", "Билайн", "МегаФон"):
        assert russian not in text


def test_brands_stay_russian_on_the_russian_page(tenant_client, make_subscriber):
    client = logged_in(tenant_client, make_subscriber, "athome", "ru")
    text = page_text(client.get("/payments").get_data(as_text=True))
    assert "(МИР, Visa, Visa Electron, MasterCard, Maestro)" in text
    assert "(МТС, Билайн, МегаФон, Tele2)" in text


def test_other_ways_to_pay_name_shops_in_english(tenant_client, make_subscriber):
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701000001"})
    client = tenant_client("tomtel.localhost")
    client.set_cookie("lang", "en", domain="tomtel.localhost")
    client.login("701000001", PASSWORD)
    text = page_text(client.get("/payments").get_data(as_text=True))
    assert "Dom.ru, Svyaznoy, MegaFon, Beeline" in text
    assert "(VISA, MasterCard, Mir)" in text
    assert "Связной" not in text and "Мир" not in text
