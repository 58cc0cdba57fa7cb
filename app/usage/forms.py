"""The traffic page's choice of service point and period: a GET form, it changes nothing."""

from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

LAST_DAYS = 30
MONTHS = 12
RECENT = "recent"


class TrafficForm(FlaskForm):
    """Read from the query string; a GET needs no CSRF token."""

    class Meta:
        csrf = False

    point = SelectField(_l("Service point"), choices=[], validate_choice=True)
    period = SelectField(_l("Period"), choices=[], validate_choice=True)


def period_choices(today: date) -> list[SelectChoice]:
    """The last 30 days, then this month and the eleven before it, newest first."""
    choices = [SelectChoice(RECENT, _l("Last %(days)s days", days=LAST_DAYS))]
    month = today.replace(day=1)
    for _ in range(MONTHS):
        choices.append(SelectChoice(month.strftime("%Y-%m"), format_date(month, "LLLL y")))
        month = (month - timedelta(days=1)).replace(day=1)
    return choices


def period_days(choice: str, today: date) -> tuple[date, date]:
    """The first and last day of a valid choice; a month ends today at the latest."""
    if choice == RECENT:
        return today - timedelta(days=LAST_DAYS - 1), today
    year, month = map(int, choice.split("-"))
    first = date(year, month, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, min(following - timedelta(days=1), today)
