"""The technician's visit forms: asking for one, and moving it to another slot."""

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import ValidationError

from app.tenancy.registry import Tenant

from . import visits

NOT_OFFERED = _l("Please choose one of the times offered.")


def slot_text(slot) -> str:
    """A slot as people read it, in the page's language, e.g. «пн, 7 декабря, 10:00–11:00»."""
    day = format_date(slot.start.date(), "EEE, d MMMM")
    return f"{day}, {slot.start:%H:%M}–{slot.end:%H:%M}"


def _offered(field) -> None:
    if field.data not in {key for key, _label in field.choices}:
        raise ValidationError(str(NOT_OFFERED))


class SlotForm(FlaskForm):
    """Another slot for a visit already asked for."""

    when = SelectField(_l("New time of the visit"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Move the visit"))

    def __init__(self, *args, slots: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.when.choices = [(s.key, slot_text(s)) for s in slots]

    def validate_when(self, field):
        _offered(field)


class VisitForm(SlotForm):
    """Why, where and when the technician should come."""

    reason = SelectField(_l("What happened?"), choices=[], validate_choice=False)
    point = SelectField(_l("Address"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Call a technician"))

    def __init__(self, *args, tenant: Tenant, points: list, locale: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.when.label.text = _("Time of the visit")
        self.reason.choices = [
            (r.code, tenant.text(r.name, locale)) for r in visits.rules(tenant).reasons
        ]
        self.point.choices = [(str(p.id), p.address) for p in points]

    def validate_reason(self, field):
        _offered(field)

    def validate_point(self, field):
        _offered(field)
