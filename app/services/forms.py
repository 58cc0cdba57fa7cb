"""Forms of the services pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

REQUIRED = DataRequired(_l("Please fill in this field."))


class ChangeForm(FlaskForm):
    """The new tariff and, where the ISP offers several, when it takes effect."""

    tariff = RadioField(_l("New tariff"), validators=[DataRequired(_l("Please choose a tariff."))])
    timing = RadioField(
        _l("When the new tariff takes effect"),
        validators=[DataRequired(_l("Please choose when the change takes effect."))],
    )
    # Set by the summary page's button: the subscriber has seen the price and the date.
    confirmed = HiddenField(validators=[Length(max=1)])
    submit = SubmitField(_l("Change the tariff"))


class ConfirmForm(FlaskForm):
    """The summary's button: what was chosen travels in hidden fields."""

    tariff = HiddenField(validators=[REQUIRED, Length(max=40)])
    timing = HiddenField(validators=[REQUIRED, Length(max=20)])
    confirmed = HiddenField(validators=[Length(max=1)])
    submit = SubmitField(_l("Confirm the change"))


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the SMS"), validators=[REQUIRED, Length(max=12)])
    submit = SubmitField(_l("Confirm"))


class CancelForm(FlaskForm):
    # Where to come back to: one of a fixed few pages, never a URL.
    back = HiddenField(validators=[Length(max=20)])
    submit = SubmitField(_l("Cancel the change"))
