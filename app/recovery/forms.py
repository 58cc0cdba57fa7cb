"""Recovery forms, built from the fields each tenant's flow asks for."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.tenancy.registry import Tenant
from app.tenancy.schema import Delivery, FindBy, RecoveryFlow
from app.tenancy.theming import text

REQUIRED = DataRequired(_l("Please fill in this field."))

FIELD_LABELS = {
    FindBy.SURNAME: _l("Surname"),
    FindBy.FIRST_NAME: _l("First name"),
    FindBy.CONTRACT_OR_ACCOUNT: _l("Contract or account number"),
    FindBy.CONTRACT: _l("Contract number"),
    FindBy.ACCOUNT: _l("Account number"),
    FindBy.PHONE: _l("Mobile phone from the contract"),
    FindBy.EMAIL: _l("E-mail"),
    FindBy.REGION: _l("Region"),
}
FIELD_AUTOCOMPLETE = {
    FindBy.SURNAME: "family-name",
    FindBy.FIRST_NAME: "given-name",
    FindBy.PHONE: "tel",
    FindBy.EMAIL: "email",
    FindBy.LOGIN: "username",
}
IDENTIFIER_LABELS = {
    "phone": _l("Phone"),
    "contract": _l("Contract number"),
    "email": _l("E-mail"),
}
DELIVERY_LABELS = {
    Delivery.SMS_CODE: _l("A code by SMS to the phone on record"),
    Delivery.EMAIL_LINK: _l("A link by e-mail to the address on record"),
    Delivery.SMS_TEMPORARY_PASSWORD: _l("A new password by SMS"),
    Delivery.EMAIL_TEMPORARY_PASSWORD: _l("A temporary password by e-mail"),
}


def request_form(tenant: Tenant, flow: RecoveryFlow) -> FlaskForm:
    """A form with exactly the fields this flow finds the account by."""
    from app.web.captcha.forms import CaptchaForm

    base = CaptchaForm if flow.captcha else FlaskForm

    class RecoveryRequestForm(base):
        pass

    for field in flow.find_by:
        if field == FindBy.REGION:
            choices = [SelectChoice(r.code, text(r.name)) for r in tenant.config.regions]
            setattr(
                RecoveryRequestForm, field.value, SelectField(FIELD_LABELS[field], choices=choices)
            )
        elif field == FindBy.IDENTIFIER:
            choices = [SelectChoice(k.value, IDENTIFIER_LABELS[k.value]) for k in flow.identifiers]
            RecoveryRequestForm.identifier_kind = RadioField(
                _l("What do you still have?"), choices=choices, default=choices[0].value
            )
            RecoveryRequestForm.identifier = StringField(
                _l("Phone, contract number or e-mail"), validators=[REQUIRED]
            )
        else:
            label = text(tenant.config.login.field_label) if field == FindBy.LOGIN else None
            setattr(
                RecoveryRequestForm,
                field.value,
                StringField(label or FIELD_LABELS[field], validators=[REQUIRED, Length(max=200)]),
            )
    if len(flow.deliver) > 1:
        choices = [SelectChoice(d.value, DELIVERY_LABELS[d]) for d in flow.deliver]
        RecoveryRequestForm.delivery = RadioField(
            _l("How should we send it?"), choices=choices, default=choices[0].value
        )
    RecoveryRequestForm.submit = SubmitField(_l("Send"))
    return RecoveryRequestForm()


def typed_values(form: FlaskForm, flow: RecoveryFlow) -> dict[str, str]:
    """What the subscriber typed, keyed by find_by name."""
    values = {}
    for field in flow.find_by:
        if field == FindBy.IDENTIFIER:
            values["identifier"] = form.identifier.data or ""
            values["identifier_kind"] = form.identifier_kind.data or ""
        else:
            values[field.value] = getattr(form, field.value).data or ""
    return values


def chosen_delivery(form: FlaskForm, flow: RecoveryFlow) -> Delivery:
    return Delivery(form.delivery.data) if "delivery" in form else flow.deliver[0]


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the message"), validators=[REQUIRED, Length(max=12)])
    submit = SubmitField(_l("Confirm"))


class ContactForm(FlaskForm):
    channel = RadioField(
        _l("What to confirm"),
        choices=[SelectChoice("sms", _l("Mobile phone")), SelectChoice("email", _l("E-mail"))],
        default="sms",
    )
    value = StringField(_l("Phone number or e-mail"), validators=[REQUIRED, Length(max=254)])
    current = PasswordField(_l("Current password"), validators=[REQUIRED])
    submit = SubmitField(_l("Send a confirmation code"))


class SwitchOffForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[REQUIRED])
    submit = SubmitField(_l("Switch recovery off"))
