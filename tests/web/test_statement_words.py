"""The statement, its CSV and the receipts say what each entry was, in the page's language.

Entries here are made the way the portal makes them: the daily run, the provider's signed
notification, the promised payment, demo seeding; none is written by hand with a reference
that only a test would use.
"""

import dataclasses
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from app.billing import promised
from app.billing.charging import run_tenant
from app.core.ledger import EntryKind, LedgerEntry, post_entry
from app.core.subscribers import Account, ServicePoint
from app.core.tariffs import switch_tariff
from app.demo.service import read_demo, seed_tenant
from app.extensions import db
from app.payments import service as payments
from app.payments.models import Payment
from app.sandbox import bank
from app.statements.words import describe_one
from tests.web.test_payments_autopay import run as run_autopay
from tests.web.test_payments_autopay import save_card
from tests.web.test_statements import PASSWORD, pdf_text, text_of

TOMSK = ZoneInfo("Asia/Tomsk")
NOTIFY = "/payments/notify/sandbox"


def visible(html: str) -> str:
    """What a person reads on the page: the text, without tags and their attributes."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).replace("\xa0", " ")


def rows(response) -> list[tuple[str, str]]:
    """(operation, description) of each statement row, newest first."""
    html = response.get_data(as_text=True)
    found = re.findall(
        r'data-testid="entry-kind">([^<]*)</td>.*?data-testid="entry-description">([^<]*)',
        html,
        re.S,
    )
    return [(kind, description.strip()) for kind, description in found]


def tenant_of(app, slug: str):
    return app.extensions["tenancy"].tenants[slug]


def notify(app, client, reference: str, amount: int, card: dict | None) -> None:
    """The sandbox bank's signed notification that the payment succeeded."""
    raw = json.dumps(
        {
            "payment_id": f"sbx_pay_{reference}",
            "reference": reference,
            "amount": amount,
            "currency": "RUB",
            "status": "succeeded",
            "failure_reason": None,
            "card": card,
        }
    ).encode()
    with app.app_context():
        headers = {bank.SIGNATURE_HEADER: bank.sign("tomtel", raw)}
    assert client.post(NOTIFY, data=raw, headers=headers).status_code == 200


def pay_online(app, client, account_id: int, method: str, amount: int, card=None) -> str:
    with app.app_context():
        tomtel = tenant_of(app, "tomtel")
        chosen = payments.method_by_code(tomtel, method)
        pick = chosen.choices[0].code if chosen.choices else None  # the wallet the payer picked
        new = payments.NewPayment(account_id, chosen, amount, method_choice=pick)
        reference = payments.create_payment(tomtel, new).reference
        db.session.commit()
    notify(app, client, reference, amount, card)
    return reference


@pytest.fixture
def history(app, make_subscriber, tenant_client):
    """A tomtel subscriber on «Оптимум 300» whose last days hold one of each kind of entry."""
    facts = make_subscriber(
        tenant="tomtel",
        password=PASSWORD,
        surname="Иванов",
        first_name="Иван",
        tariffs=("optimum-300",),
        logins={"account": "555000222"},
    )
    client = tenant_client("tomtel.localhost")
    account = facts["account_id"]
    today = datetime.now(TOMSK).date()
    charged_on = today - timedelta(days=3)
    with app.app_context():
        tomtel = tenant_of(app, "tomtel")
        # The daily run, «charge:<account>:<day>», three hours ago for a day three days back.
        run_tenant(tomtel, day=charged_on, now=datetime.now(UTC) - timedelta(hours=3))
        taken = promised.take(tomtel, account)  # on the debt the charge made
        promised.repay(tomtel, taken, datetime.now(UTC))
        facts["promise_due"] = promised.due_on(tomtel, taken)
        facts["promise_taken"] = taken.taken_at.astimezone(TOMSK).date()
        # Entries an operator makes, with no words of their own.
        post_entry("tomtel", account, -1500, EntryKind.CORRECTION, "ops:1")
        post_entry("tomtel", account, 2500, EntryKind.TRANSFER, "ops:2")
        post_entry("tomtel", account, -700, EntryKind.REFUND, "ops:3")
        db.session.commit()
    card = {"token": "sbx_tok_x", "last4": "4242", "brand": "Visa"}
    facts["card_payment"] = pay_online(app, client, account, "card", 70000, card)
    facts["wallet_payment"] = pay_online(app, client, account, "wallet", 30000)
    facts["charged_on"] = charged_on
    client.login("555000222", PASSWORD)
    facts["client"] = client
    return facts


