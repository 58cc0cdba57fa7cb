"""The request and reply forms: what they ask, and what they say when something is wrong."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from app.core import uploads
from app.tenancy.registry import Tenant

from . import service

KIND_NAMES = {"image": _l("pictures (PNG, JPEG, GIF, WebP)"), "pdf": _l("PDF documents")}


def kinds_text(tenant: Tenant) -> str:
    """The allowed kinds of files in words, e.g. «pictures (PNG, JPEG, GIF, WebP), PDF»."""
    return ", ".join(str(KIND_NAMES[k]) for k in service.rules(tenant).attachments.kinds)


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
        value = (field.data or "").strip()
        if not value:
            raise ValidationError(_("Please write what you would like to ask."))
        if len(value) > self.rules.max_chars:
            raise ValidationError(
                _(
                    "The text has %(count)s characters; at most %(max)s fit. Please shorten it.",
                    count=len(value),
                    max=self.rules.max_chars,
                )
            )
        field.data = value

    def validate_files(self, field):
        chosen = [f for f in field.data or [] if getattr(f, "filename", "")]
        limits = self.rules.attachments
        if len(chosen) > limits.max_files:
            raise ValidationError(
                ngettext(
                    "You may attach at most %(num)s file.",
                    "You may attach at most %(num)s files.",
                    limits.max_files,
                )
            )
        most = service.max_bytes(self.tenant)
        kinds = service.allowed_kinds(self.tenant)
        for upload in chosen:
            name = uploads.clean_filename(upload.filename)
            # One byte past the limit is enough to know the file is too large.
            content = upload.stream.read(most + 1)
            if len(content) > most:
                raise ValidationError(
                    _(
                        "«%(name)s» is larger than %(mb)s MB. Please attach a smaller file.",
                        name=name,
                        mb=limits.max_megabytes,
                    )
                )
            if not content:
                raise ValidationError(_("«%(name)s» is empty.", name=name))
            if uploads.detect_kind(content, kinds) is None:
                raise ValidationError(
                    _(
                        "«%(name)s» is not one of the files we accept: %(kinds)s.",
                        name=name,
                        kinds=kinds_text(self.tenant),
                    )
                )
            self.uploads.append(service.Upload(content, upload.filename))

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
            (s.code, self.tenant.text(s.name, locale)) for s in self.rules.subjects
        ]


class ActionForm(FlaskForm):
    """Close or reopen: only the CSRF token."""
