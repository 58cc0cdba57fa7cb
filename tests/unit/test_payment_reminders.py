"""The daily run's notices: reminders once per occasion, suspension and resumption,
the promised payment due tomorrow; a credited payment gives the holder one message."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.billing import promised
from app.billing.charging import run_tenant
from app.billing.reminders import notice_for
from app.core.ledger import EntryKind, credit
from app.core.signals import daily_run
from app.core.subscribers import Subscriber
from app.extensions import db
from app.notify import preferences
from app.notify.models import NoticeSent, QueuedMessage
from app.payments import autopay
from app.payments.models import Payment, PaymentStatus
from app.payments.receipts import send_receipt
from app.tenancy.notify_schema import Reminders

PHONE = "+79131234501"
DAY = 60000 // 31  # acme's «basic», a day of March


@pytest.fixture(autouse=True)
def _without_autopay(app):
    daily_run.disconnect(autopay._on_daily_run)
    yield
    autopay.subscribe()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def acme(app, slug: str = "acme"):
    return app.extensions["tenancy"].tenants[slug]


def texts(recipient: str) -> list[str]:
    rows = db.session.scalars(
        sa.select(QueuedMessage.body)
        .where(QueuedMessage.recipient == recipient)
        .order_by(QueuedMessage.id)
    )
    return list(rows)


def test_which_reminder_the_days_left_call_for():
    rule = Reminders(days_left=3, suspension_days=1)
    assert [notice_for(rule, days) for days in (5, 4, 3, 1, 0)] == [
        None,
        None,
        "low_balance",
        "low_balance",
        "suspension_soon",
    ]
    assert notice_for(Reminders(days_left=3, suspension_days=2), 1) == "suspension_soon"


def test_the_money_runs_out_reminder_goes_once_across_runs_and_reruns(app, ctx, make_subscriber):
    # After the 10 March charge 40.65 ₽ are left: two more days of 19.35 ₽.
    facts = make_subscriber(balance=6000, phone=PHONE, region="north")
    tenant = acme(app)
    for _ in range(2):  # the run, and a rerun the same day
        run_tenant(tenant, date(2025, 3, 10))
    (reminder,) = texts(PHONE)
    assert f"Денег на лицевом счёте {facts['account']} хватит ещё на 2 дня." in reminder
    # The next day the money lasts one day: the same run-out date, nothing new.
    run_tenant(tenant, date(2025, 3, 11))
    assert len(texts(PHONE)) == 1
    # The last paid day: «access will be suspended on 13 March», once.
    run_tenant(tenant, date(2025, 3, 12))
    run_tenant(tenant, date(2025, 3, 12))
    assert len(texts(PHONE)) == 2
    assert "будет приостановлен 13 марта 2025" in texts(PHONE)[1]
    sent = db.session.scalars(sa.select(NoticeSent.notice).order_by(NoticeSent.id)).all()
    assert sent == ["low_balance", "suspension_soon"]


def test_a_top_up_that_moves_the_run_out_date_reminds_afresh(app, ctx, make_subscriber):
    facts = make_subscriber(balance=6000, phone=PHONE, region="north")
    tenant = acme(app)
    run_tenant(tenant, date(2025, 3, 10))
    credit(tenant, facts["account_id"], 2 * DAY, EntryKind.PAYMENT, "bank:topup")
    db.session.commit()
    run_tenant(tenant, date(2025, 3, 11))
    assert len(texts(PHONE)) == 2  # three days again, to a later date


def test_no_reminder_with_money_for_longer_or_without_a_contact(app, ctx, make_subscriber):
    make_subscriber(balance=100000, phone=PHONE)
    silent = make_subscriber(balance=6000)
    report = run_tenant(acme(app), date(2025, 3, 10))
    assert texts(PHONE) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NoticeSent)) == 0
    assert "reminders 0" in " ".join(report.jobs)
    assert silent


def test_the_subscribers_channel_carries_the_reminder(app, ctx, make_subscriber):
    facts = make_subscriber(balance=6000, phone=PHONE, email="r@example.ru")
    tenant = acme(app)
    person = db.session.get(Subscriber, facts["id"])
    preferences.choose(tenant, person, "low_balance", "email")
    db.session.commit()
    run_tenant(tenant, date(2025, 3, 10))
    assert texts(PHONE) == []
    (mail,) = texts("r@example.ru")
    assert facts["account"] in mail


def test_suspension_and_resumption_are_told(app, ctx, make_subscriber):
    facts = make_subscriber(balance=1000, phone=PHONE)  # less than a day's fee
    tenant = acme(app)
    report = run_tenant(tenant, date(2025, 3, 10))
    assert report.suspended == 1
    (suspended,) = texts(PHONE)
    assert f"Доступ по лицевому счёту {facts['account']} приостановлен" in suspended
    run_tenant(tenant, date(2025, 3, 11))  # still blocked: nothing more
    assert len(texts(PHONE)) == 1
    # Money in other than a payment (whose own notice says access is back): «restored».
    credit(tenant, facts["account_id"], 50000, EntryKind.CORRECTION, "staff:resume")
    db.session.commit()
    assert len(texts(PHONE)) == 2
    assert f"Доступ по лицевому счёту {facts['account']} восстановлен." in texts(PHONE)[1]


def test_the_promised_payment_due_tomorrow_is_told_once(app, ctx, make_subscriber):
    facts = make_subscriber(
        tenant="athome", balance=-90000, status="blocked", logins={"login": "r1"}, phone=PHONE
    )
    athome = acme(app, "athome")
    promise = promised.take(athome, facts["account_id"], now=datetime(2025, 3, 10, 9, tzinfo=UTC))
    db.session.commit()
    due = promised.due_on(athome, promise)
    before = len(texts(PHONE))
    for day in range(10, due.day - 1):
        run_tenant(athome, date(2025, 3, day))
    assert [t for t in texts(PHONE)[before:] if "45" in t] == []
    run_tenant(athome, date(2025, 3, due.day - 1))
    run_tenant(athome, date(2025, 3, due.day - 1))
    told = db.session.scalars(
        sa.select(NoticeSent.key).where(NoticeSent.notice == "promised_due")
    ).all()
    assert told == [str(promise.id)]


def _payment(facts, amount: int, email: str | None, payer: int | None) -> int:
    payment = Payment(
        tenant="acme",
        reference=f"P{facts['id']}X{amount}",
        account_id=facts["account_id"],
        payer_subscriber_id=payer,
        method="card",
        amount=amount,
        status=PaymentStatus.SUCCEEDED,
        provider="sandbox",
        payer_email=email,
        completed_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
    )
    db.session.add(payment)
    db.session.commit()
    return payment.id


def _all_queued() -> list[tuple[str, str]]:
    rows = db.session.execute(sa.select(QueuedMessage.channel, QueuedMessage.recipient))
    return sorted(tuple(row) for row in rows)


def test_a_payment_the_holder_made_gives_them_one_message(app, ctx, make_subscriber):
    facts = make_subscriber(email="own@example.ru", phone=PHONE)
    tenant = acme(app)
    preferences.choose(tenant, db.session.get(Subscriber, facts["id"]), "payment_credited", "sms")
    assert send_receipt(tenant, _payment(facts, 50000, "OWN@example.ru", facts["id"]))
    # The receipt they asked for is the notice: no SMS besides.
    assert _all_queued() == [("email", "OWN@example.ru")]


def test_without_a_payers_address_the_holder_gets_the_receipt_as_the_notice(
    app, ctx, make_subscriber
):
    facts = make_subscriber(email="holder@example.ru", phone=PHONE)
    assert send_receipt(acme(app), _payment(facts, 50000, None, None))
    assert _all_queued() == [("email", "holder@example.ru")]
    (subject,) = db.session.scalars(sa.select(QueuedMessage.subject)).all()
    assert subject.startswith("Квитанция об оплате")


def test_someone_elses_payment_gives_the_payer_a_receipt_and_the_holder_a_notice(
    app, ctx, make_subscriber
):
    facts = make_subscriber(email="holder@example.ru", phone=PHONE)
    tenant = acme(app)
    preferences.choose(tenant, db.session.get(Subscriber, facts["id"]), "payment_credited", "sms")
    db.session.commit()
    assert send_receipt(tenant, _payment(facts, 70000, "payer@example.ru", None))
    assert _all_queued() == [("email", "payer@example.ru"), ("sms", PHONE)]
    (sms,) = texts(PHONE)
    assert facts["account"] in sms and "700" in sms
