"""The sandbox bank's forms: card, one-time password, phone, operator's code."""

import re
from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from . import bank

REQUIRED = DataRequired(_l("Please fill in this field."))


def card_digits(raw: str) -> str:
    """The card number without the spaces and dashes people type."""
    return re.sub(r"[\s-]", "", raw or "")


class CardForm(FlaskForm):
    number = StringField(
        _l("Card number"),
        description=_l("16 digits on the front of the card."),
        validators=[REQUIRED, Length(max=30)],
    )
    expiry = StringField(
        _l("Valid until (MM/YY)"), description=_l("For example 08/29."), validators=[REQUIRED]
    )
    cvc = PasswordField(
        _l("CVC"), description=_l("3 digits on the back of the card."), validators=[REQUIRED]
    )
    holder = StringField(_l("Cardholder name (optional)"), validators=[Optional(), Length(max=60)])

    def validate_number(self, field):
        """13 to 19 digits passing the Luhn check."""
        digits = card_digits(field.data)
        if not digits.isdigit() or not 13 <= len(digits) <= 19 or not bank.luhn_valid(digits):
            raise ValidationError(_("This is not a valid card number. Check the digits."))

    def validate_expiry(self, field):
        """MM/YY, not in the past."""
        match = re.fullmatch(r"(\d{2})\s*/\s*(\d{2})", (field.data or "").strip())
        if not match or not 1 <= int(match.group(1)) <= 12:
            raise ValidationError(_("Enter the month and year as on the card, for example 08/29."))
        month, year = int(match.group(1)), 2000 + int(match.group(2))
        if bank.card_expired(month, year, datetime.now(UTC).date()):
            raise ValidationError(_("This card has expired."))

    def validate_cvc(self, field):
        """Exactly three digits."""
        if not re.fullmatch(r"\d{3}", (field.data or "").strip()):
            raise ValidationError(_("The CVC is 3 digits."))


class OtpForm(FlaskForm):
    code = StringField(_l("One-time password"), validators=[REQUIRED, Length(max=12)])


class PhoneForm(FlaskForm):
    phone = StringField(_l("Mobile phone number"), validators=[REQUIRED, Length(max=30)])


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the SMS"), validators=[REQUIRED, Length(max=12)])


class ActionForm(FlaskForm):
    """Only the CSRF token: pay or cancel buttons."""
