"""The forms of «My contracts»: the other contract's login with its password, or with a
code sent to its phone; and the code. Switch and unlink are bare buttons (CSRF only)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import Length

from app.web.forms import REQUIRED


class LinkByPasswordForm(FlaskForm):
    login = StringField(_l("Login of the other contract"), validators=[REQUIRED, Length(max=254)])
    password = PasswordField(
        _l("Password of the other contract"), validators=[REQUIRED, Length(max=1024)]
    )
    submit = SubmitField(_l("Link the contract"))


class LinkByCodeForm(FlaskForm):
    login = StringField(_l("Login of the other contract"), validators=[REQUIRED, Length(max=254)])
    submit = SubmitField(_l("Send a code to that contract's phone"))


class LinkCodeForm(FlaskForm):
    code = StringField(
        _l("Code from the SMS"),
        validators=[REQUIRED, Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Link the contract"))
