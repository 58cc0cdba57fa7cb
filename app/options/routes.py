"""The «My services» pages: the list, an option's page, its confirmation, the history."""

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.subscribers import accounts_of
from app.persistence import utcnow
from app.tenancy.locale import current_locale
from app.web.redirects import same_site_path

from . import bp, service
from .forms import ActionForm, OptionForm
from .messages import refusal_text
from .rules import Refusal, Request

FIELDS = {
    "pause": ("start", "days"),
    "turbo": (),
    "block": ("start", "start_time", "hours"),
    "addon": (),
    "order": ("comment",),
    "prepay": ("months",),
}


def _accounts():
    return accounts_of(g.tenant, current_user.subscriber_id, with_points=True)


def _ids() -> list[int]:
    return [account.id for account in _accounts()]


@bp.route("", methods=["GET"])
@login_required
def my_services():
    accounts = _accounts()
    ids = [a.id for a in accounts]
    now = utcnow()
    running = service.activations(g.tenant, ids, open_only=True)
    return render_template(
        "options/list.html",
        options=service.catalogue(g.tenant),
        accounts=accounts,
        running=running,
        on_codes={row.code for row in running if row.status == service.Status.ACTIVE},
        speeds=_speeds(accounts, now),
        addresses={p.id: p.address for a in accounts for p in a.service_points},
        decisions=service.decisions(g.tenant, ids, now),
        action=ActionForm(),
    )


def _speeds(accounts, now) -> list[tuple[str, str | None, service.SpeedNow]]:
    """(account number, address or None, speed): per point where a boost is per point and
    the account has several, else per account."""
    boosts = [o for o in service.catalogue(g.tenant) if o.kind == "turbo"]
    if not boosts:
        return []
    found = []
    for account in accounts:
        if boosts[0].per_point and len(account.service_points) > 1:
            for point in account.service_points:
                speed = service.speed_now(g.tenant, account, now, point.id)
                found.append((account.number, point.address, speed))
        else:
            found.append((account.number, None, service.speed_now(g.tenant, account, now)))
    return found


@bp.route("/history", methods=["GET"])
@login_required
def history():
    accounts = _accounts()
    rows = service.activations(g.tenant, [a.id for a in accounts])
    numbers = {a.id: a.number for a in accounts}
    addresses = {p.id: p.address for a in accounts for p in a.service_points}
    return render_template("options/history.html", rows=rows, numbers=numbers, addresses=addresses)


def _option(code: str):
    option = service.option_of(g.tenant, code)
    if option is None:
        abort(404)
    return option


def _form(option, accounts) -> OptionForm:
    form = OptionForm()
    form.account.choices = [(a.number, a.number) for a in accounts]
    if option.per_point and any(len(a.service_points) > 1 for a in accounts):
        several = len(accounts) > 1
        form.point.choices = [
            (p.id, _point_label(p, a, several)) for a in accounts for p in a.service_points
        ]
        del form.account  # the address names the account
    form.months.choices = [
        (p.months, _months_label(p.months, p.discount_percent)) for p in option.periods
    ]
    return form


def _point_label(point, account, several_accounts: bool) -> str:
    if not several_accounts:
        return point.address
    return _("%(address)s, account %(number)s", address=point.address, number=account.number)


def _target(form: OptionForm, option, accounts):
    """(the account, the point id asked for) the form names; (None, None) for an address
    that is not one of the subscriber's."""
    if "account" in form:
        account = next(a for a in accounts if a.number == form.account.data)
        # Not offered (one point): a posted id still has to be this account's own.
        return account, (form.point.data if option.per_point else None)
    for account in accounts:
        for point in account.service_points:
            if point.id == form.point.data:
                return account, point.id
    return None, None


def _months_label(months: int, discount: int) -> str:
    return ngettext(
        "%(num)s month: %(discount)s %% off",
        "%(num)s months: %(discount)s %% off",
        months,
        discount=discount,
    )


def _asked(form: OptionForm, point_id: int | None) -> Request:
    return Request(
        point_id=point_id,
        start=form.start.data,
        start_time=form.start_time.data,
        days=form.days.data,
        hours=form.hours.data,
        mac=form.mac.data,
        comment=form.comment.data,
        months=form.months.data,
    )


