"""Nothing a stranger sees tells whether an account exists: the login form and every step of
every recovery flow of every launch ISP answer alike for a real and a made-up subscriber."""

import re

import pytest

from .recovery_cases import EMAIL, PHONE, ask, fitting_subscriber, flow_cases, typed_for

NOBODY = {
    "contract": "T-99999",
    "account": "999999",
    "region": None,
}
TYPED_NOBODY = {
    "surname": "Никтоев",
    "phone": "+79135550000",
    "email": "nobody.at.all@example.ru",
    "login": "nobody-at-all",
    "identifier": "+79135550000",
}


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        from tests.conftest import portal_app

        cases = flow_cases(portal_app())
        metafunc.parametrize("case", cases, ids=["-".join(c) for c in cases])


def _page(response) -> str:
    """The page without what differs per browser anyway: tokens, nonces, typed values."""
    html = response.get_data(as_text=True)
    html = re.sub(r'value="[^"]*"', "", html)
    return re.sub(r"\?v=[\w-]+", "", html)


def _answers(browser, response) -> list:
    seen = [response.status_code, response.headers.get("Location")]
    while response.status_code in (302, 303) and len(seen) < 10:
        response = browser.get(response.headers["Location"])
        seen += [response.status_code, response.headers.get("Location"), _page(response)]
    if browser.get("/recover/code").status_code == 200:
        wrong = browser.form("/recover/code", {"code": "000000"})
        seen += [wrong.status_code, _page(wrong)]
    return seen


def test_every_recovery_step_answers_alike(app, tenant_client, make_subscriber, sms, mailbox, case):
    slug, code, delivery = case
    real = fitting_subscriber(app, make_subscriber, at=slug, regions_of=slug)
    made_up = typed_for({**real, **NOBODY, "region": real["region"]}, delivery) | TYPED_NOBODY
    first, second = tenant_client(f"{slug}.localhost"), tenant_client(f"{slug}.localhost")
    for browser in (first, second):
        browser.set_cookie("lang", "en", domain=browser.host)
    existing = _answers(first, ask(first, code, typed_for(real, delivery)))
    missing = _answers(second, ask(second, code, made_up))
    assert sms(PHONE) or mailbox.to(EMAIL), "the real subscriber was sent no secret"
    assert existing == missing


@pytest.mark.parametrize("slug", ["athome", "netbynet", "novotelecom", "tomtel", "iphome"])
def test_login_answers_alike(app, tenant_client, make_subscriber, slug):
    real = fitting_subscriber(app, make_subscriber, at=slug, regions_of=slug)
    tenant = app.extensions["tenancy"].tenants[slug]
    kind = tenant.config.login.identifiers[0].kind.value
    login = {"account": "701000555", "contract": "701000555001", "phone": PHONE}.get(
        kind, EMAIL if kind == "email" else "crossvictim"
    )
    _allow_login(app, tenant, real["id"], kind, login)
    extra = {"region": real["region"]} if real["region"] else {}
    pages = []
    for typed in (login, "999999999"):
        browser = tenant_client(f"{slug}.localhost")
        browser.set_cookie("lang", "en", domain=browser.host)
        response = browser.login(typed, "Wrong-Password-1", **extra)
        pages.append((response.status_code, _page(response)))
    assert pages[0] == pages[1]
    control = tenant_client(f"{slug}.localhost")
    assert control.login(login, real["password"], **extra).status_code in (302, 303)


def _allow_login(app, tenant, subscriber_id: int, kind: str, value: str) -> None:
    from app.auth import service as auth
    from app.core.subscribers import LoginIdentifier
    from app.extensions import db
    from app.tenancy.schema import IdentifierKind

    with app.app_context():
        known = db.session.query(LoginIdentifier).filter_by(
            tenant=tenant.slug, subscriber_id=subscriber_id, kind=kind
        )
        if known.first() is None:
            auth.add_identifier(tenant, subscriber_id, IdentifierKind(kind), value)
            db.session.commit()