# What each language's page says, newest first; {…} are the ISP's and the calendar's words.
# Томтел calls its promised payment «Доверительный платёж» (tenant.yaml `names:`).
EXPECTED = {
    "ru": [
        ("Платёж", "Электронные кошельки: ЮMoney (Яндекс.Деньги)"),
        ("Платёж", "Банковская карта •••• 4242"),
        ("Возврат", "Деньги возвращены плательщику"),
        ("Перенос средств", "Платёж перенесён сюда с другого счёта"),
        ("Корректировка", "Баланс исправлен оператором"),
        ("Доверительный платёж: погашение", "Доверительный платёж от {taken}"),
        ("Списание", "Плата за «Доверительный платёж» от {taken}"),
        ("Доверительный платёж", "Автоматическое погашение {due}"),
        ("Списание", "Оптимум 300, плата за {charged}"),
    ],
    "en": [
        ("Payment", "E-wallets: YooMoney (Yandex.Money)"),
        ("Payment", "Bank card •••• 4242"),
        ("Refund", "Money returned to the payer"),
        ("Transfer", "A payment moved here from another account"),
        ("Correction", "Balance corrected by the provider"),
        ("Trust payment repaid", "Trust payment taken on {taken}"),
        ("Charge", "Fee for Trust payment taken on {taken}"),
        ("Trust payment", "Repaid automatically on {due}"),
        ("Charge", "Optimum 300, the fee for {charged}"),
    ],
    "hi": [
        ("भुगतान", "ई-वॉलेट: YooMoney (Yandex.Money)"),
        ("भुगतान", "बैंक कार्ड •••• 4242"),
        ("रिफ़ंड", "पैसे भुगतानकर्ता को लौटाए गए"),
        ("राशि ट्रांसफ़र", "एक भुगतान दूसरे खाते से यहाँ लाया गया"),
        ("सुधार", "प्रदाता ने बैलेंस ठीक किया"),
        ("विश्वास भुगतान चुकाया गया", "{taken} को लिया गया विश्वास भुगतान"),
        ("शुल्क कटौती", "{taken} को लिए गए विश्वास भुगतान का शुल्क"),
        ("विश्वास भुगतान", "अपने-आप चुकौती की तारीख: {due}"),
        ("शुल्क कटौती", "ऑप्टिमम 300, {charged} का शुल्क"),
    ],
}


def expected(history, lang: str) -> list[tuple[str, str]]:
    days = {
        "taken": format_date(history["promise_taken"], "long", locale=lang),
        "due": format_date(history["promise_due"], "long", locale=lang),
        "charged": format_date(history["charged_on"], "long", locale=lang),
    }
    return [(kind, words.format(**days)) for kind, words in EXPECTED[lang]]


def ledger_references(app, account_id: int) -> list[str]:
    with app.app_context():
        query = sa.select(LedgerEntry.reference).where(LedgerEntry.account_id == account_id)
        return list(db.session.scalars(query))


@pytest.mark.parametrize("lang", ["ru", "en", "hi"])
def test_the_statement_says_what_each_entry_was(app, history, lang):
    client = history["client"]
    client.set_cookie("lang", lang, domain="tomtel.localhost")
    response = client.get("/statement")
    assert response.status_code == 200
    assert rows(response) == expected(history, lang)
    page = visible(response.get_data(as_text=True))
    for reference in ledger_references(app, history["account_id"]):
        assert reference not in page


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_csv_says_the_same_as_the_page(app, history, lang):
    client = history["client"]
    client.set_cookie("lang", lang, domain="tomtel.localhost")
    raw = client.get(f"/statement/export.csv?account={history['account']}").get_data()
    lines = [line.split(";") for line in raw.decode("utf-8-sig").split("\r\n")[1:] if line]
    assert [(kind, words) for _, kind, words, _, _ in lines] == expected(history, lang)
    # The only reference left is the one a person can quote: the online payment's number.
    assert [ref for *_, ref in lines] == [
        history["wallet_payment"],
        history["card_payment"],
        *[""] * 7,
    ]
    text = raw.decode("utf-8-sig")
    for reference in ledger_references(app, history["account_id"]):
        assert reference not in text


