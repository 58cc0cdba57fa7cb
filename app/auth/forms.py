"""Login and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import ValidationError

from app.web.captcha.forms import CaptchaForm
from app.web.forms import REQUIRED, NewPasswordForm


class LoginForm(FlaskForm):
    region = SelectField(_l("Region"), choices=[], validate_choice=True)
    login = StringField(_l("Login"), validators=[REQUIRED])
    password = PasswordField(_l("Password"), validators=[REQUIRED])
    submit = SubmitField(_l("Log in"))


class CaptchaLoginForm(LoginForm, CaptchaForm):
    """The login form once many logins from this address have failed: with a picture code."""


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[REQUIRED])

    def validate_new(self, field) -> None:
        if field.data and field.data == self.current.data:
            raise ValidationError(_l("The new password must differ from the current one."))
