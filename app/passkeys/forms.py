"""The password typed again before a passkey is added."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField

from app.web.forms import REQUIRED


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[REQUIRED])
