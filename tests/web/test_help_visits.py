"""IP-Home's «вызвать мастера»: a reason, one of the subscriber's own addresses and a free
slot of the tenant's schedule; moving and cancelling until the cut-off; the reminder the
day before, sent once."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import visit_reminders, visits
from app.help.models import HelpRequest, HelpVisit
from app.notify.models import NoticeSent, QueuedMessage
from tests.web.visit_steps import book, iphome, places_taken, point_of

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
HOST = "iphome.localhost"
ZONE = ZoneInfo("Europe/Moscow")


@pytest.fixture
def tenant(app):
    return iphome(app)


@pytest.fixture
def people(make_subscriber):
    def make(login: str, region: str = "egorievsk"):
        return make_subscriber(
            tenant="iphome",
            password=PASSWORD,
            logins={"login": login},
            region=region,
            phone="+79161234567",
            email=f"{login}@example.ru",
        )

    return make


@pytest.fixture
def owner(people):
    return people("ip-owner")


@pytest.fixture
def browser(tenant_client, owner):
    client = tenant_client(HOST)
    response = client.login("ip-owner", PASSWORD, region="egorievsk")
    assert response.status_code == 302, response.text
    return client


def region(tenant, code="egorievsk"):
    return tenant.region(code)


def first_slot(app, tenant):
    with app.app_context():
        return visits.free_slots(tenant, region(tenant))[0]


def ask(browser, app, owner, key, **data):
    fields = {"reason": "no_internet", "point": str(point_of(app, owner["id"])), "when": key}
    return browser.form("/help/visits/new", {**fields, **data})


def key_on(days: int, clock: str) -> str:
    day = datetime.now(ZONE).date() + timedelta(days=days)
    return f"{day.isoformat()}T{clock}"


def test_a_visit_is_booked_and_listed_with_the_requests(app, browser, tenant, owner):
    chosen = first_slot(app, tenant)
    response = ask(browser, app, owner, chosen.key)
    assert response.status_code == 303
    detail = browser.get(response.headers["Location"]).text
    assert f"{chosen.start:%H:%M}–{chosen.end:%H:%M}" in detail
    assert "ул. Тестовая" in detail
    listing = browser.get("/help/requests").text
    assert "Technician&#39;s visit" in listing or "Technician's visit" in listing
    assert places_taken(app, chosen.start.astimezone(UTC)) == [1]


def test_the_menu_leads_to_the_visit_form(browser):
    assert 'href="/help/visits/new"' in browser.get("/help/requests").text
    page = browser.get("/help/visits/new").text
    assert "What happened?" in page and "Time of the visit" in page


def test_the_technician_option_is_replaced_by_the_visit(tenant):
    assert "technician" not in {o.code for o in tenant.config.catalogue.options}


@pytest.mark.parametrize(
    "key",
    [key_on(-1, "11:00"), key_on(1, "08:00"), key_on(1, "10:00"), key_on(1, "19:00")],
    ids=["yesterday", "before-hours", "not-a-slot-start", "after-hours"],
)
def test_a_slot_outside_the_schedule_or_past_is_refused(app, browser, owner, key):
    response = ask(browser, app, owner, key)
    assert response.status_code == 200
    assert "Please choose one of the times offered." in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_the_schedule_keeps_working_days_and_hours(tenant):
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=ZONE)  # a Monday, before the first slot
    slots = visits.schedule(tenant, region(tenant), monday)
    assert {s.start.isoweekday() for s in slots} == {1, 2, 3, 4, 5, 6}
    assert [f"{s.start:%H:%M}" for s in slots[:5]] == ["09:00", "11:00", "13:00", "15:00", "17:00"]
    noon = datetime(2026, 12, 7, 12, 0, tzinfo=ZONE)
    assert visits.slot(tenant, region(tenant), "2026-12-07T11:00", noon) is None  # begun
    assert visits.slot(tenant, region(tenant), "2026-12-13T11:00", noon) is None  # Sunday


def test_a_full_slot_is_not_offered_and_cannot_be_taken(app, browser, tenant, owner, people):
    chosen = first_slot(app, tenant)  # Егорьевск has one place per slot
    neighbour = people("ip-neighbour")
    book(app, neighbour["id"], chosen.key)
    page = browser.get("/help/visits/new").text
    assert f'value="{chosen.key}"' not in page
    response = ask(browser, app, owner, chosen.key)
    assert "Please choose one of the times offered." in response.text
    with app.app_context():
        with pytest.raises(visits.Full):
            visits.book(tenant, owner["id"], "cable", point_of(app, owner["id"]), chosen.key)
        db.session.rollback()
    assert places_taken(app, chosen.start.astimezone(UTC)) == [1]


def test_places_are_counted_per_region(app, tenant, people):
    chosen = first_slot(app, tenant)
    in_moscow = [people(f"msk-{n}", region="msk") for n in range(3)]
    for person in in_moscow:
        book(app, person["id"], chosen.key)
    book(app, people("egor")["id"], chosen.key)  # Егорьевск's own place is still free
    with app.app_context(), pytest.raises(visits.Full):
        visits.book(
            tenant,
            (late := people("msk-late", region="msk"))["id"],
            "cable",
            point_of(app, late["id"]),
            chosen.key,
        )


def test_another_subscribers_address_is_refused(app, tenant, owner, people):
    stranger = people("ip-stranger")
    chosen = first_slot(app, tenant)
    with app.app_context(), pytest.raises(LookupError):
        visits.book(tenant, owner["id"], "cable", point_of(app, stranger["id"]), chosen.key)


def _move_slot(app, number: int, start: datetime) -> None:
    # The visit as it stands once its time comes near: the slot is what the clock meets.
    with app.app_context():
        visit = db.session.scalar(
            sa.select(HelpVisit).join(HelpRequest).where(HelpRequest.number == number)
        )
        visit.slot_start, visit.slot_end = start, start + timedelta(hours=2)
        db.session.commit()


def test_reschedule_and_cancel_before_the_cut_off(app, browser, tenant, owner):
    slots = visits.schedule(tenant, region(tenant))
    late = [s for s in slots if s.start > datetime.now(UTC) + timedelta(hours=13)]
    number = book(app, owner["id"], late[0].key)
    moved = browser.form(
        f"/help/requests/{number}/reschedule",
        {"when": late[1].key},
        page=f"/help/requests/{number}",
    )
    assert moved.status_code == 303
    assert "The visit has been moved." in browser.get(f"/help/requests/{number}").text
    assert places_taken(app, late[0].start.astimezone(UTC)) == []
    assert places_taken(app, late[1].start.astimezone(UTC)) == [1]
    cancelled = browser.form(
        f"/help/requests/{number}/cancel-visit", {}, page=f"/help/requests/{number}"
    )
    assert cancelled.status_code == 303
    assert "The visit has been cancelled." in browser.get(f"/help/requests/{number}").text
    assert places_taken(app, late[1].start.astimezone(UTC)) == []


def test_after_the_cut_off_it_can_no_longer_be_changed(app, browser, tenant, owner):
    number = book(app, owner["id"], first_slot(app, tenant).key)
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=11)  # cut-off is 12 h
    _move_slot(app, number, soon)
    page = browser.get(f"/help/requests/{number}").text
    assert "Cancel the visit" not in page and "too late to move or cancel" in page
    token_page = f"/help/requests/{number}"
    for path, data in (("cancel-visit", {}), ("reschedule", {"when": first_slot(app, tenant).key})):
        html = browser.get(token_page).text
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        browser.post(f"/help/requests/{number}/{path}", data={"csrf_token": csrf, **data})
    assert places_taken(app, soon) == [1]
    with app.app_context():
        visit = db.session.scalar(sa.select(HelpVisit))
        assert visit.cancelled_at is None and visit.slot_start == soon


def test_the_cut_off_is_the_tenants_hours_before_the_slot(app, tenant, owner):
    chosen = first_slot(app, tenant)
    number = book(app, owner["id"], chosen.key)
    start = chosen.start.astimezone(UTC)
    with app.app_context():
        visit = visits.visit_of(tenant, owner["id"], number)
        assert visits.changeable(tenant, visit, start - timedelta(hours=12, minutes=1))
        assert not visits.changeable(tenant, visit, start - timedelta(hours=12))


def test_another_subscribers_visit_is_not_found(app, tenant, owner, people, tenant_client):
    number = book(app, owner["id"], first_slot(app, tenant).key)
    people("ip-other")
    other = tenant_client(HOST)
    assert other.login("ip-other", PASSWORD, region="egorievsk").status_code == 302
    assert other.get(f"/help/requests/{number}").status_code == 404
    for path in ("cancel-visit", "reschedule", "close"):
        response = other.form(f"/help/requests/{number}/{path}", {}, page="/help/requests")
        assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(HelpVisit)).place == 1


def test_the_reminder_goes_once_the_day_before(app, tenant, owner):
    number = book(app, owner["id"], first_slot(app, tenant).key)
    today = datetime.now(ZONE).date()
    tomorrow_ten = datetime(today.year, today.month, today.day, 10, tzinfo=ZONE) + timedelta(days=1)
    _move_slot(app, number, tomorrow_ten.astimezone(UTC))
    with app.app_context():
        assert visit_reminders.remind(tenant, today - timedelta(days=1)) == "visit reminders 0"
        assert visit_reminders.remind(tenant, today) == "visit reminders 1"
        assert visit_reminders.remind(tenant, today) == "visit reminders 0"
        db.session.commit()
        [sent] = db.session.scalars(sa.select(NoticeSent)).all()
        assert sent.notice == "visit_reminder"
        texts = db.session.scalars(sa.select(QueuedMessage.body)).all()
    assert any("ул. Тестовая" in t and "10:00" in t for t in texts), texts


def test_a_cancelled_visit_is_not_reminded(app, tenant, owner):
    slots = visits.schedule(tenant, region(tenant))
    late = [s for s in slots if s.start > datetime.now(UTC) + timedelta(hours=13)]
    number = book(app, owner["id"], late[0].key)
    with app.app_context():
        visits.cancel(tenant, owner["id"], number)
        day_before = late[0].start.date() - timedelta(days=1)
        assert visit_reminders.remind(tenant, day_before) == "visit reminders 0"


def test_the_daily_run_sends_the_reminder_once(app, tenant, owner):
    number = book(app, owner["id"], first_slot(app, tenant).key)
    today = datetime.now(ZONE).date()
    _move_slot(
        app,
        number,
        datetime(today.year, today.month, today.day, 15, tzinfo=ZONE) + timedelta(days=1),
    )
    run = ["billing", "run", "--date", today.isoformat(), "--tenant", "iphome"]
    first = app.test_cli_runner().invoke(args=run)
    assert first.exit_code == 0, first.output
    assert "visit reminders 1" in first.output
    again = app.test_cli_runner().invoke(args=run)
    assert "visit reminders 0" in again.output
