"""The statement's period filter and the bank receipt's amount: GET forms, they change nothing."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from app.core.money import parse_roubles

from .kinds import GROUP_LABELS

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class LocalDateField(DateField):
    """A date field whose complaint about a malformed date is in the portal's own words."""

    def pre_validate(self, form):
        # Year 1 or 9999 would overflow the period arithmetic; no statement reaches them.
        if self.data and not EARLIEST <= self.data <= LATEST:
            raise ValidationError(
                _l(
                    "Enter a date from %(earliest)s to %(latest)s.",
                    earliest=EARLIEST.isoformat(),
                    latest=LATEST.isoformat(),
                )
            )

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Enter a date such as 2025-01-31.")) from exc


def account_choices(accounts) -> list[SelectChoice]:
    """The subscriber's accounts as choices, by number."""
    return [SelectChoice(a.number, a.number) for a in accounts]


class GetForm(FlaskForm):
    """Read from the query string; a GET changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False


class PeriodForm(GetForm):
    account = SelectField(_l("Account"), choices=[], validate_choice=True)
    date_from = LocalDateField(_l("From"), validators=[Optional()])
    date_to = LocalDateField(_l("To"), validators=[Optional()])
    kind = SelectField(
        _l("Operations"),
        choices=[SelectChoice(code, label) for code, label in GROUP_LABELS.items()],
    )

    def validate_date_to(self, field):
        """The period must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the period must not be before its start."))


class BankReceiptForm(GetForm):
    account = SelectField(_l("Account"), choices=[], validate_choice=True)
    amount = StringField(
        _l("Amount, ₽"),
        validators=[Optional()],
        description=_l("Leave empty to write the amount by hand at the bank."),
    )

    def amount_kopecks(self) -> int | None:
        """The typed amount in kopecks; None when left empty. Call after validate()."""
        return parse_roubles(self.amount.data) if self.amount.data else None

    def check_amount(self, low: int, high: int, shown: tuple[str, str]) -> bool:
        """Complain on the field unless the amount is money within the ISP's limits."""
        try:
            kopecks = self.amount_kopecks()
        except ValueError:
            self.amount.errors = [_l("Enter an amount in roubles, e.g. 650 or 650.50.")]
            return False
        if kopecks is not None and not low <= kopecks <= high:
            self.amount.errors = [
                _l("Enter an amount from %(low)s to %(high)s.", low=shown[0], high=shown[1])
            ]
            return False
        return True
