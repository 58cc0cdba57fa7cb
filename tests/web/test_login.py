"""Logging in by every identifier a tenant allows, and failing without revealing anything."""

import pytest

TOMTEL_LOGINS = {
    "account": "123456789",
    "contract": "700012345678",
    "email": "Ivan.Tomsky@Example.ru",
    "phone": "+7 913 555-12-34",
    "nickname": "ivan_t",
}


@pytest.mark.parametrize(
    "typed",
    [
        "123456789",
        "7000 1234 5678",
        "ivan.tomsky@example.RU",
        "+79135551234",
        "8 913 555 12 34",
        "8(913)555-12-34",
        "+7 (913) 555-12-34",
        "IVAN_T",
    ],
)
def test_tomtel_subscriber_logs_in_by_any_identifier(tenant_client, make_subscriber, typed):
    subscriber = make_subscriber(tenant="tomtel", password="Sunny-Garden-77", logins=TOMTEL_LOGINS)
    client = tenant_client("tomtel.localhost")
    response = client.login(typed, "Sunny-Garden-77")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert subscriber["account"] in client.get("/").get_data(as_text=True)


def test_tomtel_public_demo_account_is_allowed_by_its_yaml(tenant_client, make_subscriber):
    make_subscriber(tenant="tomtel", password="demo", logins={"account": "12345"})
    client = tenant_client("tomtel.localhost")
    assert client.login("12345", "demo").status_code == 302


def test_tomtel_account_numbers_must_have_nine_digits(tenant_client, make_subscriber):
    make_subscriber(tenant="tomtel", password="Sunny-Garden-77", logins={"account": "1234567"})
    client = tenant_client("tomtel.localhost")
    assert client.login("1234567", "Sunny-Garden-77").status_code == 200


@pytest.mark.parametrize(
    ("tenant", "kind", "value"),
    [
        ("netbynet", "contract", "NBN-000123"),
        ("novotelecom", "contract", "1234567"),
        ("athome", "login", "ivanov_spb"),
        ("iphome", "login", "eg-10234"),
    ],
)
def test_each_tenant_logs_in_by_its_own_identifier(
    tenant_client, make_subscriber, tenant, kind, value
):
    make_subscriber(tenant=tenant, password="Sunny-Garden-77", logins={kind: value})
    client = tenant_client(f"{tenant}.localhost")
    extra = {"region": "msk"} if tenant == "iphome" else {}
    assert client.login(value, "Sunny-Garden-77", **extra).status_code == 302
    assert client.get("/").status_code == 200


def test_an_identifier_kind_the_tenant_does_not_allow_is_refused(tenant_client, make_subscriber):
    # NetByNet logs in by contract number only; an e-mail on record is not a login there.
    make_subscriber(
        tenant="netbynet",
        password="Sunny-Garden-77",
        logins={"contract": "NBN-000123", "email": "a@example.ru"},
    )
    client = tenant_client("netbynet.localhost")
    assert client.login("a@example.ru", "Sunny-Garden-77").status_code == 200


def _page_without_token(response) -> str:
    import re

    return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))


def test_failure_is_one_neutral_sentence_for_wrong_password_and_unknown_login(
    client, make_subscriber
):
    subscriber = make_subscriber(password="Sunny-Garden-77")
    wrong_password = client.login(subscriber["account"], "not-the-password")
    unknown_login = client.login("999999", "not-the-password")
    assert wrong_password.status_code == unknown_login.status_code == 200
    text = wrong_password.get_data(as_text=True)
    assert "The login or password is incorrect." in text or "Неверный" in text
    assert _page_without_token(wrong_password).replace(subscriber["account"], "999999") == (
        _page_without_token(unknown_login)
    )


def test_login_on_another_tenants_host_finds_nothing(tenant_client, make_subscriber):
    make_subscriber(tenant="tomtel", password="Sunny-Garden-77", logins=TOMTEL_LOGINS)
    other = tenant_client("acme.localhost")
    assert other.login("123456789", "Sunny-Garden-77").status_code == 200
    assert other.get("/").status_code == 302


def test_unknown_host_gets_a_plain_400(tenant_client):
    response = tenant_client("nobody.example").get("/login")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "400" in text
    assert "csrf_token" not in text and "Log in" not in text


