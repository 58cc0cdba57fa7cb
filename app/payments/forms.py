"""Payment forms, built from what the tenant's YAML allows."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.core.money import NotAnAmount, money, parse_roubles
from app.tenancy.registry import Tenant
from app.tenancy.schema import PayeeKey, PaymentKind, PaymentMethod
from app.tenancy.theming import text

from . import service
from .lookup import AccountChoice
from .models import RuleKind

REQUIRED = DataRequired(_l("Please fill in this field."))
EMAIL = Regexp(
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an e-mail such as name@example.ru.")
)


class AmountField(StringField):
    """Roubles as typed; .kopecks holds the parsed amount after validation."""

    kopecks: int | None = None

    def pre_validate(self, form):
        """Parse the amount and check it against the ISP's minimum and maximum."""
        if not (self.data or "").strip():
            return  # "please fill in" comes from the required check alone
        try:
            self.kopecks = parse_roubles(self.data)
        except NotAnAmount:
            raise ValidationError(
                _("Enter the amount in roubles, for example 500 or 930.50.")
            ) from None
        rules = form.tenant.config.payments
        if not service.amount_allowed(form.tenant, self.kopecks):
            raise ValidationError(
                _(
                    "Enter an amount from %(min)s to %(max)s.",
                    min=money(rules.min_amount),
                    max=money(rules.max_amount),
                )
            )


CHOICE_LABELS = {PaymentKind.WALLET: _l("Wallet"), PaymentKind.BANK_ONLINE: _l("Bank")}
CHOICE_ERRORS = {
    PaymentKind.WALLET: _l("Choose one of the wallets listed."),
    PaymentKind.BANK_ONLINE: _l("Choose one of the banks listed."),
}


