"""No recovery flow of any ISP finds a subscriber of another ISP, however exactly the details
match: every flow of every tenant is asked for someone who exists, with the very same name,
numbers, phone, e-mail, login and region, only at another ISP. No message may go out."""

import pytest

from .recovery_cases import EMAIL, PHONE, ask, fitting_subscriber, flow_cases, typed_for


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        from tests.conftest import portal_app

        cases = flow_cases(portal_app())
        metafunc.parametrize("case", cases, ids=["-".join(c) for c in cases])


def _elsewhere(slug: str) -> str:
    return "acme" if slug != "acme" else "athome"


@pytest.fixture
def sent(app, sms, mailbox):
    return lambda: sms(PHONE) + [m["Subject"] for m in mailbox.to(EMAIL)]


def test_no_flow_finds_another_isps_subscriber(app, tenant_client, make_subscriber, sent, case):
    slug, code, delivery = case
    victim = fitting_subscriber(app, make_subscriber, at=_elsewhere(slug), regions_of=slug)
    response = ask(tenant_client(f"{slug}.localhost"), code, typed_for(victim, delivery))
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    assert sent() == []


def test_the_lookup_itself_stays_in_its_tenant(app, make_subscriber, case):
    """The lookup answers no one, not only the pages after it (they would hide a leak)."""
    from app.recovery.lookup import find_subscriber

    slug, code, delivery = case
    victim = fitting_subscriber(app, make_subscriber, at=_elsewhere(slug), regions_of=slug)
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants[slug]
        flow = next(f for f in tenant.config.recovery.flows if f.code == code)
        assert find_subscriber(tenant, flow.find_by, typed_for(victim, delivery)) is None