def receipt_of(app, reference: str) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(LedgerEntry.id).where(LedgerEntry.reference == f"payment:{reference}")
        )


def test_the_receipt_names_the_method_and_the_masked_card(app, history, tmp_path):
    client = history["client"]
    client.set_cookie("lang", "ru", domain="tomtel.localhost")
    entry_id = receipt_of(app, history["card_payment"])
    page = text_of(client.get(f"/statement/receipt/{entry_id}"))
    assert 'data-testid="receipt-operation">Платёж — Банковская карта •••• 4242<' in page
    assert f'data-testid="receipt-reference">{history["card_payment"]}<' in page
    assert "payment:" not in page and "— payment" not in page
    client.set_cookie("lang", "hi", domain="tomtel.localhost")
    pdf = pdf_text(client.get(f"/statement/receipt/{entry_id}.pdf").get_data(), tmp_path)
    # (pdftotext splits some Devanagari clusters, so the method's name is not compared.)
    assert "भुगतान — बैंक" in pdf and "•••• 4242" in pdf and history["card_payment"] in pdf
    assert "payment:" not in pdf


def test_a_notification_naming_no_real_card_leaves_the_card_out(app, history):
    client = history["client"]
    bogus = {"token": "sbx_tok_y", "last4": "42424242", "brand": "Visa"}
    reference = pay_online(app, client, history["account_id"], "card", 10000, bogus)
    client.set_cookie("lang", "en", domain="tomtel.localhost")
    assert rows(client.get("/statement"))[0] == ("Payment", "Bank card")
    with app.app_context():
        stored = db.session.scalar(sa.select(Payment).where(Payment.reference == reference))
        assert stored.card_last4 is None


def test_card_and_autopay_payments_through_the_sandbox_bank(app, make_subscriber, tenant_client):
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})
    client = tenant_client("athome.localhost")
    client.set_cookie("lang", "en", domain="athome.localhost")
    client.login("petrov", PASSWORD)
    save_card(client)  # 500 ₽ by card 4111 1111 1111 1111, kept for autopay
    client.form("/payments/autopay", {"kind": "monthly", "day": "5"})
    assert run_autopay(app, date(2026, 3, 5)) == 1
    assert rows(client.get("/statement"))[:2] == [
        ("Payment", "Autopay •••• 1111"),
        ("Payment", "Bank card •••• 1111"),
    ]


@pytest.fixture
def demo(app, tenant_client):
    """Tomtel's demo subscribers, seeded as `flask demo seed` does."""
    with app.app_context():
        tomtel = tenant_of(app, "tomtel")
        seed_tenant(tomtel, read_demo(tomtel), datetime.now(TOMSK).date(), "test")
        db.session.commit()
    client = tenant_client("tomtel.localhost")
    client.login("12345", "demo")
    return client


RAW_WORDS = {"charge", "payment", "opening", "correction"}


def test_demo_history_reads_like_a_real_one(app, demo):
    demo.set_cookie("lang", "ru", domain="tomtel.localhost")
    response = demo.get("/statement?date_from=2000-01-01")
    page = visible(response.get_data(as_text=True))
    assert "demo:" not in page
    assert rows(response) and not RAW_WORDS & {w for row in rows(response) for w in row}
    raw = demo.get("/statement/export.csv?date_from=2000-01-01").get_data().decode("utf-8-sig")
    seen = [tuple(line.split(";")[1:3]) for line in raw.split("\r\n")[1:] if line]
    assert len(seen) > 100 and "demo:" not in raw
    assert not RAW_WORDS & {w for row in seen for w in row}
    assert seen[-1][1] == "Начальный остаток"  # the balance the history starts from
    charges = [words for kind, words in seen if kind == "Списание"]
    payments_seen = [words for kind, words in seen if kind == "Платёж"]
    assert charges and all(w.startswith("Оптимум 300, плата за ") for w in charges)
    # A charge is made at 03:00 local time for that very day.
    newest_day = datetime.now(TOMSK).date() - timedelta(days=1)
    assert charges[0] == f"Оптимум 300, плата за {format_date(newest_day, 'long', locale='ru')}"
    assert set(payments_seen[:-1]) == {"Поступление на счёт"}


