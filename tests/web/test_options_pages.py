"""«My services» as a subscriber uses it: the price before confirming, the refusal naming
its rule, the statement's words, staff review with its notice, another ISP's ids."""

import re

import sqlalchemy as sa

from app.core.ledger import LedgerEntry
from app.core.subscribers import Account, AccountStatus
from app.extensions import db
from app.options.models import Activation, Status

from .options_steps import ask, cabinet, switch_on

ACTIVATION = re.compile(r'data-activation="(\d+)"')


def stored(app, model, key):
    with app.app_context():
        row = db.session.get(model, key)
        db.session.expunge(row)
        return row


def activations(app) -> list[Activation]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Activation).order_by(Activation.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_the_boost_shows_its_price_and_changes_nothing_until_confirmed(
    app, make_subscriber, tenant_client
):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome", balance=50_000, lang="ru")
    page = ask(browser, "turbo", facts["account"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Подтвердите: Турбокнопка" in html or "Турбокнопка" in html
    assert re.search(r'data-testid="price">30,00\s?₽', html), html[html.find("price") :][:200]
    assert activations(app) == []
    assert stored(app, Account, facts["account_id"]).balance == 50_000
    _, done = switch_on(browser, "turbo", facts["account"])
    assert done.status_code == 302
    assert stored(app, Account, facts["account_id"]).balance == 47_000
    listing = browser.get("/my-services").get_data(as_text=True)
    assert 'class="card option option-active" data-option="turbo"' in listing
    assert 'class="card option option-inactive" data-option="otpusk"' in listing
    assert "100 Мбит/с" in listing or "100 Mbit/s" in listing
    statement = browser.get("/statement").get_data(as_text=True)
    assert re.search(r'entry-description">Турбокнопка<', statement)


def test_a_refusal_names_the_rule(app, make_subscriber, tenant_client):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome", balance=1_000)
    page = ask(browser, "turbo", facts["account"])
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "The balance is too low: it costs" in html and "Please top up first." in html
    # The way to the money, for the account that is short of it.
    assert (
        f'data-testid="top-up"><a class="button" href="/payments?account={facts["account"]}"'
        in html
    )
    page = ask(browser, "otpusk", facts["account"], days="92")
    assert page.status_code == 409
    assert "Too long: a pause lasts at most 91 days." in page.get_data(as_text=True)
    assert 'data-testid="top-up"' not in page.get_data(as_text=True)
    assert activations(app) == []


def test_ten_days_of_holiday_pause_the_account_and_resume_early(
    app, make_subscriber, tenant_client
):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome")
    page, done = switch_on(browser, "otpusk", facts["account"], days="10")
    assert "free of charge" in page.get_data(as_text=True)
    assert done.status_code == 302
    assert stored(app, Account, facts["account_id"]).status == AccountStatus.PAUSED
    (row,) = activations(app)
    assert (row.status, row.params["days"]) == (Status.ACTIVE, 10)
    assert (
        browser.form(f"/my-services/activations/{row.id}/stop", {}, page="/my-services").status_code
        == 302
    )
    assert stored(app, Account, facts["account_id"]).status == AccountStatus.ACTIVE
    history = browser.get("/my-services/history").get_data(as_text=True)
    assert "Holiday" in history and "Ended" in history


def test_a_voluntary_block_waits_for_staff_and_the_cabinet_tells_the_decision(
    app, make_subscriber, tenant_client
):
    browser, facts = cabinet(make_subscriber, tenant_client, "netbynet")
    _, done = switch_on(browser, "voluntary-block", facts["account"], days="30")
    assert done.status_code == 302
    (row,) = activations(app)
    assert row.status == Status.REQUESTED
    assert stored(app, Account, facts["account_id"]).status == AccountStatus.ACTIVE
    assert "Waiting for review" in browser.get("/my-services").get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["options", "review", str(row.id), "--approve"])
    assert result.exit_code == 0, result.output
    assert "is now active" in result.output
    assert stored(app, Account, facts["account_id"]).status == AccountStatus.PAUSED
    page = browser.get("/my-services").get_data(as_text=True)
    assert "Your request «Voluntary block» was approved." in page
    again = app.test_cli_runner().invoke(args=["options", "review", str(row.id), "--approve"])
    assert again.exit_code == 1


def test_a_refused_request_shows_staff_reason(app, make_subscriber, tenant_client):
    browser, facts = cabinet(make_subscriber, tenant_client, "iphome")
    # «Вызов мастера» is a help visit now; equipment is IP-Home's other order.
    _, done = switch_on(browser, "equipment", facts["account"], comment="No link since Monday")
    assert done.status_code == 302
    (row,) = activations(app)
    assert (row.status, row.params["comment"]) == (Status.REQUESTED, "No link since Monday")
    reason = "The line was repaired remotely."
    runner = app.test_cli_runner()
    result = runner.invoke(args=["options", "review", str(row.id), "--refuse", reason])
    assert result.exit_code == 0, result.output
    page = browser.get("/my-services").get_data(as_text=True)
    assert "Your request «Order equipment» was refused." in page and reason in page
    assert runner.invoke(args=["options", "review", str(row.id)]).exit_code == 2


def test_fixed_ip_is_shown_and_changed(app, make_subscriber, tenant_client):
    browser, facts = cabinet(make_subscriber, tenant_client, "netbynet")
    page, _ = switch_on(browser, "fixed-ip", facts["account"])
    assert "198.51.100.1" in page.get_data(as_text=True)
    listing = browser.get("/my-services").get_data(as_text=True)
    assert 'data-testid="ip">198.51.100.1<' in listing
    (row,) = activations(app)
    changed = browser.form(f"/my-services/activations/{row.id}/change-ip", {}, page="/my-services")
    assert changed.status_code == 302
    listing = browser.get("/my-services").get_data(as_text=True)
    assert 'data-testid="ip">198.51.100.2<' in listing


def test_another_isps_options_and_activations_are_not_found(app, make_subscriber, tenant_client):
    owner, facts = cabinet(make_subscriber, tenant_client, "athome")
    switch_on(owner, "turbo", facts["account"])
    (row,) = activations(app)
    stranger, _ = cabinet(make_subscriber, tenant_client, "tomtel")
    assert stranger.get("/my-services/turbo").status_code == 404  # not in Tomtel's catalogue
    for path in (
        f"/my-services/activations/{row.id}/stop",
        f"/my-services/activations/{row.id}/change-ip",
    ):
        assert stranger.form(path, {}, page="/my-services").status_code == 404
    neighbour, _ = cabinet(make_subscriber, tenant_client, "athome")
    assert (
        neighbour.form(
            f"/my-services/activations/{row.id}/stop", {}, page="/my-services"
        ).status_code
        == 404
    )
    assert stored(app, Activation, row.id).status == Status.ACTIVE
    with app.app_context():
        options = sa.select(sa.func.count()).where(LedgerEntry.reference.like("option%"))
        assert db.session.scalar(options) == 1


def test_a_device_needs_a_real_mac_address(app, make_subscriber, tenant_client):
    browser, facts = cabinet(make_subscriber, tenant_client, "iphome")
    page = ask(browser, "extra-device", facts["account"], mac="not-a-mac")
    assert page.status_code == 409
    assert "MAC address: six pairs of the characters 0–9 and A–F" in page.get_data(as_text=True)
    _, done = switch_on(browser, "extra-device", facts["account"], mac="00-1a-2b-3c-4d-5e")
    assert done.status_code == 302
    assert "00:1A:2B:3C:4D:5E" in browser.get("/my-services").get_data(as_text=True)


def test_the_dashboard_says_until_when_a_pause_runs_and_resumes_it(
    app, make_subscriber, tenant_client
):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome")
    assert 'data-testid="paused"' not in browser.get("/").get_data(as_text=True)
    switch_on(browser, "otpusk", facts["account"], days="10")
    (row,) = activations(app)
    dashboard = browser.get("/").get_data(as_text=True)
    assert 'data-testid="paused"' in dashboard and "Paused until" in dashboard
    assert f'action="/my-services/activations/{row.id}/stop"' in dashboard
    resumed = browser.form(
        f"/my-services/activations/{row.id}/stop", {"next": "/"}, page="/", follow_redirects=True
    )
    assert resumed.request.path == "/"
    assert stored(app, Account, facts["account_id"]).status == AccountStatus.ACTIVE
    assert 'data-testid="paused"' not in resumed.get_data(as_text=True)


def test_the_dashboard_shows_the_boosted_speed_and_its_end(app, make_subscriber, tenant_client):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome", balance=50_000)
    assert 'data-testid="boost"' not in browser.get("/").get_data(as_text=True)
    switch_on(browser, "turbo", facts["account"])
    dashboard = browser.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="boost">Turbo: 100 Mbit/s until [^<]+\.<', dashboard), dashboard


def test_a_redirect_after_an_action_stays_on_the_site(app, make_subscriber, tenant_client):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome")
    switch_on(browser, "otpusk", facts["account"], days="10")
    (row,) = activations(app)
    done = browser.form(
        f"/my-services/activations/{row.id}/stop", {"next": "//evil.example/"}, page="/"
    )
    assert done.headers["Location"] == "/my-services"


def test_an_order_without_a_set_price_is_not_called_free(make_subscriber, tenant_client):
    browser, _ = cabinet(make_subscriber, tenant_client, "iphome")
    listed = browser.get("/my-services").get_data(as_text=True)
    equipment = listed.split('data-option="equipment"')[1].split("</li>")[0]
    assert "agreed with you when our staff call back" in equipment
    assert "free of charge" not in equipment
    catalogue = browser.get("/services/").get_data(as_text=True)
    ordered = catalogue.split('data-option="equipment"')[1].split("</li>")[0]
    assert "price agreed with you when our staff call back" in ordered
