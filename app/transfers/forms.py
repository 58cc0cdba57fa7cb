"""The wrong-account transfer form: what it asks, and what it says when something is wrong."""

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from app.core.identifiers import normalise_phone
from app.core.money import NotAnAmount, money, parse_roubles

from . import storage

REQUIRED = DataRequired(_l("Please fill in this field."))
MAX_AMOUNT = 1_000_000_00  # kopecks: far above any home internet payment
EARLIEST = date(2000, 1, 1)
ACCOUNT = re.compile(r"^[0-9A-Z-]{1,40}$")


class LenientDateField(DateField):
    """A date input that treats an empty box as missing, not as a malformed date."""

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata([v.strip() for v in valuelist])

    def pre_validate(self, form):
        # A malformed date already has its message; "please fill in" would only confuse.
        if self.process_errors:
            raise StopValidation()


class TransferForm(FlaskForm):
    correct_account = StringField(
        _l("Correct account number"),
        validators=[REQUIRED, Length(max=40)],
        description=_l("The account the money was meant for."),
    )
    address = StringField(_l("Connection address"), validators=[REQUIRED, Length(max=300)])
    full_name = StringField(_l("Full name"), validators=[REQUIRED, Length(max=200)])
    phone = StringField(
        _l("Contact phone"),
        validators=[REQUIRED, Length(max=30)],
        description=_l("We will call this number if we have questions."),
    )
    paid_on = LenientDateField(
        _l("Payment date"),
        validators=[REQUIRED],
        format=["%Y-%m-%d", "%d.%m.%Y"],
        description=_l("As on the receipt."),
        invalid_value_message=_l("Please give the date as on the receipt, e.g. 21.11.2026."),
    )
    amount = StringField(
        _l("Amount paid, ₽"),
        validators=[REQUIRED, Length(max=20)],
        description=_l("As on the receipt, e.g. 1500 or 1500,50."),
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Anything that helps us find the payment, e.g. the wrong account number."),
    )
    receipt = FileField(
        _l("Copy of the receipt"),
        description=_l(
            "A photo or scan of the receipt: PNG, JPEG or PDF, up to %(mb)s MB.",
            mb=storage.MAX_MEGABYTES,
        ),
        # Only a hint for the browser's file picker; the content is what is checked.
        render_kw={"accept": ".png,.jpg,.jpeg,.pdf,image/png,image/jpeg,application/pdf"},
    )
    submit = SubmitField(_l("Send the request"))

    def __init__(self, *args, today: date, phone_region: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.phone_region = phone_region
        self.kopecks: int | None = None
        self.normalised_phone: str | None = None
        self.receipt_content: bytes | None = None

    def validate_correct_account(self, field):
        value = re.sub(r"\s+", "", field.data or "").upper()
        if not ACCOUNT.match(value):
            raise ValidationError(_("An account number has only digits (and maybe letters)."))
        field.data = value

    def validate_phone(self, field):
        self.normalised_phone = normalise_phone(field.data or "", self.phone_region)
        if self.normalised_phone is None:
            raise ValidationError(
                _("This does not look like a phone number, e.g. +7 921 555-43-17.")
            )

    def validate_paid_on(self, field):
        if field.data > self.today:
            raise ValidationError(_("The payment date cannot be in the future."))
        if field.data < EARLIEST:
            raise ValidationError(_("Please check the year of the payment date."))

    def validate_amount(self, field):
        try:
            kopecks = parse_roubles(field.data)
        except NotAnAmount:
            raise ValidationError(
                _("Please write the amount in roubles, e.g. 1500 or 1500,50.")
            ) from None
        if not 0 < kopecks <= MAX_AMOUNT:
            raise ValidationError(
                _("The amount must be more than zero and at most %(max)s.", max=money(MAX_AMOUNT))
            )
        self.kopecks = kopecks

    def validate_receipt(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            raise ValidationError(_("Please attach a copy of the receipt."))
        # One byte past the limit is enough to know the file is too large.
        content = upload.stream.read(storage.MAX_BYTES + 1)
        if len(content) > storage.MAX_BYTES:
            raise ValidationError(
                _(
                    "The file is larger than %(mb)s MB. Please attach a smaller photo or scan.",
                    mb=storage.MAX_MEGABYTES,
                )
            )
        if not content:
            raise ValidationError(_("The file is empty. Please attach the receipt again."))
        if storage.detect_kind(content) is None:
            raise ValidationError(
                _(
                    "This file is not a PNG or JPEG picture or a PDF document. "
                    "Please attach the receipt in one of these formats."
                )
            )
        self.receipt_content = content

    def note_file_not_kept(self) -> None:
        """Tell the subscriber a good file must be chosen again after other fields failed."""
        if self.errors and not self.receipt.errors and self.receipt_content is not None:
            self.receipt.errors.append(
                _(
                    "Please choose the file again: for your safety it is not kept "
                    "when other fields need correcting."
                )
            )
