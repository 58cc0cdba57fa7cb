"""Login limits: per account whatever the spelling, per address per tenant, sized for NAT,
with the picture code before the refusal (issue 8, holes 1 and 10)."""

import os
import re
import shutil
import time

import pytest

from app.auth import limits
from app.auth import service as auth
from app.core import budgets
from app.core.subscribers import Subscriber
from app.extensions import db
from app.tenancy.registry import Tenant, load_registry
from app.tenancy.schema import IdentifierKind, LoginLimits
from app.web.captcha import challenge
from tests.conftest import CSRF_INPUT, TEST_TENANTS, Client
from tests.unit.test_schema import edit, line_of, problems

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
PHONE = "+79131234567"
ACCOUNT = "555001"
# The 429 page, in the page's language (a host spelled with a port gets no language cookie).
REFUSED = re.compile(r"(?:Please try again in|Повторите через|कृपया) (\d+) (?:min\.|мин\.|मिनट)")
WRONG = "The login or password is incorrect."
PICTURE = "Code from the picture"
# Small per-address budgets for the copies of the test tenant below: the picture code after
# 3 failures, the refusal after 6.
SMALL = '  limits: {per_address_captcha: "3 per 5 minutes", per_address: "6 per 5 minutes"}\n'
CAPTCHA_AFTER, REFUSED_AFTER = 3, 6


@pytest.fixture
def subscriber(make_subscriber):
    """An acme subscriber who logs in by account number or by phone."""
    return make_subscriber(password=PASSWORD, logins={"account": ACCOUNT, "phone": PHONE})


def refused_minutes(response) -> int:
    assert response.status_code == 429, response.status_code
    match = REFUSED.search(response.text)
    assert match, "the 429 page says how long to wait"
    return int(match.group(1))


# --- per account (hole 1) -------------------------------------------------------------------

# Each of these got a fresh budget when the key was the raw Host plus the raw typed text.
HOSTS = ["acme.localhost", "lk.acme.test", "lk.acme.test:443", "LK.ACME.TEST.", "hindi.acme.test"]
SPELLINGS = [
    ACCOUNT,
    f" {ACCOUNT} ",
    "555 001",
    PHONE,
    "8 913 123-45-67",
    "+7 (913) 123 45 67",
    "89131234567",
]


def test_every_host_and_login_spelling_spends_one_account_budget(tenant_client, subscriber):
    variants = [(h, s) for h in HOSTS for s in SPELLINGS]
    # Ten wrong passwords, each from another host and spelling: all one account's budget.
    for host, spelling in variants[:10]:
        assert tenant_client(host).login(spelling, "wrong").status_code == 200
    for host, spelling in variants:
        response = tenant_client(host).login(spelling, PASSWORD)
        assert response.status_code == 429, (host, spelling)
        assert refused_minutes(response) == 5
        assert 240 < int(response.headers["Retry-After"]) <= 300


def test_the_account_limit_on_both_sides_of_ten(tenant_client, subscriber, make_subscriber):
    client = tenant_client("acme.localhost")
    for _ in range(9):
        assert client.login(ACCOUNT, "wrong").status_code == 200
    assert client.login(ACCOUNT, PASSWORD).status_code == 302  # after nine failures: in
    client = tenant_client("acme.localhost")
    assert client.login(ACCOUNT, "wrong").status_code == 200  # the tenth failure
    assert client.login(ACCOUNT, PASSWORD).status_code == 429
    # Another account from the same address still logs in.
    other = make_subscriber(password=PASSWORD)
    assert client.login(other["account"], PASSWORD).status_code == 302


def test_the_right_password_after_429_waits_for_the_window(app, tenant_client, subscriber):
    """No permanent lockout: once the window has passed, the right password logs in."""
    app.config["PORTAL_LOGIN_LIMIT_ACCOUNT"] = "10 per 2 seconds"
    try:
        client = tenant_client("acme.localhost")
        for _ in range(10):
            client.login(PHONE, "wrong")
        assert client.login("8 913 123 45 67", PASSWORD).status_code == 429
        time.sleep(2.1)
        assert client.login(ACCOUNT, PASSWORD).status_code == 302
    finally:
        app.config["PORTAL_LOGIN_LIMIT_ACCOUNT"] = "10 per 5 minutes"


