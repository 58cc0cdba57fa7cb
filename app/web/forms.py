"""Form pieces several features' pages share: the required-field message, a new password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from app.core import passwords

REQUIRED = DataRequired(_l("Please fill in this field."))

POLICY_MESSAGES = {
    "short": _l("The password must be at least %(n)s characters long.", n=passwords.MIN_LENGTH),
    "long": _l("The password must be at most %(n)s characters long.", n=passwords.MAX_LENGTH),
    "common": _l("This password is among the most common ones. Please choose another."),
}


def password_policy(form, field) -> None:
    """WTForms validator: the portal's password rules."""
    problem = passwords.policy_problem(field.data or "")
    if problem:
        raise ValidationError(POLICY_MESSAGES[problem])


class NewPasswordForm(FlaskForm):
    """A new password typed twice, checked against the password rules."""

    new = PasswordField(
        _l("New password"),
        validators=[REQUIRED, password_policy],
        description=_l("From 8 to 128 characters. A phrase of several words is easy to remember."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            REQUIRED,
            EqualTo("new", _l("The two passwords do not match.")),
        ],
    )
    submit = SubmitField(_l("Save the new password"))
