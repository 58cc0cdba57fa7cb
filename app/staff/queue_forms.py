"""The queues' small forms: a reason for a refusal, the accounts of a transfer."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.web.forms import REQUIRED


class RefuseForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason the subscriber reads"), validators=[REQUIRED, Length(max=300)]
    )


class TransferApproveForm(FlaskForm):
    source = StringField(
        _l("Account the payment reached by mistake"), validators=[REQUIRED, Length(max=40)]
    )
    target = StringField(_l("Account it was meant for"), validators=[REQUIRED, Length(max=40)])
    note = TextAreaField(
        _l("Note for the subscriber (optional)"), validators=[Optional(), Length(max=1000)]
    )


class TransferRefuseForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason the subscriber reads"), validators=[REQUIRED, Length(max=1000)]
    )
