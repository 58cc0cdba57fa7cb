"""Each ISP's own names for shared features (tenant.yaml `names:`), the portal's elsewhere."""

import re

import pytest

from app.billing import promised
from app.extensions import db
from tests.web.test_promised_payment import LOGINS, PASSWORD, PHONE

OWN = {"novotelecom": "Отсрочка платежа", "tomtel": "Доверительный платёж"}
DEFAULT = "Обещанный платёж"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True)).replace("\xa0", " ")


def menu(page: str) -> list[str]:
    nav = re.search(r'<nav class="main-menu".*?</nav>', page, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<a [^>]*>.*?</a>", nav)]


@pytest.fixture
def cabinet(make_subscriber, tenant_client):
    """A logged-in subscriber of a launch ISP, reading Russian pages; returns (client, facts)."""

    def make(slug: str, balance: int = 0, status: str = "active", lang: str = "ru"):
        logins, login, extra = LOGINS[slug]
        facts = make_subscriber(
            tenant=slug,
            password=PASSWORD,
            balance=balance,
            status=status,
            logins=logins,
            phone=PHONE,
            **({"region": extra["region"]} if "region" in extra else {}),
        )
        client = tenant_client(f"{slug}.localhost")
        assert client.login(login, PASSWORD, **extra).status_code == 302
        client.set_cookie("lang", lang, domain=f"{slug}.localhost")
        return client, facts

    return make


def take(app, slug: str, account_id: int) -> None:
    with app.app_context():
        promised.take(app.extensions["tenancy"].tenants[slug], account_id)
        db.session.commit()


@pytest.mark.parametrize(
    ("slug", "name"), [("novotelecom", OWN["novotelecom"]), ("tomtel", OWN["tomtel"])]
)
def test_menu_title_dashboard_and_statement_use_the_isps_name(app, cabinet, slug, name):
    client, facts = cabinet(slug, balance=-10000, status="blocked")
    take(app, slug, facts["account_id"])
    page = text(client.get("/promised-payment"))
    assert f"<title>{name}" in page and f"<h1>{name}</h1>" in page
    dashboard = text(client.get("/"))
    assert name in menu(dashboard) and DEFAULT not in menu(dashboard)
    assert f"<dt>{name}</dt>" in dashboard  # the open promise
    statement = text(client.get("/statement"))
    assert f">{name}<" in statement and DEFAULT not in statement


def test_other_isps_keep_the_portals_name(app, cabinet):
    client, facts = cabinet("athome", balance=-500, status="blocked")
    take(app, "athome", facts["account_id"])
    dashboard = text(client.get("/"))
    assert DEFAULT in menu(dashboard)
    assert f"<dt>{DEFAULT}</dt>" in dashboard
    assert f"<h1>{DEFAULT}</h1>" in text(client.get("/promised-payment"))
    assert not any(own in dashboard for own in OWN.values())


@pytest.mark.parametrize(
    ("lang", "name"), [("en", "Trust payment"), ("hi", "विश्वास भुगतान"), ("ru", OWN["tomtel"])]
)
def test_the_name_follows_the_page_language(cabinet, lang, name):
    client, _ = cabinet("tomtel", lang=lang)
    assert name in menu(text(client.get("/")))


def test_the_confirmation_sms_names_it_too(cabinet, sms):
    client, facts = cabinet("tomtel", balance=-10000, status="blocked")
    response = client.form("/promised-payment", {"account": facts["account"]})
    assert response.headers["Location"] == "/promised-payment/confirm"
    (message,) = sms(PHONE)
    assert OWN["tomtel"] in message and DEFAULT not in message
    page = text(client.get("/promised-payment/confirm"))
    assert f'<h1 id="code-title">Подтверждение: {OWN["tomtel"]}</h1>' in page


def test_the_button_names_it(cabinet):
    client, _ = cabinet("novotelecom", balance=-20000)
    page = text(client.get("/promised-payment"))
    assert f"Взять «{OWN['novotelecom']}» на 300,00 ₽" in page


def test_the_recovery_link_is_at_homes_words_on_its_login_page(tenant_client):
    def link(slug: str, lang: str = "ru") -> str:
        client = tenant_client(f"{slug}.localhost")
        client.set_cookie("lang", lang, domain=f"{slug}.localhost")
        page = text(client.get("/login"))
        return re.search(r'<a href="/recover">([^<]+)</a>', page).group(1)

    assert link("athome") == "Напомнить логин и пароль"
    assert link("athome", "en") == "Remind me of my login and password"
    assert link("novotelecom") == "Забыли пароль?"
    assert link("tomtel", "en") == "Forgot your password?"
