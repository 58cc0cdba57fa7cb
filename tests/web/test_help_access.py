"""A request and its files are their owner's alone; the contacts page is everyone's."""

import re

import pytest

from tests.conftest import CSRF_INPUT
from tests.security.surface import database_state
from tests.web.help_steps import HTML, PDF, number_of, open_request, page_text
from tests.web.test_transfers import tiny_png

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
SECRET = "Мой пароль от Wi-Fi: Kotik-2024"


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def _browser(tenant_client, host, login):
    client = tenant_client(host)
    assert client.login(login, PASSWORD).status_code == 302
    return client


@pytest.fixture
def world(app, make_subscriber, tenant_client, uploads):
    """A netbynet subscriber's request with a file; a neighbour in netbynet and a stranger
    in novotelecom, each with a request of their own so their ids and numbers overlap."""
    make_subscriber(tenant="netbynet", password=PASSWORD, logins={"contract": "NB-1"})
    make_subscriber(tenant="netbynet", password=PASSWORD, logins={"contract": "NB-2"})
    make_subscriber(tenant="novotelecom", password=PASSWORD, logins={"contract": "EG-1"})
    owner = _browser(tenant_client, "netbynet.localhost", "NB-1")
    number = number_of(open_request(owner, SECRET, files=[(tiny_png(), "wifi.png")]))
    neighbour = _browser(tenant_client, "netbynet.localhost", "NB-2")
    stranger = _browser(tenant_client, "novotelecom.localhost", "EG-1")
    page = owner.get(f"/help/requests/{number}").get_data(as_text=True)
    (file_url,) = re.findall(r'href="(/help/attachments/\d+)"', page)
    return {
        "owner": owner,
        "number": number,
        "file": file_url,
        "neighbour": neighbour,
        "stranger": stranger,
    }


def test_the_owner_downloads_the_file_as_an_attachment(world):
    response = world["owner"].get(world["file"])
    assert response.status_code == 200
    assert response.data == tiny_png()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "wifi.png" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("who", ["neighbour", "stranger"])
def test_nobody_else_opens_changes_or_downloads_it(app, world, who):
    client, number = world[who], world["number"]
    if who == "stranger":
        # Their own request 1 exists in their tenant: the same number and id, not the owner's.
        assert open_request(client, "Свой вопрос").status_code == 302
    before = database_state(app)
    token = CSRF_INPUT.search(client.get("/help/requests").get_data(as_text=True)).group(1)
    if who == "neighbour":
        assert client.get(f"/help/requests/{number}").status_code == 404
        assert client.get(world["file"]).status_code == 404
        for action in ("close", "reopen", "reply"):
            response = client.post(
                f"/help/requests/{number}/{action}", data={"csrf_token": token, "text": "x"}
            )
            assert response.status_code == 404, action
    else:
        assert SECRET not in page_text(client.get(f"/help/requests/{number}"))
        assert client.get(world["file"]).status_code == 404
    assert SECRET not in page_text(client.get("/help/requests"))
    assert database_state(app) == before


def test_the_stranger_sees_only_their_own_request_under_the_same_number(world):
    stranger = world["stranger"]
    assert open_request(stranger, "Свой вопрос").status_code == 302
    page = page_text(stranger.get(f"/help/requests/{world['number']}"))
    assert "Свой вопрос" in page and SECRET not in page


def test_a_missing_file_on_disk_is_not_found_not_an_error(world, uploads):
    for path in (uploads / "netbynet").iterdir():
        path.unlink()
    assert world["owner"].get(world["file"]).status_code == 404


def test_an_html_file_is_never_stored_so_never_served(app, world, uploads):
    before = sorted((uploads / "netbynet").iterdir())
    response = open_request(world["owner"], "see", files=[(HTML, "page.png"), (PDF, "a.pdf")])
    assert response.status_code == 200
    assert sorted((uploads / "netbynet").iterdir()) == before


def test_contacts_show_hours_fax_office_and_chat_without_a_login(tenant_client):
    client = tenant_client("athome.localhost")
    page = page_text(client.get("/help/contacts"))
    assert "+7 812 240-24-24" in page and "daily, 9:00 to 22:00" in page
    assert "Fax" in page and "+7 812 240-30-20" in page
    assert "32 Polyustrovsky Prospekt" in page
    assert "Online consultant — daily from 10:00 to 21:00" in page
    assert "info@at-home.ru" in page


def test_contacts_speak_the_subscribers_language(tenant_client):
    client = tenant_client("athome.localhost")
    client.set_cookie("lang", "ru", domain=client.host)
    page = page_text(client.get("/help/contacts"))
    assert "Контакты" in page and "ежедневно с 9:00 до 22:00" in page and "Факс" in page
    client.set_cookie("lang", "hi", domain=client.host)
    assert "प्रतिदिन 9:00 से 22:00 बजे तक" in page_text(client.get("/help/contacts"))


def test_contacts_follow_the_region(tenant_client):
    regional = page_text(tenant_client("spb.netbynet.localhost").get("/help/contacts"))
    assert "+7 812 385-57-57" in regional and "Ligovsky" in regional
    assert "Berdsk" not in regional
    novosibirsk = page_text(tenant_client("berdsk.novotelecom.localhost").get("/help/contacts"))
    assert "+7 38341 44-6-44" in novosibirsk and "+7 38343 9-222-5" not in novosibirsk
    # The main host has no region: every region's contacts, each under its name.
    everything = page_text(tenant_client("novotelecom.localhost").get("/help/contacts"))
    for phone in ("+7 383 209-00-00", "+7 38341 44-6-44", "+7 38343 9-222-5"):
        assert phone in everything


def test_every_page_links_to_the_contacts(tenant_client):
    assert 'href="/help/contacts"' in tenant_client("tomtel.localhost").get("/login").get_data(
        as_text=True
    )