def test_a_login_that_names_nobody_is_counted_in_its_normal_form(tenant_client, subscriber):
    client = tenant_client("acme.localhost")
    for typed in ["999 999", "999999", " 999999", "999  999"] * 2 + ["999999", "999 999"]:
        assert client.login(typed, "wrong").status_code == 200
    assert client.login("99 99 99", "wrong").status_code == 429
    # The subscriber's own budget was never touched.
    assert client.login(ACCOUNT, PASSWORD).status_code == 302


def test_an_unknown_phone_or_number_is_one_budget_in_any_spelling(app):
    """With an account number of any shape (no pattern), "8 913 …" is an account number as
    well as a phone, "+7 913 …" only a phone: both must still meet on the phone."""
    registry = app.extensions["tenancy"]
    acme = registry.tenants["acme"]
    login = acme.config.login
    free = tuple(i.model_copy(update={"pattern": None}) for i in login.identifiers)
    config = acme.config.model_copy(
        update={"login": login.model_copy(update={"identifiers": free})}
    )
    tenant = Tenant(slug="acme", config=config, folder=acme.folder)
    with app.app_context():
        keys = {
            limits.account_key(tenant, typed)
            for typed in ["8 913 000-00-00", "+7 (913) 000 00 00", "89130000000", " 8913 0000000"]
        }
        assert len(keys) == 1
        assert limits.account_key(tenant, "+7 913 000 00 01") not in keys
        # In another tenant the same text is another budget.
        assert limits.account_key(registry.tenants["tomtel"], "8 913 000-00-00") not in keys


def test_text_that_is_no_identifier_is_counted_without_case_and_spaces(tenant_client, subscriber):
    client = tenant_client("acme.localhost")
    for _ in range(10):
        assert client.login("Somebody Else", "wrong").status_code == 200
    assert client.login("  SOMEBODY   else ", "wrong").status_code == 429
    assert client.login(ACCOUNT, PASSWORD).status_code == 302


# --- per address, per tenant, with the picture code first (hole 10) ---------------------------


@pytest.fixture
def portal(app, make_app, tmp_path):
    """An app over two copies of the test tenant with small per-address budgets: acme and
    bravo (on hosts of its own), both also on <slug>.localhost."""
    root = tmp_path / "tenants"
    for slug in ("acme", "bravo"):
        shutil.copytree(TEST_TENANTS / "acme", root / slug)
        yaml = root / slug / "tenant.yaml"
        text = yaml.read_text(encoding="utf-8").replace("\nlogin:\n", "\nlogin:\n" + SMALL, 1)
        if slug == "bravo":
            text = text.replace(".acme.test", ".bravo.test")
        yaml.write_text(text, encoding="utf-8")
    # RATELIMIT_STORAGE_URI=redis://… runs these against the store production uses.
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    application = make_app(PORTAL_TENANTS_DIR=str(root), RATELIMIT_STORAGE_URI=storage)
    application.test_client_class = Client
    return application


class Browser:
    """One person's browser on a tenant's host, from a given address."""

    def __init__(self, portal, slug: str, address: str = "198.51.100.7"):
        self.portal = portal
        self.client = portal.test_client()
        self.client.host = f"{slug}.localhost"
        self.client.environ_base["REMOTE_ADDR"] = address
        self.client.set_cookie("lang", "en", domain=self.client.host)

    def page(self) -> str:
        return self.client.get("/login").text

    def asks_for_picture(self) -> bool:
        return 'name="captcha"' in self.page()

    def _code(self) -> str:
        with self.client.session_transaction() as session:
            nonce = session["captcha"]["nonce"]
        return challenge.picture_code(self.portal.config["SECRET_KEY"].encode(), nonce)

    def login(self, login: str, password: str, captcha: str | None = "solve", **extra):
        """Open the form and send it; the picture code, when asked for, solved unless told."""
        html = self.page()
        data = {"csrf_token": CSRF_INPUT.search(html).group(1), "login": login, **extra}
        data["password"] = password
        if 'name="captcha"' in html and captcha is not None:
            data["captcha"] = self._code() if captcha == "solve" else captcha
        return self.client.post("/login", data=data)

    def fail(self, times: int) -> None:
        for n in range(times):
            response = self.login(f"9{n:05d}", "wrong")
            assert response.status_code == 200 and WRONG in response.text


