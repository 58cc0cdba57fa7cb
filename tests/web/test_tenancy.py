"""Hosts pick tenants, regions and languages; a new tenant is only a folder of YAML."""

import re
import shutil

from tests.conftest import ROOT, TEST_TENANTS


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_each_launch_tenant_serves_its_own_login_page(tenant_client):
    names = {
        "athome": "Эт Хоум",
        "netbynet": "Нетбайнет",
        "novotelecom": "Электронный город",
        "tomtel": "Томтел",
    }
    for slug, name in names.items():
        response = tenant_client(f"{slug}.localhost").get("/login")
        assert response.status_code == 200
        assert name in response.get_data(as_text=True)


def test_region_subdomain_shows_the_region(tenant_client):
    page = tenant_client("spb.netbynet.localhost").get("/login").get_data(as_text=True)
    assert "Санкт-Петербург" in page


def test_language_choice_sticks(client):
    assert _lang(client.get("/login")) == "ru"
    response = client.form("/language", {"lang": "hi", "next": "/login"}, page="/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert _lang(client.get("/login")) == "hi"
    client.form("/language", {"lang": "en", "next": "/login"}, page="/login")
    assert _lang(client.get("/login")) == "en"


def test_a_locale_the_tenant_does_not_offer_is_ignored(client):
    client.form("/language", {"lang": "de", "next": "/login"}, page="/login")
    assert _lang(client.get("/login")) == "ru"


def test_host_pinned_locale_and_accept_language(tenant_client):
    assert _lang(tenant_client("hindi.acme.test").get("/login")) == "hi"
    client = tenant_client("lk.acme.test")
    assert _lang(client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})) == "en"
    assert _lang(client.get("/login", headers={"Accept-Language": "de-DE"})) == "ru"


def test_iphome_demo_host_defaults_to_hindi(tenant_client):
    assert _lang(tenant_client("iphome.localhost").get("/login")) == "hi"


def test_region_selector_on_login_for_tenants_that_ask(tenant_client):
    page = tenant_client("iphome.localhost").get("/login").get_data(as_text=True)
    assert "<select" in page and 'name="region"' in page
    page = tenant_client("tomtel.localhost").get("/login").get_data(as_text=True)
    assert 'name="region"' not in page


def test_a_sixth_tenant_is_a_copied_folder(tmp_path, make_app):
    root = tmp_path / "reseller"
    shutil.copytree(TEST_TENANTS / "acme", root / "newbrand")
    yaml_path = root / "newbrand" / "tenant.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    text = text.replace("Акме Телеком", "Новый Бренд").replace("acme.test", "newbrand.test")
    yaml_path.write_text(text, encoding="utf-8")
    app = make_app(PORTAL_TENANTS_DIR=str(root))
    client = app.test_client()
    page = client.get("/login", headers={"Host": "lk.newbrand.test"}).get_data(as_text=True)
    assert "Новый Бренд" in page
    assert client.get("/login", headers={"Host": "newbrand.localhost"}).status_code == 200
    assert client.get("/login", headers={"Host": "tomtel.localhost"}).status_code == 400


def test_tenant_template_override(tmp_path, make_app):
    root = tmp_path / "t"
    shutil.copytree(TEST_TENANTS / "acme", root / "acme")
    override = root / "acme" / "templates" / "auth"
    override.mkdir(parents=True)
    (override / "login.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>Our own login page</p>{% endblock %}',
        encoding="utf-8",
    )
    shutil.copytree(TEST_TENANTS / "acme", root / "other")
    other_yaml = root / "other" / "tenant.yaml"
    other_yaml.write_text(
        other_yaml.read_text(encoding="utf-8").replace("acme.test", "other.test"), encoding="utf-8"
    )
    app = make_app(PORTAL_TENANTS_DIR=str(root))
    client = app.test_client()
    assert "Our own login page" in client.get("/login", headers={"Host": "acme.localhost"}).text
    assert (
        "Our own login page" not in client.get("/login", headers={"Host": "other.localhost"}).text
    )


def test_a_tenant_serves_its_own_brand_assets_and_no_other_file(tenant_client):
    tomtel = tenant_client("tomtel.localhost")
    logo = tomtel.get("/brand/logo.svg")
    assert logo.status_code == 200 and logo.mimetype == "image/svg+xml"
    assert logo.get_data() == (ROOT / "tenants/tomtel/static/logo.svg").read_bytes()
    assert "max-age=3600" in logo.headers["Cache-Control"]
    again = tomtel.get("/brand/logo.svg", headers={"If-None-Match": logo.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    athome = tenant_client("athome.localhost").get("/brand/logo.svg")
    assert athome.get_data() != logo.get_data(), "each tenant has its own logo"
    for path in (
        "/brand/../tenant.yaml",
        "/brand/%2e%2e/tenant.yaml",
        "/brand/missing.svg",
        "/brand/",
    ):
        assert tomtel.get(path).status_code == 404, path
