"""The request and reply forms: what they ask, and what they say when something is wrong."""

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.core.identifiers import normalise_phone
from app.tenancy.registry import Tenant
from app.web.captcha.forms import CaptchaForm
from app.web.forms import REQUIRED

from . import attachment_checks as checks
from . import callback, service

kinds_text = checks.kinds_text


def accept(tenant: Tenant) -> str:
    # Only a hint for the browser's file picker; the content is what is checked.
    kinds = service.allowed_kinds(tenant)
    extensions = {k.extension for k in kinds} | (
        {".jpeg"} if any(k.extension == ".jpg" for k in kinds) else set()
    )
    return ",".join(sorted(extensions | {k.content_type for k in kinds}))


class MessageForm(FlaskForm):
    """A text and files: what a request starts with and what a reply is."""

    text = TextAreaField(_l("Your message"))
    files = MultipleFileField(_l("Files (optional)"))
    submit = SubmitField(_l("Send"))

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.rules = service.rules(tenant)
        self.uploads: list[service.Upload] = []
        limits = self.rules.attachments
        self.files.description = _(
            "Up to %(count)s files of %(mb)s MB each: %(kinds)s.",
            count=limits.max_files,
            mb=limits.max_megabytes,
            kinds=kinds_text(tenant),
        )
        self.files.render_kw = {"accept": accept(tenant)}
        # No maxlength: a browser would cut pasted text silently; the check below says so.
        self.text.render_kw = {"rows": 8}

    def validate_text(self, field):
        try:
            field.data = checks.checked_text(self.tenant, field.data)
        except checks.Problem as problem:
            raise ValidationError(str(problem)) from problem
        if not field.data:
            raise ValidationError(_("Please write what you would like to ask."))

    def validate_files(self, field):
        chosen = [f for f in field.data or [] if getattr(f, "filename", "")]
        try:
            self.uploads.extend(checks.checked_files(self.tenant, chosen))
        except checks.Problem as problem:
            raise ValidationError(str(problem)) from problem

    def note_files_not_kept(self) -> None:
        """Tell the subscriber good files must be chosen again after the text failed."""
        if self.errors and not self.files.errors and self.uploads:
            self.files.errors.append(
                _(
                    "Please choose the files again: for your safety they are not kept "
                    "when something else needs correcting."
                )
            )


class RequestForm(MessageForm):
    """A new request: a subject from the tenant's list, then the message."""

    subject = SelectField(_l("Subject"))
    submit = SubmitField(_l("Send the request"))

    def __init__(self, *args, locale: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject.choices = [
            (s.code, self.tenant.text(s.name, locale)) for s in self.rules.all_subjects()
        ]


class ActionForm(FlaskForm):
    """Close or reopen: only the CSRF token."""


class CallbackForm(FlaskForm):
    """Whom to call, at which number, and in which of the tenant's windows."""

    name = StringField(_l("Your name"), validators=[REQUIRED, Length(max=callback.MAX_NAME)])
    phone = StringField(_l("Phone number"), validators=[REQUIRED, Length(max=40)])
    when = SelectField(_l("When is it convenient to call you?"), choices=[], validate_choice=False)
    comment = TextAreaField(
        _l("What is it about (optional)"), validators=[Length(max=callback.MAX_COMMENT)]
    )
    submit = SubmitField(_l("Ask for a call"))

    def __init__(self, *args, tenant: Tenant, windows: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.when.choices = [(w.key, window_text(w)) for w in windows]
        self.phone.render_kw = {"autocomplete": "tel", "inputmode": "tel"}
        self.name.render_kw = {"autocomplete": "name"}
        self.comment.render_kw = {"rows": 3}

    def validate_phone(self, field):
        if normalise_phone(field.data or "", self.tenant.config.phone_region) is None:
            raise ValidationError(_("Please enter a phone number we can call, with its code."))

    def validate_when(self, field):
        # Also the answer when a window passed while the form was open.
        if field.data not in {key for key, _label in field.choices}:
            raise ValidationError(_("Please choose one of the times offered."))


class CaptchaCallbackForm(CallbackForm, CaptchaForm):
    """The callback form without logging in: with the picture code."""


def window_text(window) -> str:
    """A window as people read it, in the page's language, e.g. «чт, 3 декабря, 09:00–11:00»."""
    day = format_date(window.start.date(), "EEE, d MMMM")
    return f"{day}, {window.start:%H:%M}–{window.end:%H:%M}"
