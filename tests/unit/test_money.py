"""Days-left arithmetic and daily parts of a monthly fee."""

from datetime import date, timedelta

import pytest

from app.account.service import days_left
from app.core.calendar import daily_part


@pytest.mark.parametrize(
    ("balance", "monthly", "days_in_month", "expected"),
    [
        (60000, 60000, 30, 30),  # a month's fee lasts the month
        (2000, 60000, 30, 1),  # exactly one day's share
        (1999, 60000, 30, 0),  # not quite a day
        (45000, 60000, 30, 22),
        (0, 60000, 30, 0),
        (-5000, 60000, 30, 0),
        (45000, 0, 30, None),  # nothing is charged: the money never runs out
        (93050, 93050, 31, 31),
    ],
)
def test_days_left(balance, monthly, days_in_month, expected):
    assert days_left(balance, monthly, days_in_month) == expected


@pytest.mark.parametrize(("year", "month"), [(2026, 2), (2028, 2), (2026, 4), (2026, 12)])
def test_daily_parts_add_up_to_the_monthly_fee(year, month):
    fee = 93050
    day = date(year, month, 1)
    total = 0
    while day.month == month:
        total += daily_part(fee, day)
        day += timedelta(days=1)
    assert total == fee


@pytest.mark.parametrize(
    ("balance", "repayment", "repaid_in", "expected"),
    [
        (38000, 49000, 3, 3),  # the credit is most of the balance: it lasts until the write-off
        (136000, 49000, 3, 53),  # a top-up outlasts it: what is left after it, 870 ₽
        (4000, 49000, 3, 2),  # the money runs out before the write-off comes
        (38000, 49000, 0, 0),  # due today: only the balance without the credit counts
        (38000, 0, None, 23),  # no promise: as before
    ],
)
def test_days_left_count_a_promised_payments_write_off(balance, repayment, repaid_in, expected):
    assert days_left(balance, 49000, 30, repayment, repaid_in) == expected
