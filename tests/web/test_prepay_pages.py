"""«Абонемент» on «Мои услуги», as an «Эт Хоум» subscriber meets it: the quote before paying,
the refusals, the confirmation and what the list and the statement then say, and the end a
tariff change brings, with the unused days given back."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from app.billing.charging import run_tenant
from app.core.signals import daily_run
from app.core.subscribers import Account
from app.options.models import Status
from app.options.prepay import first_of_next_month, months_after
from app.payments import autopay

from .options_steps import ask, cabinet, switch_on
from .test_options_pages import activations, stored

MOSCOW = ZoneInfo("Europe/Moscow")
FEE = 45000  # «Прогулка», 450 ₽ a month
PRICE = FEE * 3 * 90 // 100  # three months, 10 % off


@pytest.fixture(autouse=True)
def _without_autopay(app):
    daily_run.disconnect(autopay._on_daily_run)
    yield
    autopay.subscribe()


def _span() -> tuple[date, date]:
    """The first and last day three months bought today cover."""
    first = first_of_next_month(datetime.now(MOSCOW).date())
    return first, months_after(first, 3) - timedelta(days=1)


def _ru(day: date) -> str:
    return _plain(format_date(day, "long", locale="ru"))


def _plain(html: str) -> str:
    """The page's text with its thin and no-break spaces read as plain ones."""
    return re.sub(r"[\u00a0\u202f]", " ", re.sub(r"\s+", " ", html))


def test_the_quote_shows_the_period_and_the_discount_and_changes_nothing(
    app, make_subscriber, tenant_client
):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome", balance=200_000, lang="ru")
    page = _plain(browser.get("/my-services/abonement").get_data(as_text=True))
    assert "<dt>Скидки</dt>" in page
    assert "3 месяца: скидка 10 %; 6 месяцев: скидка 15 %; 12 месяцев: скидка 20 %" in page
    assert '<option value="6">6 месяцев: скидка 15 %</option>' in page
    quote = ask(browser, "abonement", facts["account"], months="3")
    assert quote.status_code == 200
    html = _plain(quote.get_data(as_text=True))
    first, last = _span()
    assert f'data-testid="period">с {_ru(first)} по {_ru(last)}<' in html
    assert "<dt>Без скидки</dt><dd>1 350,00 ₽</dd>" in html
    assert "<dt>Скидка</dt><dd>10 %</dd>" in html
    assert 'data-testid="price">1 215,00 ₽, спишется сейчас<' in html
    assert activations(app) == []
    assert stored(app, Account, facts["account_id"]).balance == 200_000


@pytest.mark.parametrize(
    ("balance", "months", "said"),
    [
        (200_000, "4", "Выберите один из предложенных сроков: 3, 6, 12 мес."),
        (
            100_000,
            "3",
            "Недостаточно средств: стоимость 1 215,00 ₽, на балансе 1 000,00 ₽, "
            "не хватает 215,00 ₽.",
        ),
    ],
)
def test_a_refused_prepay_names_its_rule(
    app, make_subscriber, tenant_client, balance, months, said
):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome", balance=balance, lang="ru")
    refused = ask(browser, "abonement", facts["account"], months=months)
    assert refused.status_code == 409
    reason = _plain(refused.get_data(as_text=True)).split('data-testid="refusal">')[1]
    assert reason.startswith(said)
    assert activations(app) == []


def test_confirming_pays_and_the_list_and_the_statement_say_so(app, make_subscriber, tenant_client):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome", balance=200_000, lang="ru")
    _, done = switch_on(browser, "abonement", facts["account"], months="3")
    assert done.status_code == 302 and done.location.endswith("/my-services")
    first, last = _span()
    listing = _plain(browser.get("/my-services").get_data(as_text=True))
    done_said = f"Готово: «Абонемент» — оплачены дни с {_ru(first)} по {_ru(last)} включительно."
    assert done_said in listing
    assert f"Оплачено до {_ru(last)}" in listing
    assert "неиспользованные дни возвращаются" in listing  # why it cannot be ended here
    assert stored(app, Account, facts["account_id"]).balance == 200_000 - PRICE
    (row,) = activations(app)
    assert (row.status, row.price, row.params["months"]) == (Status.ACTIVE, PRICE, 3)
    statement = _plain(browser.get("/statement").get_data(as_text=True))
    assert re.search(r'entry-description">Абонемент на 3 месяца, скидка 10 %<', statement)
    assert "−1 215,00 ₽" in statement or "-1 215,00 ₽" in statement
    # The same purchase again over the same days is refused with the last day.
    again = ask(browser, "abonement", facts["account"], months="6")
    assert again.status_code == 409
    until = f"оплаченный период действует по {_ru(last)} включительно"
    assert until in _plain(again.get_data(as_text=True))


def test_a_tariff_change_ends_it_and_gives_back_the_unused_days(
    app, make_subscriber, tenant_client
):
    browser, facts = cabinet(make_subscriber, tenant_client, "athome", balance=200_000, lang="ru")
    _, done = switch_on(browser, "abonement", facts["account"], months="3")
    assert done.status_code == 302
    services = browser.get("/services/").get_data(as_text=True)
    point = re.search(r'data-point="(\d+)"', services).group(1)
    path = f"/services/points/{point}/tariff"
    ordered = browser.form(path, {"tariff": "piknik", "timing": "next_month"})
    assert ordered.status_code == 302
    first, last = _span()
    # The daily run on the 1st, 01:00 in Moscow: the change takes effect, the 1st stays
    # covered and the days from the 2nd are given back.
    with app.app_context():
        athome = app.extensions["tenancy"].tenants["athome"]
        at = datetime(first.year, first.month, first.day, 1, tzinfo=MOSCOW)
        run_tenant(athome, first, now=at)
    total = (last - first).days + 1
    refund = -(-PRICE * (total - 1) // total)
    (row,) = activations(app)
    assert row.status == Status.ENDED and row.params["refunded"] == refund
    listing = _plain(browser.get("/my-services").get_data(as_text=True))
    assert "Оплачено до" not in listing
    statement = _plain(browser.get("/statement").get_data(as_text=True))
    returned = f"Абонемент: возвращены неиспользованные дни с {_ru(first + timedelta(days=1))}"
    assert returned in statement
    balance = stored(app, Account, facts["account_id"]).balance
    assert balance == 200_000 - PRICE + refund  # the 1st is prepaid: no charge for it