def make_login(portal, slug: str) -> str:
    """A subscriber of this tenant who logs in with account number 555001."""
    with portal.app_context():
        tenant = portal.extensions["tenancy"].tenants[slug]
        person = Subscriber(tenant=slug, surname="Тестов", first_name="Тест")
        db.session.add(person)
        db.session.flush()
        auth.set_password(tenant, person.id, PASSWORD, "test", reason="issued")
        auth.add_identifier(tenant, person.id, IdentifierKind.ACCOUNT, ACCOUNT)
        db.session.commit()
    return ACCOUNT


def test_below_the_captcha_threshold_no_picture_is_asked(portal):
    make_login(portal, "acme")
    browser = Browser(portal, "acme")
    browser.fail(CAPTCHA_AFTER - 1)
    assert not browser.asks_for_picture()
    assert browser.login(ACCOUNT, PASSWORD, captcha=None).status_code == 302


def test_at_the_captcha_threshold_the_picture_is_shown_and_required(portal):
    make_login(portal, "acme")
    browser = Browser(portal, "acme")
    browser.fail(CAPTCHA_AFTER)
    page = browser.page()
    assert PICTURE in page and 'name="captcha"' in page
    # Without the code, or with a wrong one, the password is not even tried...
    missing = browser.login(ACCOUNT, PASSWORD, captcha=None)
    assert missing.status_code == 200 and "Please fill in this field." in missing.text
    for _ in range(REFUSED_AFTER + 10):
        wrong = browser.login(ACCOUNT, PASSWORD, captcha="WRONG")
        assert wrong.status_code == 200 and "The code is wrong." in wrong.text
    # Asking for another picture is no submission either.
    another = browser.login(ACCOUNT, "wrong", captcha="", captcha_new="1")
    assert another.status_code == 200 and PICTURE in another.text
    assert WRONG not in another.text and "Please fill in this field." not in another.text
    # ...nor counted: past the hard limit's number of posts, the right code still gets in.
    assert browser.login(ACCOUNT, PASSWORD).status_code == 302


def test_the_hard_address_limit_on_both_sides(portal):
    make_login(portal, "acme")
    browser = Browser(portal, "acme")
    browser.fail(REFUSED_AFTER - 1)
    assert browser.login(ACCOUNT, PASSWORD).status_code == 302
    browser = Browser(portal, "acme")
    browser.fail(1)  # the sixth failure from this address
    refused = browser.login(ACCOUNT, PASSWORD)
    assert refused_minutes(refused) == 5
    assert "Too many attempts" in refused.text
    assert browser.client.get("/login").status_code == 200  # the page itself still opens


def test_address_budgets_are_per_tenant(portal):
    make_login(portal, "bravo")
    acme = Browser(portal, "acme")
    acme.fail(REFUSED_AFTER)
    assert acme.login(ACCOUNT, PASSWORD).status_code == 429
    # The same address in another tenant: no picture, logs in, and its own failures count
    # from zero.
    bravo = Browser(portal, "bravo")
    assert not bravo.asks_for_picture()
    bravo.fail(CAPTCHA_AFTER - 1)
    assert not bravo.asks_for_picture()
    assert bravo.login(ACCOUNT, PASSWORD, captcha=None).status_code == 302


def test_other_addresses_are_not_held_up(portal):
    make_login(portal, "acme")
    Browser(portal, "acme", "198.51.100.7").fail(REFUSED_AFTER)
    neighbour = Browser(portal, "acme", "198.51.100.8")
    assert not neighbour.asks_for_picture()
    assert neighbour.login(ACCOUNT, PASSWORD, captcha=None).status_code == 302


