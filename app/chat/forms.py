"""The chat's forms: a name to start with, and a message."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .service import MAX_NAME


def _max_chars(limit: int):
    def check(form, field):
        if field.data and len(field.data.strip()) > limit:
            raise ValidationError(
                ngettext(
                    "The message is longer than %(num)d character.",
                    "The message is longer than %(num)d characters.",
                    limit,
                )
            )

    return check


class StartForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Please give your name.")),
            Length(max=MAX_NAME, message=_l("The name is too long.")),
        ],
    )
    text = TextAreaField(_l("Your question (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Start the chat"))

    def __init__(self, *args, max_chars: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.validators = [*self.text.validators, _max_chars(max_chars)]


class ChatMessageForm(FlaskForm):
    text = TextAreaField(
        _l("Your message"), validators=[DataRequired(_l("Please write a message."))]
    )
    submit = SubmitField(_l("Send"))

    def __init__(self, *args, max_chars: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.validators = [*self.text.validators, _max_chars(max_chars)]


class EndForm(FlaskForm):
    """Only the CSRF token: ending the chat is one button."""
