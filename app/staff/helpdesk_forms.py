"""The console's helpdesk forms: filtering requests, answering, moving and cancelling."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.help.forms import MessageForm, window_text
from app.help.models import RequestKind, RequestStatus
from app.help.visit_forms import slot_text
from app.web.forms import REQUIRED

from .helpdesk import MAX_REASON

STATUS_NAMES = {
    RequestStatus.NEW: _l("New"),
    RequestStatus.IN_PROGRESS: _l("In progress"),
    RequestStatus.ANSWERED: _l("Answered"),
    RequestStatus.CLOSED: _l("Closed"),
}
NOT_OFFERED = _l("Please choose one of the times offered.")


def status_choices() -> list[tuple[str, str]]:
    return [(status.value, str(name)) for status, name in STATUS_NAMES.items()]


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


class AnswerForm(MessageForm):
    """The staff's answer to a request: a text and files, checked as the subscriber's are."""

    text = TextAreaField(_l("Answer"))
    submit = SubmitField(_l("Send the answer"))


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
            raise ValidationError(str(_l("Please choose one of the staff listed.")))


class MoveForm(FlaskForm):
    """Another slot for a visit, or window for a callback."""

    when = SelectField(_l("New time"), choices=[], validate_choice=False)

    def __init__(self, *args, kind: str, times: list, **kwargs):
        super().__init__(*args, **kwargs)
        shown = slot_text if kind == RequestKind.VISIT else window_text
        self.when.choices = [(t.key, shown(t)) for t in times]

    def validate_when(self, field):
        if field.data not in {key for key, _label in field.choices}:
            raise ValidationError(str(NOT_OFFERED))


class CancelForm(FlaskForm):
    reason = StringField(
        _l("Reason the subscriber reads"),
        validators=[REQUIRED, Length(max=MAX_REASON)],
    )
