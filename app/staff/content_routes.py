"""News, promotions and outage notices written by staff, with a preview in every language."""

from contextlib import contextmanager

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

import app.news.service as news
from app.core import audit

from . import bp
from .access import may, requires
from .content_forms import KIND_NAMES, news_form
from .forms import ConfirmForm
from .home_routes import section
from .roles import Permission

section(
    "staff.content",
    _l("News and notices"),
    _l("News, promotions and outage notices per region, in every language."),
    Permission.CONTENT,
)


@contextmanager
def _speaking(locale: str):
    # The page's translations are kept on g for speed (app.tenancy.locale): set them aside
    # so the preview's own words are in the previewed language, then restore them.
    kept = g.pop("_translations", None)
    try:
        with force_locale(locale):
            yield
    finally:
        g.pop("_translations", None)
        if kept is not None:
            g._translations = kept


def _previews(draft) -> list[tuple[str, Markup]]:
    """The item in each of the tenant's languages, as the news page and the dashboard show it."""
    shown = []
    for locale in g.tenant.config.locales.available:
        item = draft.as_item(f"preview-{locale}")
        with _speaking(locale):
            html = render_template("staff/content/_preview.html", item=item, locale=locale)
        shown.append((locale, Markup(html)))  # nosec B704 # our own template, escaped by Jinja
    return shown


def _item(item_id: int):
    row = news.authored_item(g.tenant, item_id)
    if row is None:
        abort(404)  # another ISP's item is not here
    return row


def _form_page(form, row=None, previews=None, status: int = 200):
    return (
        render_template(
            "staff/content/edit.html",
            form=form,
            row=row,
            previews=previews,
            can_change=may(Permission.CONTENT, changing=True),
        ),
        status,
    )


def _checked(form):
    """The form's draft when it is valid as a whole, else None with the error on its field."""
    if not form.validate_on_submit():
        return None
    draft = form.draft()
    try:
        draft.as_item()
    except ValueError:
        form.expires.errors = [_("The end must be after the start.")]
        return None
    return draft


@bp.route("/content")
@requires(Permission.CONTENT)
def content():
    """The items staff wrote in this ISP, withdrawn ones too."""
    rows = news.authored_of(g.tenant)
    return render_template(
        "staff/content/index.html",
        rows=rows,
        kind_names=KIND_NAMES,
        can_change=may(Permission.CONTENT, changing=True),
    )


@bp.route("/content/new")
@requires(Permission.CONTENT)
def new_content():
    """The empty form of a new item."""
    return _form_page(news_form(g.tenant))


@bp.route("/content/new", methods=["POST"])
@requires(Permission.CONTENT)
def create_content():
    """Preview a new item in every language, or save it."""
    form = news_form(g.tenant)
    draft = _checked(form)
    if draft is None:
        return _form_page(form, status=422)
    if request.form.get("action") == "preview":
        return _form_page(form, previews=_previews(draft))
    row = news.create_authored(g.tenant, draft, g.staff.account_id)
    audit.record(
        g.tenant.slug,
        "content.created",
        target=f"news:{row.id}",
        after=news.snapshot(row),
    )
    flash(_("The item is saved."), "info")
    return redirect(url_for("staff.edit_content", item_id=row.id))


# One rule for the form and its POST: with two rules on this path, a POST with an id past
# the int converter's bound was answered 405 by the router instead of 404.
@bp.route("/content/<int:item_id>", methods=["GET", "POST"])
@requires(Permission.CONTENT)
def edit_content(item_id: int):
    """An item's form with its preview in every language; posted: preview or save it."""
    row = _item(item_id)
    if request.method != "POST":
        draft = news.draft_of(row)
        return _form_page(news_form(g.tenant, draft), row, _previews(draft))
    form = news_form(g.tenant)
    draft = _checked(form)
    if draft is None:
        return _form_page(form, row, status=422)
    if request.form.get("action") == "preview":
        return _form_page(form, row, _previews(draft))
    before = news.snapshot(row)
    news.update_authored(row, draft)
    audit.record(
        g.tenant.slug,
        "content.changed",
        target=f"news:{row.id}",
        before=before,
        after=news.snapshot(row),
    )
    flash(_("The item is saved."), "info")
    return redirect(url_for("staff.edit_content", item_id=row.id))


@bp.route("/content/<int:item_id>/withdraw", methods=["POST"])
@requires(Permission.CONTENT)
def withdraw_content(item_id: int):
    """Take an item off the subscribers' pages."""
    row = _item(item_id)
    if ConfirmForm().validate_on_submit() and row.withdrawn_at is None:
        news.withdraw_authored(row)
        audit.record(g.tenant.slug, "content.withdrawn", target=f"news:{row.id}")
        flash(_("Subscribers no longer see the item."), "info")
    return redirect(url_for("staff.content"))


@bp.route("/content/<int:item_id>/republish", methods=["POST"])
@requires(Permission.CONTENT)
def republish_content(item_id: int):
    """Show a withdrawn item to subscribers again."""
    row = _item(item_id)
    if ConfirmForm().validate_on_submit() and row.withdrawn_at is not None:
        news.republish_authored(row)
        audit.record(g.tenant.slug, "content.republished", target=f"news:{row.id}")
        flash(_("The item is published again."), "info")
    return redirect(url_for("staff.content"))
