"""The audit trail's search: who changed what in this ISP, newest first, a page at a time."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_datetime
from flask import g, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

import app.audit_feed.service as words
import app.auth.service as auth_service
from app.core import audit
from app.core.calendar import local_midnight
from app.core.subscribers import Account, Contract, holder_of
from app.extensions import db

from . import bp, service
from .access import requires
from .home_routes import section
from .roles import Permission

section(
    "staff.audit_search",
    _l("Audit trail"),
    _l("Who changed what and when: subscribers, staff and the system."),
    Permission.AUDIT,
)

PAGE = 50
ACTOR_KINDS = {
    "subscriber": _l("Subscriber"),
    "staff": _l("Staff member"),
    "system": _l("System"),
    "visitor": _l("Not logged in"),
}


class AuditSearchForm(FlaskForm):
    """The search's filters; a GET form, so nothing to protect from forgery."""

    class Meta:
        csrf = False

    subscriber = StringField(
        _l("Subscriber"),
        validators=[Optional(), Length(max=120)],
        description=_l("Any login, account or contract number, or #id."),
    )
    kind = SelectField(_l("Who acted"), validators=[Optional()], default="")
    member = SelectField(_l("Staff member"), validators=[Optional()], default="")
    action = StringField(
        _l("Action starts with"),
        validators=[Optional(), Length(max=60)],
        description=_l("The beginning of its code, for example password or tariff."),
    )
    since = DateField(_l("From"), validators=[Optional()], format="%Y-%m-%d")
    until = DateField(_l("To"), validators=[Optional()], format="%Y-%m-%d")


def subscriber_named(typed: str) -> int | None:
    """The subscriber of this tenant a typed value names: a login, an account or contract
    number, or «#id»."""
    typed = typed.strip()
    if typed.startswith("#") and typed[1:].isdigit():
        found = db.session.scalar(
            sa.select(Contract.subscriber_id).where(
                Contract.tenant == g.tenant.slug, Contract.subscriber_id == int(typed[1:])
            )
        )
        return found
    found = auth_service.find_subscriber_id(g.tenant, typed)
    if found is not None:
        return found
    account_id = db.session.scalar(
        sa.select(Account.id).where(Account.tenant == g.tenant.slug, Account.number == typed)
    )
    if account_id is not None:
        return holder_of(g.tenant.slug, account_id)
    return db.session.scalar(
        sa.select(Contract.subscriber_id).where(
            Contract.tenant == g.tenant.slug, Contract.number == typed
        )
    )


def _form() -> AuditSearchForm:
    form = AuditSearchForm(request.args)
    form.kind.choices = [("", _l("Anyone"))] + [(k, v) for k, v in ACTOR_KINDS.items()]
    form.member.choices = [("", _l("Any"))] + [
        (str(account.id), account.name) for account, _grant in service.staff_of(g.tenant.slug)
    ]
    return form


def _when(moment) -> str:
    """A moment in the ISP's own timezone (the console's staff work in it)."""
    zone = ZoneInfo(g.tenant.config.timezone)
    return format_datetime(moment, "short", tzinfo=zone, locale=str(get_locale() or "ru"))


@bp.route("/audit")
@requires(Permission.AUDIT)
def audit_search():
    form = _form()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found, unknown = [], False
    if form.validate():
        filters = {}
        if form.subscriber.data:
            filters["subscriber_id"] = subscriber_named(form.subscriber.data)
            unknown = filters["subscriber_id"] is None
        if form.member.data:
            filters["actor_kind"], filters["actor_id"] = "staff", int(form.member.data)
        elif form.kind.data:
            filters["actor_kind"] = form.kind.data
        zone = g.tenant.config.timezone
        if form.since.data:
            filters["since"] = local_midnight(form.since.data, zone)
        if form.until.data:
            filters["until"] = local_midnight(form.until.data + timedelta(days=1), zone)
        if not unknown:
            found = audit.entries(
                g.tenant.slug,
                action=(form.action.data or "").strip() or None,
                offset=(page - 1) * PAGE,
                limit=PAGE + 1,
                **filters,
            )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "staff/audit/search.html",
        form=form,
        entries=found[:PAGE],
        more=len(found) > PAGE,
        page=page,
        args=args,
        unknown=unknown,
        words=words,
        when=_when,
        kinds=ACTOR_KINDS,
        timezone=g.tenant.config.timezone,
    )
