"""One payment, one message: a card payment that lifts a suspension says so in the payment's
own notice, a promised payment that restores access tells it once, a suspension is told."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.billing import promised
from app.billing.charging import run_tenant
from app.core.subscribers import Account, Subscriber
from app.extensions import db
from app.notify import preferences
from app.notify.models import QueuedMessage
from app.notify.queue import deliver
from app.notify.service import sms_outbox
from app.payments.models import Payment, PaymentStatus
from app.payments.receipts import send_receipt
from tests.conftest import wait_for_sent_messages
from tests.web.test_payments_support import pay_with_card

PASSWORD = "Sunny-Garden-77"
PHONE = "+79131234577"
EMAIL = "holder@example.ru"


def queued(app) -> list[tuple[str, str, str]]:
    """Every message queued, once sent: channel, recipient and, for a text, what it said."""
    wait_for_sent_messages(app)
    with app.app_context():
        rows = db.session.execute(
            sa.select(QueuedMessage.channel, QueuedMessage.recipient, QueuedMessage.body).order_by(
                QueuedMessage.id
            )
        ).all()
        # A sent message is blanked in the queue: the SMS outbox keeps what it said.
        said = {m.phone: m.text for m in reversed(sms_outbox())}
        return [(channel, to, body or said.get(to, "")) for channel, to, body in rows]


def tenant(app, slug: str = "athome"):
    return app.extensions["tenancy"].tenants[slug]


@pytest.fixture
def holder(make_subscriber):
    """An At Home holder with a phone and an e-mail, blocked for a debt of 100 ₽."""
    return make_subscriber(
        tenant="athome",
        password=PASSWORD,
        logins={"login": "holder"},
        balance=-10000,
        status="blocked",
        phone=PHONE,
        email=EMAIL,
    )


def pay(tenant_client, amount: str, **extra) -> None:
    client = tenant_client("athome.localhost")
    client.login("holder", PASSWORD)
    data = {"method": "card", "amount": amount, **extra}
    pay_with_card(client, client.form("/payments", data).headers["Location"])


def choose(app, facts: dict, event: str, channel: str) -> None:
    with app.app_context():
        preferences.choose(tenant(app), db.session.get(Subscriber, facts["id"]), event, channel)
        # Whatever the hour the tests run at, nothing waits for the morning.
        preferences.set_quiet_hours(tenant(app), facts["id"], None)
        db.session.commit()


def test_a_card_payment_that_lifts_a_suspension_is_one_sms_saying_both(app, holder, tenant_client):
    choose(app, holder, "payment_credited", "sms")
    pay(tenant_client, "500")
    with app.app_context():
        assert db.session.get(Account, holder["account_id"]).status == "active"
    ((channel, to, text),) = queued(app)
    assert (channel, to) == ("sms", PHONE)
    assert f"Платёж 500,00\xa0₽ зачислен на лицевой счёт {holder['account']}." in text
    assert "Доступ восстановлен." in text


def test_by_e_mail_the_receipt_is_the_one_message_and_says_access_is_back(
    app, holder, tenant_client, mailbox
):
    choose(app, holder, "payment_credited", "email")
    pay(tenant_client, "500")
    ((channel, to, _),) = queued(app)
    assert (channel, to) == ("email", EMAIL)
    (message,) = mailbox.to(EMAIL)
    assert message["Subject"].startswith("Квитанция об оплате")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Платёж получен. Спасибо!" in text and "Доступ восстановлен." in text


def test_someone_elses_receipt_does_not_tell_the_holders_access(app, holder, mailbox):
    choose(app, holder, "payment_credited", "sms")
    with app.app_context():
        payment = Payment(
            tenant="athome",
            reference="FRIEND500",
            account_id=holder["account_id"],
            method="card",
            amount=50000,
            status=PaymentStatus.SUCCEEDED,
            provider="sandbox",
            payer_email="friend@example.ru",
            completed_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
        )
        db.session.add(payment)
        db.session.commit()
        assert send_receipt(tenant(app), payment.id, restored=True)
        db.session.commit()
        assert deliver() == 2  # as the deliverer does after a bank's notification
    told = sorted(queued(app))
    assert [(channel, to) for channel, to, _ in told] == [
        ("email", "friend@example.ru"),
        ("sms", PHONE),
    ]
    assert "Доступ восстановлен." in told[1][2]
    assert "Доступ" not in mailbox.last_text("friend@example.ru")


def test_without_payment_notices_access_back_is_still_told_once(app, holder, tenant_client):
    choose(app, holder, "payment_credited", "none")
    pay(tenant_client, "500")
    ((channel, to, text),) = queued(app)
    assert (channel, to) == ("sms", PHONE)  # the suspension's channel
    assert f"Доступ по лицевому счёту {holder['account']} восстановлен." in text


def test_a_payment_still_short_of_the_debt_is_the_ordinary_notice(app, holder, tenant_client):
    choose(app, holder, "payment_credited", "sms")
    pay(tenant_client, "50")
    with app.app_context():
        assert db.session.get(Account, holder["account_id"]).status == "blocked"
    ((_, _, text),) = queued(app)
    assert "зачислен" in text and "Доступ" not in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Payment of ₽500.00 credited to account {account}. Access is restored."),
        ("hi", "₽500.00 का भुगतान खाता {account} में जमा हो गया है। सेवा फिर से शुरू हो गई है।"),
    ],
)
def test_the_one_message_in_every_language(app, holder, tenant_client, lang, words):
    choose(app, holder, "payment_credited", "sms")
    with app.app_context():
        db.session.get(Subscriber, holder["id"]).locale = lang
        db.session.commit()
    pay(tenant_client, "500")
    ((_, _, text),) = queued(app)
    assert words.format(account=holder["account"]) in text


def test_a_payment_to_an_active_account_is_the_credited_message_only(
    app, make_subscriber, tenant_client
):
    facts = make_subscriber(
        tenant="athome", password=PASSWORD, logins={"login": "holder"}, balance=10000, phone=PHONE
    )
    choose(app, facts, "payment_credited", "sms")
    pay(tenant_client, "500")
    ((channel, _, text),) = queued(app)
    assert channel == "sms"
    assert f"зачислен на лицевой счёт {facts['account']}." in text
    assert "Доступ" not in text


def test_a_promised_payment_that_restores_access_is_one_message(app, holder):
    choose(app, holder, "suspension", "sms")
    with app.app_context():
        promised.take(tenant(app), holder["account_id"], now=datetime(2025, 3, 10, 9, tzinfo=UTC))
        db.session.commit()
        assert db.session.get(Account, holder["account_id"]).status == "active"
        deliver()
    ((channel, to, text),) = queued(app)
    assert (channel, to) == ("sms", PHONE)
    assert f"Доступ по лицевому счёту {holder['account']} восстановлен." in text


def test_a_suspension_by_the_daily_charge_is_one_suspended(app, make_subscriber):
    facts = make_subscriber(tenant="athome", balance=100, phone=PHONE)  # less than a day
    choose(app, facts, "suspension", "sms")
    with app.app_context():
        report = run_tenant(tenant(app), date(2025, 3, 10))
        assert report.suspended == 1
        deliver()
    ((channel, _, text),) = queued(app)
    assert channel == "sms"
    assert f"Доступ по лицевому счёту {facts['account']} приостановлен" in text