class ListedRadioField(RadioField):
    """A radio group whose value must be one listed; anything else gets our own message."""

    def __init__(self, *args, message: str = "", **kwargs):
        super().__init__(*args, validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in {value for value, *_rest in self.iter_choices()}:
            raise ValidationError(str(self.message))


class MethodChoiceField(ListedRadioField):
    """Which wallet or bank, asked only of a payer who chose its method."""

    def __init__(self, *args, method_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.method_code = method_code

    def pre_validate(self, form):
        """Required, and one of the tenant's list, when the payer chose this field's method."""
        if form.method.data != self.method_code:
            self.data = None
            return
        super().pre_validate(form)


def _choice_field(method: PaymentMethod) -> MethodChoiceField:
    return MethodChoiceField(
        CHOICE_LABELS[method.kind],
        name=f"{method.code}-choice",
        choices=[SelectChoice(c.code, text(c.name)) for c in method.choices],
        method_code=method.code,
        message=CHOICE_ERRORS[method.kind],
    )


def chosen(form, method: PaymentMethod) -> str | None:
    """The wallet or bank picked for the method: the only one, or the payer's pick."""
    if len(method.choices) == 1:
        return method.choices[0].code
    name = form.choice_fields.get(method.code)
    return getattr(form, name).data if name else None


def _method_label(method) -> str:
    brands = f" ({', '.join(text(b) for b in method.brands)})" if method.brands else ""
    return f"{text(method.name)}{brands}"


def payment_form(tenant: Tenant, region, who: str, accounts: list[AccountChoice] = ()) -> FlaskForm:
    """The pay form: account (own, when several), method, amount, consent, card saving, e-mail.

    who is "own", "other" (an account number to top up) or "guest" (contract or phone).
    """

    class PayForm(FlaskForm):
        pass

    PayForm.tenant = tenant
    _target_fields(PayForm, tenant, who, accounts)
    _money_fields(PayForm, tenant, region, who)
    # The receipt goes to the e-mail only when one is given, for a guest too.
    PayForm.email = StringField(
        _l("E-mail for the receipt (optional)"),
        validators=[Optional(), Length(max=254), EMAIL],
    )
    if who == "own" and service.autopay_offered(tenant):
        PayForm.save_card = BooleanField(
            _l("Save the card for autopay"),
            description=_l(
                "Bank card only. The bank keeps the card; we keep only its last four digits."
            ),
        )
    if tenant.config.payments.require_consent:
        PayForm.consent = BooleanField(
            _l("I agree with the terms"),
            validators=[DataRequired(_l("Please tick «I agree with the terms» to pay."))],
        )
    return PayForm()


GUEST_LABELS = {
    frozenset({PayeeKey.ACCOUNT}): _l("Account number"),
    frozenset({PayeeKey.CONTRACT}): _l("Contract number"),
    frozenset({PayeeKey.PHONE}): _l("Phone number"),
    frozenset({PayeeKey.ACCOUNT, PayeeKey.CONTRACT}): _l("Account or contract number"),
    frozenset({PayeeKey.ACCOUNT, PayeeKey.PHONE}): _l("Account number or phone number"),
    frozenset({PayeeKey.CONTRACT, PayeeKey.PHONE}): _l("Contract number or phone number"),
    frozenset(PayeeKey): _l("Account, contract or phone number"),
}


def _target_fields(form_class, tenant: Tenant, who: str, accounts: list[AccountChoice]) -> None:
    """Which account: a choice of one's own, or a number typed for another's."""
    if who == "own" and len(accounts) > 1:
        choices = [SelectChoice(str(a.id), _l("Account %(n)s", n=a.number)) for a in accounts]
        form_class.account = SelectField(_l("Account"), choices=choices)
    if who == "other":
        label = _l("Account number to top up")
    elif who == "guest":
        label = GUEST_LABELS[frozenset(tenant.config.payments.without_login_find_by)]
    else:
        return
    form_class.target = StringField(label, validators=[REQUIRED, Length(max=40)])


def _money_fields(form_class, tenant: Tenant, region, who: str) -> None:
    """How to pay (the tenant's online methods for the region and payer) and how much."""
    rules = tenant.config.payments
    methods = service.methods_for(tenant, region, who)
    form_class.method = ListedRadioField(
        _l("How to pay"),
        choices=[SelectChoice(m.code, _method_label(m)) for m in methods],
        default=methods[0].code if methods else None,
        validators=[InputRequired(_l("Choose how to pay."))],
        message=_l("Choose how to pay."),
    )
    form_class.choice_fields = {}
    for i, method in enumerate(m for m in methods if len(m.choices) > 1):
        setattr(form_class, f"choice_{i}", _choice_field(method))
        form_class.choice_fields[method.code] = f"choice_{i}"
    form_class.amount = AmountField(
        _l("Amount, ₽"),
        description=_l(
            "From %(min)s to %(max)s.", min=money(rules.min_amount), max=money(rules.max_amount)
        ),
        validators=[REQUIRED],
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the payer confirms what the page shows."""


def autopay_form(accounts: list[AccountChoice]) -> FlaskForm:
    """The autopay rule: top up below a balance, or pay the monthly fees on a day."""

    class AutopayForm(FlaskForm):
        kind = RadioField(
            _l("When to pay"),
            choices=[
                SelectChoice(
                    RuleKind.THRESHOLD.value, _l("Top up when the balance falls below a limit")
                ),
                SelectChoice(
                    RuleKind.MONTHLY.value, _l("Pay the monthly fee on a day of the month")
                ),
            ],
            default=RuleKind.THRESHOLD.value,
            validators=[InputRequired(_l("Choose when to pay."))],
        )
        threshold = StringField(_l("When the balance falls below, ₽"), validators=[Optional()])
        top_up = StringField(_l("Top up by, ₽"), validators=[Optional()])
        day = IntegerField(
            _l("Day of the month (1–28)"),
            validators=[Optional(), NumberRange(1, 28, _l("Enter a day from 1 to 28."))],
        )

    if len(accounts) > 1:
        choices = [SelectChoice(str(a.id), _l("Account %(n)s", n=a.number)) for a in accounts]
        AutopayForm.account = SelectField(_l("Account"), choices=choices)
    return AutopayForm()


class AccountActionForm(FlaskForm):
    """A button acting on one account (switch autopay off)."""

    account = HiddenField()
