"""The notification centre's rules: channels and defaults, contacts, quiet hours, tell()."""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify import preferences
from app.notify.models import QueuedMessage
from app.notify.quiet import send_after
from app.notify.service import tell
from app.tenancy.notify_schema import Notifications

# 16:00 UTC: 23:00 in Krasnoyarsk (UTC+7, acme's own zone), 19:00 in Moscow.
EVENING = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
NIGHT = ("22:00", "09:00")
# The same evening tomorrow: a message cannot be held until a moment already past.
TOMORROW = datetime.combine(date.today() + timedelta(days=1), time(16, 0), UTC)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def acme(app, south_zone: str | None = None):
    tenant = app.extensions["tenancy"].tenants["acme"]
    if south_zone is None:
        return tenant
    regions = tuple(
        r.model_copy(update={"timezone": south_zone}) if r.code == "south" else r
        for r in tenant.config.regions
    )
    return dataclasses.replace(tenant, config=tenant.config.model_copy(update={"regions": regions}))


def subscriber(sid: int):
    from app.core.subscribers import Subscriber

    return db.session.get(Subscriber, sid)


def queued(recipient: str) -> list[QueuedMessage]:
    return list(
        db.session.scalars(sa.select(QueuedMessage).where(QueuedMessage.recipient == recipient))
    )


def test_quiet_hours_over_midnight_in_utc_plus_7_and_in_moscow():
    held = send_after(EVENING, "Asia/Krasnoyarsk", NIGHT)
    # 09:00 the next morning in Krasnoyarsk is 02:00 UTC.
    assert held == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    assert send_after(EVENING, "Europe/Moscow", NIGHT) is None  # 19:00 there: not quiet
    # After midnight the same quiet hours end the same morning.
    assert send_after(datetime(2026, 3, 1, 20, 0, tzinfo=UTC), "Europe/Moscow", NIGHT) == (
        datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    )
    assert send_after(EVENING, "Asia/Krasnoyarsk", None) is None


def test_quiet_hours_within_one_day():
    # 13:00–15:00 Moscow; 11:30 UTC is 14:30 there.
    hours = ("13:00", "15:00")
    moment = datetime(2026, 3, 1, 11, 30, tzinfo=UTC)
    assert send_after(moment, "Europe/Moscow", hours) == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert send_after(moment.replace(hour=12), "Europe/Moscow", hours) is None  # 15:00: over


def test_defaults_come_from_the_tenant_and_a_choice_overrides_them(app, ctx, make_subscriber):
    facts = make_subscriber(email="a@example.ru", phone="+79131234567")
    tenant, person = acme(app), subscriber(facts["id"])
    choices = preferences.choices(tenant, person.id)
    assert choices["low_balance"].channel == "sms" and choices["low_balance"].default
    assert choices["payment_credited"].channel == "email"
    assert choices["region_news"].channel == "none"
    preferences.choose(tenant, person, "low_balance", "email")
    chosen = preferences.choices(tenant, person.id)["low_balance"]
    assert (chosen.channel, chosen.default) == ("email", False)
    assert preferences.channel_for(tenant, person, "low_balance") == "email"


def test_a_yaml_default_must_be_a_channel_the_isp_offers():
    with pytest.raises(ValueError, match="not among the channels"):
        Notifications.model_validate({"channels": ["email"], "defaults": {"low_balance": "sms"}})


def test_no_channel_without_its_contact(app, ctx, make_subscriber):
    facts = make_subscriber(email="only-mail@example.ru")
    tenant, person = acme(app), subscriber(facts["id"])
    assert preferences.offered(tenant, person) == ["email"]
    with pytest.raises(ValueError):
        preferences.choose(tenant, person, "suspension", "sms")
    # The ISP's default (SMS) falls back to the contact there is …
    assert preferences.channel_for(tenant, person, "suspension") == "email"
    # … but an explicit choice is kept to the letter once its contact is gone.
    preferences.choose(tenant, person, "suspension", "email")
    person.email = None
    assert preferences.channel_for(tenant, person, "suspension") == "none"
    assert preferences.choose(tenant, person, "suspension", "none") is None


def test_a_notice_waits_for_the_end_of_quiet_hours_where_the_subscriber_lives(
    app, ctx, make_subscriber
):
    tenant = acme(app, south_zone="Europe/Moscow")
    krasnoyarsk = make_subscriber(phone="+79131110001", region="north")
    moscow = make_subscriber(phone="+79131110002", region="south")
    for facts in (krasnoyarsk, moscow):
        assert tell(tenant, facts["id"], "resumed", now=TOMORROW, account="1") == "sms"
    (night,) = queued("+79131110001")
    (evening,) = queued("+79131110002")
    # 09:00 the morning after in Krasnoyarsk.
    assert night.next_attempt_at == TOMORROW + timedelta(hours=10)
    assert evening.next_attempt_at <= datetime.now(UTC)  # 19:00 in Moscow: at once
    assert "восстановлен" in night.body


def test_a_subscriber_may_drop_or_change_the_quiet_hours(app, ctx, make_subscriber):
    tenant = acme(app)
    facts = make_subscriber(phone="+79131110003", region="north")
    preferences.set_quiet_hours(tenant, facts["id"], None)
    assert preferences.quiet_hours(tenant, facts["id"]) is None
    tell(tenant, facts["id"], "resumed", now=TOMORROW, account="1")
    (message,) = queued("+79131110003")
    assert message.next_attempt_at <= datetime.now(UTC)
    preferences.set_quiet_hours(tenant, facts["id"], ("23:30", "07:00"))
    assert preferences.quiet_hours(tenant, facts["id"]) == ("23:30", "07:00")
    preferences.forget_quiet_hours(tenant, facts["id"])
    assert preferences.quiet_hours(tenant, facts["id"]) == NIGHT
    with pytest.raises(ValueError):
        preferences.set_quiet_hours(tenant, facts["id"], ("07:00", "07:00"))


def test_an_urgent_notice_and_none_chosen(app, ctx, make_subscriber):
    tenant = acme(app)
    facts = make_subscriber(phone="+79131110004", region="north")
    tell(tenant, facts["id"], "resumed", now=TOMORROW, urgent=True, account="1")
    (message,) = queued("+79131110004")
    assert message.next_attempt_at <= datetime.now(UTC)
    preferences.choose(tenant, subscriber(facts["id"]), "suspension", "none")
    assert tell(tenant, facts["id"], "suspended", account="1", balance=-100) == "none"
    assert len(queued("+79131110004")) == 1


def test_tell_speaks_the_subscribers_language_by_e_mail(app, ctx, make_subscriber):
    tenant = acme(app)
    facts = make_subscriber(email="english@example.ru", locale="en", region="north")
    preferences.set_quiet_hours(tenant, facts["id"], None)
    assert tell(tenant, facts["id"], "request_answered", number="R-7") == "email"
    (message,) = queued("english@example.ru")
    assert "Your request R-7 has been answered." in message.body
    assert message.subject.endswith("reply to your request R-7")
    assert "https://acme.localhost/" in message.body  # the tenant's own host


def test_a_notice_that_cannot_be_worded_is_logged_not_raised(app, ctx, make_subscriber, caplog):
    # It rides in a payment's or a charging batch's transaction: the money must stand.
    facts = make_subscriber(phone="+79131110005")
    assert tell(acme(app), facts["id"], "low_balance", account="1") == "none"  # no `days`
    assert queued("+79131110005") == []
    assert "notice low_balance" in caplog.text
