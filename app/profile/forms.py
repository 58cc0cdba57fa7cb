"""Profile and registration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import Length

from app.tenancy.registry import Tenant
from app.tenancy.schema import FindBy
from app.web.forms import REQUIRED

FIELD_LABELS = {
    FindBy.SURNAME: _l("Surname"),
    FindBy.FIRST_NAME: _l("First name"),
    FindBy.CONTRACT_OR_ACCOUNT: _l("Contract or account number"),
    FindBy.CONTRACT: _l("Contract number"),
    FindBy.ACCOUNT: _l("Account number"),
    FindBy.PHONE: _l("Mobile phone from the contract"),
    FindBy.EMAIL: _l("E-mail given in the contract"),
}
AUTOCOMPLETE = {
    FindBy.SURNAME: "family-name",
    FindBy.FIRST_NAME: "given-name",
    FindBy.PHONE: "tel",
    FindBy.EMAIL: "email",
}


class PhoneForm(FlaskForm):
    value = StringField(
        _l("New mobile phone"),
        validators=[REQUIRED, Length(max=30)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    current = PasswordField(_l("Current password"), validators=[REQUIRED])
    submit = SubmitField(_l("Send a code to this phone"))


class EmailForm(FlaskForm):
    value = StringField(
        _l("New e-mail"),
        validators=[REQUIRED, Length(max=254)],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    current = PasswordField(_l("Current password"), validators=[REQUIRED])
    submit = SubmitField(_l("Send a code to this e-mail"))


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from the message"),
        validators=[REQUIRED, Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Confirm"))


class LoginForm(FlaskForm):
    login = StringField(
        _l("New login"),
        validators=[REQUIRED, Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    current = PasswordField(_l("Current password"), validators=[REQUIRED])
    submit = SubmitField(_l("Change the login"))


class ExportForm(FlaskForm):
    submit = SubmitField(_l("Download my data (ZIP)"))


def registration_form(tenant: Tenant) -> FlaskForm:
    """A form with the fields the tenant names a contract by."""

    class RegistrationForm(FlaskForm):
        pass

    for field in tenant.config.profile.registration.find_by:
        kw = {"autocomplete": AUTOCOMPLETE[field]} if field in AUTOCOMPLETE else {}
        setattr(
            RegistrationForm,
            field.value,
            StringField(
                FIELD_LABELS.get(field, field.value),
                validators=[REQUIRED, Length(max=200)],
                render_kw=kw,
            ),
        )
    RegistrationForm.submit = SubmitField(_l("Register"))
    return RegistrationForm()


def typed_values(form: FlaskForm, tenant: Tenant) -> dict[str, str]:
    """What the subscriber typed, keyed by find_by name."""
    return {
        f.value: getattr(form, f.value).data or ""
        for f in tenant.config.profile.registration.find_by
    }