def test_a_demo_receipt_has_no_machine_words(app, demo):
    with app.app_context():
        entry_id = db.session.scalar(
            sa.select(LedgerEntry.id)
            .join(Account, Account.id == LedgerEntry.account_id)
            .where(Account.tenant == "tomtel", Account.number == "12345")
            .where(LedgerEntry.kind == EntryKind.PAYMENT, LedgerEntry.description == "payment")
            .order_by(LedgerEntry.id.desc())
        )
    demo.set_cookie("lang", "ru", domain="tomtel.localhost")
    response = demo.get(f"/statement/receipt/{entry_id}")
    assert response.status_code == 200
    page = text_of(response)
    assert 'data-testid="receipt-operation">Платёж — Поступление на счёт<' in page
    assert "demo:" not in page and "— payment" not in page and "receipt-reference" not in page


def _daily_words(tenant, account_id: int, day: date, zone: str = "Asia/Krasnoyarsk") -> str:
    entry = db.session.scalar(
        sa.select(LedgerEntry).where(LedgerEntry.reference == f"charge:{account_id}:{day}")
    )
    return describe_one(tenant, entry, "en", zone).description


def test_a_charge_names_the_tariff_of_its_day_at_a_regions_own_price(app, make_subscriber):
    acme = tenant_of(app, "acme")
    regions = tuple(
        r.model_copy(update={"prices": {"basic": 45000}}) if r.code == "south" else r
        for r in acme.config.regions
    )
    priced = dataclasses.replace(acme, config=acme.config.model_copy(update={"regions": regions}))
    facts = make_subscriber(tenant="acme", balance=100_000, region="south")
    with app.app_context():
        run_tenant(priced, date(2026, 3, 5), now=datetime(2026, 3, 5, 3, tzinfo=UTC))
        # Charged at the region's 450 roubles, not the tenant's 600: still named.
        assert _daily_words(priced, facts["account_id"], date(2026, 3, 5)) == (
            "Basic, the fee for March 5, 2026"
        )


def test_a_charge_names_each_points_tariff_and_address_and_the_tariff_of_that_day(
    app, make_subscriber
):
    facts = make_subscriber(tenant="tomtel", tariffs=("optimum-300", "start-100"))
    tomtel = tenant_of(app, "tomtel")
    account = facts["account_id"]
    march_5, march_12 = date(2026, 3, 5), date(2026, 3, 12)
    with app.app_context():
        points = db.session.scalars(
            sa.select(ServicePoint)
            .where(ServicePoint.account_id == account)
            .order_by(ServicePoint.id)
        ).all()
        points[1].address = "пр. Ленина, 2"
        points[1].active_since = date(2026, 3, 10)  # «Старт 100» connected after the 5th
        for day in (march_5, march_12):
            post_entry(
                "tomtel",
                account,
                -1000,
                EntryKind.CHARGE,
                f"charge:{account}:{day}",
                at=datetime.combine(day, time(3), TOMSK),
            )
        # The first point moved to «Старт 100» from the 10th: the 5th keeps «Оптимум 300».
        switch_tariff(tomtel, points[0], "start-100", date(2026, 3, 10))
        first = points[0].address
        assert _daily_words(tomtel, account, march_5, "Asia/Tomsk") == (
            f"Optimum 300 ({first}), the fee for March 5, 2026"
        )
        assert _daily_words(tomtel, account, march_12, "Asia/Tomsk") == (
            f"Start 100 ({first}), Start 100 (пр. Ленина, 2), the fee for March 12, 2026"
        )
        db.session.rollback()