def _page(option, form, status: int = 200, refusal: Refusal | None = None, account=None):
    fields = FIELDS[option.kind] + (("mac",) if option.detail == "device" else ())
    fields = (("point",) if "account" not in form else ()) + fields
    reason = refusal_text(refusal) if refusal else None
    # Short of money: the way to the money, for the account that is short.
    short = refusal is not None and refusal.rule == "balance" and account is not None
    html = render_template(
        "options/option.html",
        option=option,
        form=form,
        fields=fields,
        reason=reason,
        top_up=account.number if short else None,
    )
    return html, status


@bp.route("/<code>", methods=["GET"])
@login_required
def option_page(code: str):
    option = _option(code)
    return _page(option, _form(option, _accounts()))


def _checked(option):
    """The form and the quote for it, or the page that answers instead."""
    accounts = _accounts()
    form = _form(option, accounts)
    if not form.validate_on_submit():
        return form, None, _page(option, form, status=400)
    account, point_id = _target(form, option, accounts)
    if account is None:
        form.point.errors = [_("Please choose one of your addresses.")]
        return form, None, _page(option, form, status=400)
    asked = _asked(form, point_id)
    terms = service.quote(g.tenant, account, option.code, asked, utcnow())
    if terms.refusal is not None:
        return form, None, _page(option, form, 409, terms.refusal, account)
    return form, (account, asked, terms), None


@bp.route("/<code>", methods=["POST"])
@login_required
def option_quote(code: str):
    option = _option(code)
    form, found, answer = _checked(option)
    if answer is not None:
        return answer
    account, _asked_for, terms = found
    return render_template(
        "options/confirm.html", option=option, form=form, terms=terms, account=account
    )


@bp.route("/<code>/confirm", methods=["POST"])
@login_required
def option_confirm(code: str):
    option = _option(code)
    form, found, answer = _checked(option)
    if answer is not None:
        return answer
    account, asked, _terms = found
    result = service.activate(g.tenant, account.id, option.code, asked, utcnow())
    if isinstance(result, Refusal):
        return _page(option, form, 409, result, account)
    flash(_done_text(option, result), "info")
    return redirect(url_for("options.my_services"))


def _done_text(option, row) -> str:
    name = g.tenant.text(option.name, current_locale())
    if row.status == service.Status.REQUESTED:
        return _(
            "«%(option)s»: the request is sent; we will tell you here when it is decided.",
            option=name,
        )
    if row.kind == "prepay":
        return _(
            "«%(option)s» is paid: the days from %(first)s to %(last)s are covered.",
            option=name,
            first=format_date(date.fromisoformat(row.params["first_day"]), "long"),
            last=format_date(date.fromisoformat(row.params["last_day"]), "long"),
        )
    if row.status == service.Status.SCHEDULED:
        return _("«%(option)s» is scheduled.", option=name)
    return _("«%(option)s» is on.", option=name)


def _acted(result):
    if result is None:
        abort(404)
    if isinstance(result, Refusal):
        flash(refusal_text(result), "error")
    # Back where the button was (the dashboard's «Resume now»), else the services list.
    return redirect(same_site_path(request.form.get("next")) or url_for("options.my_services"))


@bp.route("/activations/<int:activation_id>/stop", methods=["POST"])
@login_required
def stop(activation_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    row = service.stop(g.tenant, activation_id, _ids(), utcnow())
    if row is not None:
        flash(_("Done: the service is off."), "info")
    return _acted(row)


@bp.route("/activations/<int:activation_id>/change-ip", methods=["POST"])
@login_required
def change_ip(activation_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    row = service.change_address(g.tenant, activation_id, _ids(), utcnow())
    if row is not None and not isinstance(row, Refusal):
        flash(_("Your new IP address is %(ip)s.", ip=row.params.get("ip")), "info")
    return _acted(row)


@bp.app_template_filter("isodate")
def isodate(value) -> str:
    """An ISO date (as a prepay keeps its days) in the page's language, long form."""
    return format_date(date.fromisoformat(value), "long") if value else ""
