"""Every recovery flow of every launch ISP, and a subscriber whose details fit all of them."""

from app.extensions import db
from tests.conftest import CSRF_INPUT
from tests.web.test_recovery_flows import _picture_code

from .surface import FIELD_NAME

PHONE = "+79135557788"
EMAIL = "cross.victim@example.ru"
SURNAME = "Кросстенантов"
LOGIN = "crossvictim"
LAUNCH = ("athome", "netbynet", "novotelecom", "tomtel", "iphome")


def flow_cases(app) -> list[tuple[str, str, str]]:
    """(tenant, flow code, delivery) for every way a launch ISP lets a password be recovered."""
    tenants = app.extensions["tenancy"].tenants
    return [
        (slug, flow.code, delivery.value)
        for slug in LAUNCH
        for flow in tenants[slug].config.recovery.flows
        for delivery in flow.deliver
    ]


def fitting_subscriber(app, make_subscriber, at: str, regions_of: str) -> dict:
    """A subscriber of tenant `at` with recovery switched on, living in `regions_of`'s first
    region, whose name, numbers, phone, e-mail and login answer every flow's questions."""
    import app.recovery.service as recovery
    from app.core.subscribers import subscriber_of

    asked = app.extensions["tenancy"].tenants[regions_of]
    region = asked.config.regions[0].code if asked.config.regions else None
    facts = make_subscriber(
        tenant=at,
        logins={"login": LOGIN},
        surname=SURNAME,
        first_name="Пётр",
        phone=PHONE,
        email=EMAIL,
        region=region,
    )
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants[at]
        recovery.switch_on(tenant, subscriber_of(tenant, facts["id"]), ("sms", "email"))
        db.session.commit()
    return {**facts, "region": region}


def typed_for(facts: dict, delivery: str) -> dict[str, str]:
    """What a person who knows the subscriber's details types into any flow's form."""
    return {
        "surname": SURNAME,
        "first_name": "Пётр",
        "contract_or_account": facts["contract"],
        "contract": facts["contract"],
        "account": facts["account"],
        "phone": PHONE,
        "email": EMAIL,
        "region": facts["region"] or "",
        "login": LOGIN,
        "identifier_kind": "phone",
        "identifier": PHONE,
        "delivery": delivery,
    }


def ask(browser, code: str, typed: dict[str, str]):
    """Fill the flow's form as a browser would (only the fields it has, the picture code read)."""
    page = browser.get(f"/recover/via/{code}").get_data(as_text=True)
    fields = set(FIELD_NAME.findall(page))
    data = {k: v for k, v in typed.items() if k in fields}
    if "captcha" in fields:
        data["captcha"] = _picture_code(browser)
    data["csrf_token"] = CSRF_INPUT.search(page).group(1)
    return browser.post(f"/recover/via/{code}", data=data)
