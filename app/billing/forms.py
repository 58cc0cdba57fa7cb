"""Forms of the promised-payment pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

REQUIRED = DataRequired(_l("Please fill in this field."))


class TakeForm(FlaskForm):
    """One button per account; the account travels in a hidden field."""

    account = HiddenField(validators=[REQUIRED, Length(max=40)])
    submit = SubmitField(_l("Take the promised payment"))


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the SMS"), validators=[REQUIRED, Length(max=12)])
    submit = SubmitField(_l("Confirm"))
