"""Payment rules without pages: amounts, suggestions, masking, test cards, notification parsing."""

from datetime import date

import pytest
from werkzeug.datastructures import Headers

from app.core.money import NotAnAmount, parse_roubles
from app.core.subscribers import Subscriber, SubscriberKind
from app.payments import service
from app.payments.lookup import initials, mask_number
from app.payments.providers import FailureReason, NotificationRejected, get_provider
from app.sandbox import bank


@pytest.mark.parametrize(
    ("typed", "kopecks"),
    [
        ("500", 50000),
        ("930,50", 93050),
        ("930.5", 93050),
        (" 1 000 ", 100000),
        ("1\u00a0000,00 ₽", 100000),
        ("0.01", 1),
    ],
)
def test_amounts_as_people_type_them(typed, kopecks):
    assert parse_roubles(typed) == kopecks


@pytest.mark.parametrize("typed", ["", "abc", "10.555", "-5", "1e3", "5..0", "12345678901"])
def test_what_is_not_an_amount(typed):
    with pytest.raises(NotAnAmount):
        parse_roubles(typed)


@pytest.mark.parametrize(
    ("balance", "monthly", "amount", "why"),
    [
        (-12000, 45000, 57000, service.Why.DEBT),  # the debt and the next month
        (-500, 0, 1000, service.Why.DEBT),  # never below the minimum of 10 ₽
        (-9_000_000, 0, 3_000_000, service.Why.DEBT_CAPPED),  # never above 30 000 ₽
        (20000, 45000, 25000, service.Why.TOP_UP),  # what the next month still needs
        (0, 45000, 45000, service.Why.MONTH),  # what the next month costs
        (0, 500, 1000, service.Why.MINIMUM),
        (82050, 45000, 45000, service.Why.COVERED),  # covered already: one more month's fee
        (45000, 45000, 45000, service.Why.COVERED),
        (82050, 0, 1000, service.Why.MINIMUM),  # no fee at all: the smallest payment
    ],
)
def test_the_suggestion_and_its_reason(app, balance, monthly, amount, why):
    tenant = app.extensions["tenancy"].tenants["athome"]  # 10 ₽ … 30 000 ₽
    suggestion = service.suggestion(tenant, balance=balance, monthly_total=monthly)
    assert (suggestion.amount, suggestion.why) == (amount, why)
    assert suggestion.covered == (balance >= 0 and balance >= monthly)


def test_every_test_card_passes_luhn_and_typos_do_not():
    assert all(bank.luhn_valid(number) for number in bank.TEST_CARDS)
    assert bank.TEST_CARDS["2200000000000004"] is None  # МИР, approved
    assert not bank.luhn_valid("4111111111111112")
    assert not bank.luhn_valid("4111-1111")
    assert {bank.card_brand(n) for n in bank.TEST_CARDS} == {"Visa", "МИР", "Mastercard"}
    assert set(bank.TEST_CARDS.values()) == {
        None,
        FailureReason.INSUFFICIENT_FUNDS,
        FailureReason.WRONG_CARD_DATA,
        FailureReason.NOT_ALLOWED_ONLINE,
        FailureReason.NO_3DS,
    }


def test_a_card_is_valid_to_the_end_of_its_month():
    today = date(2026, 11, 22)
    assert not bank.card_expired(11, 2026, today)
    assert bank.card_expired(10, 2026, today)
    assert not bank.card_expired(1, 2027, today)


def test_masking_shows_too_little_to_learn_a_name():
    person = Subscriber(surname="Петров", first_name="Иван", patronymic="Сергеевич")
    assert initials(person) == "И. П."
    firm = Subscriber(kind=SubscriberKind.ORGANISATION, organisation="ООО «Ромашка»")
    assert initials(firm) == "О. Р."
    assert mask_number("123456789") == "12••••789"
    assert mask_number("000042") == "•••042"
    assert mask_number("12") == "•2"


def _sandbox_headers(app, raw: bytes, tenant: str = "athome") -> Headers:
    return Headers({"x-sandbox-signature": bank.sign(tenant, raw)})  # header names: any case


def test_notification_is_read_strictly(app):
    with app.app_context():
        provider = get_provider("sandbox")
        tenant = app.extensions["tenancy"].tenants["athome"]
        good = (
            b'{"payment_id":"sbx_pay_1","reference":"R1","amount":100,"currency":"RUB",'
            b'"status":"failed","failure_reason":"no_3ds","card":null}'
        )
        notification = provider.verify_notification(good, _sandbox_headers(app, good), tenant)
        assert (notification.amount, notification.succeeded) == (100, False)
        assert notification.failure_reason == FailureReason.NO_3DS
        for bad in (
            b"not json",
            b"[]",
            good.replace(b"100", b"true"),
            good.replace(b'"R1"', b'""'),
        ):
            with pytest.raises(NotificationRejected):
                provider.verify_notification(bad, _sandbox_headers(app, bad), tenant)


def test_unknown_provider_is_an_error(app):
    with app.app_context(), pytest.raises(LookupError):
        get_provider("robokassa")  # no adapter of that name is registered
