"""The console's helpdesk forms: filtering requests, answering, moving and cancelling."""

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

import app.help.service as help_service
from app.tenancy.registry import Tenant
from app.web.forms import REQUIRED

Status = help_service.RequestStatus
STATUS_NAMES = {
    Status.NEW: _l("New"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.ANSWERED: _l("Answered"),
    Status.CLOSED: _l("Closed"),
}
NOT_OFFERED = _l("Please choose one of the times offered.")


def status_choices() -> list[tuple[str, str]]:
    return [(status.value, str(name)) for status, name in STATUS_NAMES.items()]


def _offered(field) -> None:
    if field.data not in {key for key, _label in field.choices}:
        raise ValidationError(str(NOT_OFFERED))


class FilterForm(FlaskForm):
    """The requests list's filter: read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    subject = SelectField(_l("Subject"), choices=[], validate_choice=False)

    def __init__(self, *args, subjects: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", str(_l("Any")))]
        self.status.choices = anything + status_choices()
        self.subject.choices = anything + subjects

    def chosen(self, field) -> str | None:
        """The field's value when it is one of its choices, else None (any)."""
        offered = {key for key, _label in field.choices if key}
        return field.data if field.data in offered else None


class AnswerForm(FlaskForm):
    """The staff's answer: a text and files, checked by their content as the subscriber's."""

    text = TextAreaField(_l("Answer"), render_kw={"rows": 8})
    files = MultipleFileField(_l("Files (optional)"))

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.rules = help_service.rules(tenant)
        self.uploads: list = []
        limits = self.rules.attachments
        self.kinds = help_service.kinds_text(tenant)
        self.files.description = _(
            "Up to %(count)s files of %(mb)s MB each: %(kinds)s.",
            count=limits.max_files,
            mb=limits.max_megabytes,
            kinds=self.kinds,
        )

    def validate_text(self, field):
        try:
            field.data = help_service.checked_text(self.tenant, field.data)
        except help_service.Problem as problem:
            raise ValidationError(str(problem)) from problem
        if not field.data:
            raise ValidationError(_("Please fill in this field."))

    def validate_files(self, field):
        chosen = [f for f in field.data or [] if getattr(f, "filename", "")]
        try:
            self.uploads.extend(help_service.checked_files(self.tenant, chosen))
        except help_service.Problem as problem:
            raise ValidationError(str(problem)) from problem

    def note_files_not_kept(self) -> None:
        """Say that good files must be chosen again after the text failed."""
        if self.errors and not self.files.errors and self.uploads:
            self.files.errors.append(
                _(
                    "Please choose the files again: for your safety they are not kept "
                    "when something else needs correcting."
                )
            )


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), validators=[REQUIRED])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices()


class AssignForm(FlaskForm):
    staff = SelectField(_l("Staff member"), choices=[], validate_choice=False)

    def __init__(self, *args, members: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff.choices = [("", str(_l("Nobody")))] + [(str(m.id), m.name) for m in members]

    def validate_staff(self, field):
        if field.data not in {key for key, _label in field.choices}:
            raise ValidationError(_("Please choose one of the staff listed."))


def time_text(period) -> str:
    """A slot or window as people read it, in the page's language, e.g. «пн, 7 декабря,
    10:00–12:00»."""
    day = format_date(period.start.date(), "EEE, d MMMM")
    return f"{day}, {period.start:%H:%M}–{period.end:%H:%M}"


class MoveForm(FlaskForm):
    """Another slot for a visit, or window for a callback."""

    when = SelectField(_l("New time"), choices=[], validate_choice=False)

    def __init__(self, *args, times: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.when.choices = [(t.key, time_text(t)) for t in times]

    def validate_when(self, field):
        _offered(field)


class CancelForm(FlaskForm):
    reason = StringField(
        _l("Reason the subscriber reads"),
        validators=[REQUIRED, Length(max=help_service.MAX_REASON)],
    )


class ChatAnswerForm(FlaskForm):
    """The consultant's message in a chat, within the tenant's length."""

    text = TextAreaField(_l("Your message"), validators=[REQUIRED])

    def __init__(self, *args, max_chars: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_chars = max_chars

    def validate_text(self, field):
        if len((field.data or "").strip()) > self.max_chars:
            raise ValidationError(
                ngettext(
                    "The message is longer than %(num)d character.",
                    "The message is longer than %(num)d characters.",
                    self.max_chars,
                )
            )
