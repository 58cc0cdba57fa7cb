"""The console's forms for new contracts: one typed in, or a CSV file of them."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    EmailField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.core.subscribers import SubscriberKind
from app.web.forms import REQUIRED

from .provision_checks import MAX_POINTS, NewContract, Point

KINDS = [
    SelectChoice(SubscriberKind.PERSON.value, _l("A person")),
    SelectChoice(SubscriberKind.ORGANISATION.value, _l("An organisation")),
]


class PointForm(Form):
    address = StringField(_l("Address of the service point"), validators=[Length(max=300)])
    tariff = SelectField(_l("Tariff"), validate_choice=False)


class NewContractForm(FlaskForm):
    kind = RadioField(_l("Contract with"), choices=KINDS, default=SubscriberKind.PERSON.value)
    surname = StringField(_l("Surname"), validators=[Length(max=100)])
    first_name = StringField(_l("First name"), validators=[Length(max=100)])
    patronymic = StringField(_l("Patronymic (optional)"), validators=[Length(max=100)])
    organisation = StringField(_l("Organisation's name"), validators=[Length(max=200)])
    phone = TelField(
        _l("Mobile phone"),
        validators=[Length(max=30)],
        description=_l("The temporary password is sent there by SMS."),
    )
    email = EmailField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254)])
    region = SelectField(_l("Region"), validate_choice=False)
    contract = StringField(
        _l("Contract number"),
        validators=[Length(max=40)],
        description=_l("Leave empty for the next free number."),
    )
    account = StringField(
        _l("Account number"),
        validators=[Length(max=40)],
        description=_l("Leave empty for the next free number."),
    )
    login = StringField(
        _l("Login (optional)"),
        validators=[Length(max=60)],
        description=_l("Leave empty to log in with the contract number."),
    )
    points = FieldList(FormField(PointForm), min_entries=1, max_entries=MAX_POINTS)

    def new_contract(self) -> NewContract:
        """What the form holds, as the provisioning checks read it."""
        return NewContract(
            kind=self.kind.data or SubscriberKind.PERSON.value,
            surname=self.surname.data or "",
            first_name=self.first_name.data or "",
            patronymic=self.patronymic.data or "",
            organisation=self.organisation.data or "",
            phone=self.phone.data or "",
            email=self.email.data or "",
            region=self.region.data or "",
            contract=(self.contract.data or "").strip(),
            account=(self.account.data or "").strip(),
            login=self.login.data or "",
            points=[
                Point(entry.form.address.data or "", entry.form.tariff.data or "")
                for entry in self.points
            ],
        )


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[REQUIRED],
        description=_l("UTF-8, columns split by commas or semicolons, the first line naming them."),
    )
