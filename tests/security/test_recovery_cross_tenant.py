"""No recovery flow of any ISP finds a subscriber of another ISP, however exactly the details
match: every flow of every tenant is asked for someone who exists, with the very same name,
numbers, phone, e-mail, login and region, only at another ISP. No message may go out."""

import pytest

from app.extensions import db
from tests.conftest import CSRF_INPUT
from tests.web.test_recovery_flows import _picture_code

from .surface import FIELD_NAME

PHONE = "+79135557788"
EMAIL = "cross.victim@example.ru"
SURNAME = "Кросстенантов"
LAUNCH = ("athome", "netbynet", "novotelecom", "tomtel", "iphome")


def _flows(app):
    tenants = app.extensions["tenancy"].tenants
    for slug in LAUNCH:
        for flow in tenants[slug].config.recovery.flows:
            for delivery in flow.deliver:
                yield slug, flow, delivery


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        from tests.conftest import portal_app

        cases = [(s, f.code, d.value) for s, f, d in _flows(portal_app())]
        metafunc.parametrize("case", cases, ids=["-".join(c) for c in cases])


def _victim(app, make_subscriber, asked_at: str) -> dict:
    """A subscriber of an ISP other than asked_at, recovery switched on for both channels."""
    import app.recovery.service as recovery
    from app.core.subscribers import subscriber_of

    elsewhere = "acme" if asked_at != "acme" else "athome"
    asked = app.extensions["tenancy"].tenants[asked_at]
    region = asked.config.regions[0].code if asked.config.regions else None
    facts = make_subscriber(
        tenant=elsewhere,
        logins={"login": "crossvictim"},
        surname=SURNAME,
        first_name="Пётр",
        phone=PHONE,
        email=EMAIL,
        region=region,
    )
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants[elsewhere]
        recovery.switch_on(tenant, subscriber_of(tenant, facts["id"]), ("sms", "email"))
        db.session.commit()
    return {**facts, "region": region}


def _typed(victim: dict, delivery: str) -> dict[str, str]:
    return {
        "surname": SURNAME,
        "first_name": "Пётр",
        "contract_or_account": victim["contract"],
        "contract": victim["contract"],
        "account": victim["account"],
        "phone": PHONE,
        "email": EMAIL,
        "region": victim["region"] or "",
        "login": "crossvictim",
        "identifier_kind": "phone",
        "identifier": PHONE,
        "delivery": delivery,
    }


def test_the_lookup_itself_stays_in_its_tenant(app, make_subscriber, case):
    """The lookup answers no one, not only the pages after it (they would hide a leak)."""
    from app.recovery.lookup import find_subscriber

    slug, code, delivery = case
    victim = _victim(app, make_subscriber, slug)
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants[slug]
        flow = next(f for f in tenant.config.recovery.flows if f.code == code)
        typed = _typed(victim, delivery)
        assert find_subscriber(tenant, flow, typed) is None


@pytest.fixture
def sent(app, sms, mailbox):
    return lambda: sms(PHONE) + [m["Subject"] for m in mailbox.to(EMAIL)]


def test_no_flow_finds_another_isps_subscriber(app, tenant_client, make_subscriber, sent, case):
    slug, code, delivery = case
    victim = _victim(app, make_subscriber, slug)
    browser = tenant_client(f"{slug}.localhost")
    page = browser.get(f"/recover/via/{code}").get_data(as_text=True)
    fields = set(FIELD_NAME.findall(page))
    data = {k: v for k, v in _typed(victim, delivery).items() if k in fields}
    if "captcha" in fields:
        data["captcha"] = _picture_code(browser)
    data["csrf_token"] = CSRF_INPUT.search(page).group(1)
    response = browser.post(f"/recover/via/{code}", data=data)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    assert sent() == []
