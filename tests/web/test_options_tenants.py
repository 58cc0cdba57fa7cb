"""Each launch ISP's options from its YAML, on «My services» in each of its languages; the
operator's `flask options run`; the statement's words for every kind of option entry."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.options import service
from app.options.rules import Request

from .options_steps import cabinet

SLUGS = ["athome", "iphome", "netbynet", "novotelecom", "tomtel"]


@pytest.mark.parametrize("lang", ["ru", "en", "hi"])
@pytest.mark.parametrize("slug", SLUGS)
def test_every_option_has_its_page_in_every_language(
    app, make_subscriber, tenant_client, slug, lang
):
    browser, _ = cabinet(make_subscriber, tenant_client, slug, lang=lang)
    tenant = app.extensions["tenancy"].tenants[slug]
    listing = browser.get("/my-services")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    options = service.catalogue(tenant)
    assert options, f"{slug} offers options in its YAML"
    for option in options:
        name = option.name.get(lang)
        assert name in html
        page = browser.get(f"/my-services/{option.code}")
        assert page.status_code == 200 and name in page.get_data(as_text=True)
    # The season ticket and its like are offered where the YAML has one.
    prepays = [option.code for option in options if option.kind == "prepay"]
    assert prepays == {"athome": ["abonement"], "netbynet": ["prepay"]}.get(slug, [])


def test_the_runner_command_ends_what_is_due(app, make_subscriber):
    facts = make_subscriber(tenant="acme", balance=100_000)
    acme = app.extensions["tenancy"].tenants["acme"]
    with app.app_context():
        long_ago = datetime.now(UTC) - timedelta(hours=2)
        service.activate(acme, facts["account_id"], "boost", Request(), long_ago)
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["options", "run"])
    assert first.exit_code == 0 and "0 option(s) started, 1 ended." in first.output
    again = runner.invoke(args=["options", "run"])
    assert "0 option(s) started, 0 ended." in again.output


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ru", ["Телевидение, плата за 10 марта 2026\u202fг.", "Ускорение", "Каникулы, плата за"]),
        ("en", ["Television, the part for March 10, 2026", "Boost", "Holiday, the fee for"]),
    ],
)
def test_statement_words_name_the_option_in_the_subscribers_language(
    app, make_subscriber, locale, words
):
    facts = make_subscriber(tenant="acme", balance=100_000)
    acme = app.extensions["tenancy"].tenants["acme"]
    now = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    with app.test_request_context(), force_locale(locale):
        tv = service.activate(acme, facts["account_id"], "tv", Request(), now)
        boost = service.activate(acme, facts["account_id"], "boost", Request(), now)
        pause = service.activate(acme, facts["account_id"], "holiday", Request(days=10), now)
        db.session.flush()
        refs = [f"option-day:{tv.id}:2026-03-10", f"option:{boost.id}"]
        refs.append(f"option-day:{pause.id}:{(date(2026, 3, 16)).isoformat()}")
        found = service.entry_words(acme, refs, locale)
        db.session.rollback()
    assert found[refs[0]] == words[0]
    assert found[refs[1]] == words[1]
    assert found[refs[2]].startswith(words[2])