def test_one_ipv6_network_is_one_address(portal):
    make_login(portal, "acme")
    Browser(portal, "acme", "2001:db8:1:2::10").fail(CAPTCHA_AFTER)
    assert Browser(portal, "acme", "2001:db8:1:2:ffff::1").asks_for_picture()
    assert not Browser(portal, "acme", "2001:db8:1:3::10").asks_for_picture()
    assert budgets.network("::ffff:198.51.100.7") == "198.51.100.7"


# --- configuration ------------------------------------------------------------------------------


def test_the_defaults_are_sized_for_nat():
    defaults = LoginLimits()
    assert (defaults.per_address_captcha, defaults.per_address) == (
        "20 per 5 minutes",
        "300 per 5 minutes",
    )


@pytest.fixture
def tenants_dir(tmp_path):
    root = tmp_path / "tenants"
    shutil.copytree(TEST_TENANTS / "acme", root / "acme")
    return root


def test_a_limit_that_is_no_rate_is_named_with_its_line(tenants_dir):
    edit(tenants_dir, "\nlogin:\n", "\nlogin:\n  limits: {per_address: lots}\n")
    line = line_of(tenants_dir, "per_address: lots")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: login.limits.per_address: "
        "'lots' is not a rate such as '3 per hour'"
    ]


@pytest.mark.parametrize(
    "captcha, hard",
    [("300 per 5 minutes", "300 per 5 minutes"), ("20 per minute", "300 per 5 minutes")],
)
def test_the_picture_code_must_come_before_the_refusal(tenants_dir, captcha, hard):
    limits_yaml = f'  limits: {{per_address_captcha: "{captcha}", per_address: "{hard}"}}\n'
    edit(tenants_dir, "\nlogin:\n", "\nlogin:\n" + limits_yaml)
    (problem,) = problems(tenants_dir)
    assert "login.limits: " in problem and "picture code comes before the refusal" in problem


def test_a_captcha_threshold_just_below_the_refusal_is_accepted(tenants_dir):
    limits_yaml = (
        '  limits: {per_address_captcha: "299 per 5 minutes", per_address: "300 per 5 minutes"}\n'
    )
    edit(tenants_dir, "\nlogin:\n", "\nlogin:\n" + limits_yaml)
    registry = load_registry([tenants_dir], {"ru", "en", "hi"}, dev_hosts=True)
    assert registry.tenants["acme"].config.login.limits.per_address_captcha == "299 per 5 minutes"


# --- recovery's address limit is per tenant too -------------------------------------------------


def test_recovery_address_budgets_are_per_tenant(tenant_client):
    """athome allows 20 recovery requests an hour from one address; netbynet counts its own."""
    athome = tenant_client("athome.localhost")
    form = {"surname": "Петров", "first_name": "Иван", "delivery": "sms_code"}
    for n in range(20):
        sent = athome.form("/recover/via/identity", {**form, "contract_or_account": f"77{n:04d}"})
        assert sent.status_code == 302, n
    over = athome.form("/recover/via/identity", {**form, "contract_or_account": "880000"})
    assert over.status_code == 429
    netbynet = tenant_client("netbynet.localhost")
    asked = netbynet.form(
        "/recover/via/phone",
        {"region": "spb", "phone": "+7 913 555-00-00", "account": "123456", "delivery": "sms_code"},
    )
    assert asked.status_code == 302


def test_each_unknown_text_and_each_tenant_has_a_budget_of_its_own(app):
    from app.auth import limits

    tenants = app.extensions["tenancy"].tenants
    with app.test_request_context():
        acme, tomtel = tenants["acme"], tenants["tomtel"]
        assert limits.account_key(acme, "Nobody  Here") == limits.account_key(acme, "nobody here")
        assert limits.account_key(acme, "nobody here") != limits.account_key(acme, "someone else")
        assert limits.account_key(acme, "nobody here") != limits.account_key(tomtel, "nobody here")
