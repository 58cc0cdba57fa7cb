"""The statement: a period of the ledger, page by page, its totals, and the same as CSV."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Response, abort, g, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.tenancy.locale import current_locale

from . import bp, history, service, words
from .export import csv_lines
from .forms import PeriodForm, account_choices

DEFAULT_DAYS = 30


def zone_name() -> str:
    """The region's timezone: the one dates are typed and shown in."""
    return g.tenant.timezone(g.region)


def local_today() -> date:
    """Today's date in the region's timezone."""
    return datetime.now(ZoneInfo(zone_name())).date()


@dataclass(frozen=True)
class Chosen:
    """The filter as understood: the form (with any errors) and the selection, if valid."""

    form: PeriodForm
    accounts: list[service.OwnedAccount]
    account: service.OwnedAccount | None
    selection: history.Selection | None


def requested_account(accounts: list[service.OwnedAccount]) -> service.OwnedAccount | None:
    """The account the query string asks for, or the first one; 404 for anyone else's.

    An account number that is not the subscriber's own in this tenant (another
    subscriber's, another ISP's, no account at all) gets the same answer as any foreign
    object, so a page never tells which numbers exist.
    """
    number = request.args.get("account")
    account = service.pick_account(accounts, number)
    if number and account is None:
        abort(404)
    return account


def _choose() -> Chosen:
    accounts = service.owned_accounts(g.tenant, current_user.subscriber_id)
    requested_account(accounts)
    form = PeriodForm(formdata=with_defaults(request.args, accounts))
    form.account.choices = account_choices(accounts)
    today = local_today()
    account = service.pick_account(accounts, form.account.data)
    if not accounts or not form.validate() or account is None:
        return Chosen(form, accounts, None, None)
    form.date_to.data = form.date_to.data or today
    form.date_from.data = form.date_from.data or min(
        today - timedelta(days=DEFAULT_DAYS - 1), form.date_to.data
    )
    selection = history.Selection(
        account.id, form.date_from.data, form.date_to.data, zone_name(), form.kind.data
    )
    return Chosen(form, accounts, account, selection)


def with_defaults(args, accounts: list[service.OwnedAccount]) -> MultiDict:
    """The query string with the first account and every kind filled in when not given."""
    formdata = MultiDict(args)
    if accounts and not formdata.get("account"):
        formdata["account"] = accounts[0].number
    formdata.setdefault("kind", "all")
    return formdata


def filter_args(chosen: Chosen, **extra) -> dict:
    """The query string that reproduces this selection, for links."""
    selection = chosen.selection
    args = {
        "account": chosen.account.number,
        "date_from": selection.first_day.isoformat(),
        "date_to": selection.last_day.isoformat(),
        "kind": selection.group,
    }
    return {**args, **extra}


@bp.route("")
@login_required
def statement():
    """The statement page: one page of entries for the chosen period, and its totals."""
    chosen = _choose()
    if chosen.selection is None:
        status = 400 if chosen.form.errors else 200
        return render_template("statements/history.html", chosen=chosen), status
    older = history.Cursor.parse(request.args.get("older"))
    newer = history.Cursor.parse(request.args.get("newer"))
    result = history.page(chosen.selection, older_than=older, newer_than=newer)
    return render_template(
        "statements/history.html",
        chosen=chosen,
        result=result,
        words=words.describe(g.tenant, result.entries, current_locale(), zone_name()),
        totals=history.totals(chosen.selection),
        args=filter_args(chosen),
    )


@bp.route("/export.csv")
@login_required
def statement_csv():
    """The whole selection as a CSV download, streamed."""
    chosen = _choose()
    if chosen.selection is None:
        return render_template("statements/history.html", chosen=chosen), 400
    header = [_("Date and time"), _("Operation"), _("Description"), _("Amount"), _("Reference")]
    locale, zone = current_locale(), zone_name()
    rows = words.words_of(g.tenant, history.all_entries(chosen.selection), locale, zone)
    lines = csv_lines(rows, header, locale, zone)
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.charset = "utf-8"
    selection = chosen.selection
    name = f"statement-{chosen.account.number}-{selection.first_day}-{selection.last_day}.csv"
    response.headers.set("Content-Disposition", "attachment", filename=safe_filename(name))
    response.headers["Cache-Control"] = "no-store"
    return response


def safe_filename(name: str) -> str:
    """A download name of plain characters only, whatever an account number holds."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)
