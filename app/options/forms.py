"""The option pages' form: one for every kind, each page shows the fields its kind reads."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

# Any date a person could mean; year 1 or 9999 is refused before any arithmetic on it.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _sensible_date(form, field) -> None:
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Please enter a date in the coming days."))


def _whole_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class OptionForm(FlaskForm):
    account = SelectField(
        _l("Account"), choices=[], validate_choice=True, validators=[DataRequired()]
    )
    # A per-point option on an account with several service points: which address. It
    # names the account too, so the account field is left out where this one is shown.
    point = SelectField(_l("Address"), choices=[], coerce=_whole_or_none, validate_choice=False)
    start = DateField(_l("Start date"), validators=[Optional(), _sensible_date], format="%Y-%m-%d")
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    days = IntegerField(
        _l("Number of days"),
        validators=[
            Optional(),
            NumberRange(min=1, max=3660, message=_l("Please enter a number of days.")),
        ],
    )
    hours = IntegerField(
        _l("Number of hours"),
        validators=[
            Optional(),
            NumberRange(min=1, max=8784, message=_l("Please enter a number of hours.")),
        ],
    )
    mac = StringField(
        _l("Device MAC address"),
        validators=[Optional(), Length(max=40)],
        description=_l(
            "Six pairs of characters, e.g. 00:1A:2B:3C:4D:5E: it is on the device's label."
        ),
    )
    # A prepay's period; the choices are the option's, the rules refuse any other number.
    months = SelectField(_l("Period"), choices=[], coerce=_whole_or_none, validate_choice=False)
    comment = TextAreaField(
        _l("What you need and when it suits you"), validators=[Optional(), Length(max=500)]
    )


class ActionForm(FlaskForm):
    """The buttons that end, switch off, cancel or change an option: the token only."""