def test_next_parameter_cannot_leave_the_site(client, make_subscriber):
    subscriber = make_subscriber(password="Sunny-Garden-77")
    response = client.form(
        "/login?next=//evil.example/",
        {"login": subscriber["account"], "password": "Sunny-Garden-77"},
    )
    assert response.headers["Location"] == "/"


def _region_shown(response) -> str:
    import re

    match = re.search(r'<span class="region"[^>]*>([^<]*)</span>', response.get_data(as_text=True))
    return match.group(1) if match else ""


def test_a_region_picked_at_login_gives_way_to_the_subscribers_own(tenant_client, make_subscriber):
    # IP-Home asks for a region on its login form; this subscriber lives in Moscow.
    make_subscriber(
        tenant="iphome", password="Sunny-Garden-77", logins={"login": "108837"}, region="msk"
    )
    client = tenant_client("iphome.localhost")
    client.set_cookie("lang", "ru", domain="iphome.localhost")
    response = client.login("108837", "Sunny-Garden-77", region="tomilino")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert _region_shown(page) == "Москва (юго-восток)"
    assert "Томилино" not in page.get_data(as_text=True)


def test_a_subscriber_without_a_region_keeps_the_one_picked(tenant_client, make_subscriber):
    make_subscriber(tenant="iphome", password="Sunny-Garden-77", logins={"login": "eg-10234"})
    client = tenant_client("iphome.localhost")
    client.set_cookie("lang", "ru", domain="iphome.localhost")
    assert client.login("eg-10234", "Sunny-Garden-77", region="tomilino").status_code == 302
    assert _region_shown(client.get("/")) == "Томилино"


@pytest.fixture
def spb_subscriber(make_subscriber):
    return make_subscriber(
        tenant="netbynet",
        password="Sunny-Garden-77",
        logins={"contract": "781045236"},
        region="spb",
    )


def test_login_on_another_regions_host_moves_to_the_subscribers_own(tenant_client, spb_subscriber):
    moscow = tenant_client("msk.netbynet.localhost")
    response = moscow.form(
        "/login?next=/statement",
        {"login": "781045236", "password": "Sunny-Garden-77"},
        page="/login?next=/statement",
    )
    # The same page on the region's own host, named by the tenant's configuration.
    assert response.status_code == 303
    assert response.headers["Location"] == "http://spb.netbynet.localhost/login?next=/statement"
    # Nobody is logged in on the Moscow host …
    assert moscow.get("/").status_code == 302
    # … and on the Saint Petersburg host the cabinet is the subscriber's own region's.
    spb = tenant_client("spb.netbynet.localhost")
    assert spb.login("781045236", "Sunny-Garden-77").status_code == 302
    assert _region_shown(spb.get("/")) == "Санкт-Петербург и Ленинградская область"


def test_the_move_uses_the_configured_host_and_its_scheme(tenant_client, spb_subscriber):
    response = tenant_client("msk.stat.netbynet.ru").login("781045236", "Sunny-Garden-77")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://spb.stat.netbynet.ru/login"


def test_the_tenants_own_host_serves_every_region(tenant_client, spb_subscriber):
    client = tenant_client("netbynet.localhost")
    assert client.login("781045236", "Sunny-Garden-77").status_code == 302
    assert _region_shown(client.get("/")) == "Санкт-Петербург и Ленинградская область"


def test_another_regions_host_tells_a_wrong_password_nothing(tenant_client, spb_subscriber):
    moscow = tenant_client("msk.netbynet.localhost")
    wrong_password = moscow.login("781045236", "not-the-password")
    unknown_login = moscow.login("999999999", "not-the-password")
    assert wrong_password.status_code == unknown_login.status_code == 200
    assert "Неверный" in wrong_password.get_data(as_text=True) or (
        "The login or password is incorrect." in wrong_password.get_data(as_text=True)
    )
    assert _page_without_token(wrong_password).replace("781045236", "999999999") == (
        _page_without_token(unknown_login)
    )


def test_on_a_development_port_the_move_keeps_the_port(tenant_client, spb_subscriber):
    response = tenant_client("msk.netbynet.localhost:5000").login("781045236", "Sunny-Garden-77")
    assert response.headers["Location"] == "http://spb.netbynet.localhost:5000/login"
