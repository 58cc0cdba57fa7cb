"""The console's forms: logging in, the second factor, staff accounts."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Length, Regexp, ValidationError

from app.core.money import NotAnAmount, parse_roubles
from app.web.forms import REQUIRED, NewPasswordForm

from .roles import ROLE_NAMES

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def positive_roubles(form, field) -> None:
    """WTForms validator: an amount in roubles above zero, kept on the form as kopecks."""
    try:
        form.kopecks = parse_roubles(field.data)
    except NotAnAmount:
        raise ValidationError(
            _("Please enter an amount in roubles, e.g. 1250 or 1250,50.")
        ) from None
    if form.kopecks <= 0:
        raise ValidationError(_("The amount must be more than zero."))


class StaffLoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[REQUIRED, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[REQUIRED, Length(max=128)])


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from the authenticator app"),
        validators=[REQUIRED, Length(max=12)],
        description=_l("Six digits; a new one every 30 seconds."),
    )


class StaffPasswordForm(NewPasswordForm):
    """The staff member's own password, replacing the temporary one."""


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, str(name)) for role, name in ROLE_NAMES.items()]


class NewStaffForm(FlaskForm):
    name = StringField(_l("Name"), validators=[REQUIRED, Length(max=120)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            REQUIRED,
            Regexp(EMAIL, message=_l("Please enter an e-mail address.")),
            Length(max=254),
        ],
    )
    role = SelectField(_l("Role"), validators=[REQUIRED])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[REQUIRED])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class ConfirmForm(FlaskForm):
    """A button whose form carries only the CSRF token."""
