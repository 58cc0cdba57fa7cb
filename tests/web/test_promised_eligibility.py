"""Who may take a promised payment: the ISP may refuse organisations and new contracts."""

import dataclasses
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.billing import promised
from app.billing.promised import Refusal
from app.core.subscribers import Account, Contract
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Sunny-Garden-77"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # 10 March in Saint Petersburg too
RULES = "    max_debt: 1000\n    organisations: false\n    min_contract_days: 30\n"


def strict(tenant, **rule):
    """At Home's tenant with its promised-payment rule changed."""
    config = tenant.config
    changed = config.billing.promised_payment.model_copy(update=rule)
    billing = config.billing.model_copy(update={"promised_payment": changed})
    return dataclasses.replace(tenant, config=config.model_copy(update={"billing": billing}))


def sign(app, account_id: int, day: date) -> None:
    with app.app_context():
        account = db.session.get(Account, account_id)
        db.session.get(Contract, account.contract_id).signed_on = day
        db.session.commit()


@pytest.fixture
def athome(app):
    return app.extensions["tenancy"].tenants["athome"]


@pytest.fixture
def debtor(make_subscriber):
    def make(**fields) -> int:
        fields.setdefault("logins", {"login": f"debtor{len(fields)}"})
        facts = make_subscriber(
            tenant="athome", password=PASSWORD, balance=-500, status="blocked", **fields
        )
        return facts["account_id"]

    return make


def offer(app, tenant, account_id: int):
    with app.app_context():
        return promised.offer(tenant, db.session.get(Account, account_id), NOW)


def test_by_default_organisations_and_new_contracts_may_take_one(app, athome, debtor):
    company = debtor(kind="organisation", organisation="ООО «Невская пекарня»")
    sign(app, company, NOW.date())
    assert offer(app, athome, company).allowed


def test_an_organisation_is_refused_where_the_isp_lends_to_persons_only(app, athome, debtor):
    company = debtor(kind="organisation", organisation="ООО «Невская пекарня»")
    person = debtor(logins={"login": "person"})
    tenant = strict(athome, organisations=False)
    assert offer(app, tenant, company).refusal == Refusal.ORGANISATION
    assert offer(app, tenant, person).allowed


@pytest.mark.parametrize(
    ("signed_days_ago", "refusal"),
    [(0, Refusal.NEW_CONTRACT), (29, Refusal.NEW_CONTRACT), (30, None)],
)
def test_not_in_the_first_days_of_the_contract(app, athome, debtor, signed_days_ago, refusal):
    account_id = debtor()
    sign(app, account_id, NOW.date() - timedelta(days=signed_days_ago))
    terms = offer(app, strict(athome, min_contract_days=30), account_id)
    assert terms.refusal == refusal
    if refusal:
        assert terms.possible_from == NOW.date() + timedelta(days=30 - signed_days_ago)


def test_taking_one_is_refused_too(app, athome, debtor):
    account_id = debtor()
    sign(app, account_id, NOW.date())
    with app.app_context():
        taken = promised.take(strict(athome, min_contract_days=30), account_id, now=NOW)
        db.session.rollback()
    assert taken == Refusal.NEW_CONTRACT


# -- the page says why, in the subscriber's language ----------------------------------------


@pytest.fixture
def strict_cabinet(tmp_path, make_app, tenant_client, make_subscriber):
    """At Home's cabinet with `organisations: false` and `min_contract_days: 30` in its YAML."""
    folder = tmp_path / "tenants" / "athome"
    shutil.copytree(ROOT / "tenants" / "athome", folder)
    yaml = folder / "tenant.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "    max_debt: 1000\n" in text
    yaml.write_text(text.replace("    max_debt: 1000\n", RULES, 1), encoding="utf-8")
    portal = make_app(PORTAL_TENANTS_DIR=str(folder.parent))
    portal.test_client_class = type(tenant_client("athome.localhost"))

    def page(lang: str, signed_on: date, **fields) -> str:
        login = f"strict{len(fields)}{signed_on:%d}"
        facts = make_subscriber(
            tenant="athome",
            password=PASSWORD,
            balance=-500,
            status="blocked",
            logins={"login": login},
            **fields,
        )
        sign(portal, facts["account_id"], signed_on)
        client = portal.test_client()
        client.host = "athome.localhost"
        assert client.login(login, PASSWORD).status_code == 302
        client.set_cookie("lang", lang, domain="athome.localhost")
        html = client.get("/promised-payment").get_data(as_text=True)
        return re.sub(r"\s+", " ", html).replace("\xa0", " ")

    return page


LONG_AGO = date(2024, 1, 1)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "A promised payment is for persons only"),
        ("ru", "Обещанный платёж — только для физических лиц"),
        ("hi", "वादा किया गया भुगतान केवल व्यक्तियों के लिए है"),
    ],
)
def test_the_page_tells_an_organisation_why(strict_cabinet, lang, words):
    page = strict_cabinet(lang, LONG_AGO, kind="organisation", organisation="ООО «Пекарня»")
    assert 'data-reason="organisation"' in page and words in page
    assert 'action="/promised-payment"' not in page


def test_the_page_tells_a_new_subscriber_from_when(strict_cabinet):
    today = datetime.now(UTC).date()
    page = strict_cabinet("en", today)
    assert 'data-reason="new_contract"' in page
    assert "not possible in the first 30 days after the contract is signed" in page
    assert "It will be possible from " in page
    assert 'action="/promised-payment"' not in page
    russian = strict_cabinet("ru", today - timedelta(days=1))
    assert "невозможен в первые 30 дней после заключения договора" in russian


def test_an_old_contract_of_a_person_may_take_one(strict_cabinet):
    page = strict_cabinet("en", LONG_AGO)
    assert 'action="/promised-payment"' in page and "data-reason" not in page
