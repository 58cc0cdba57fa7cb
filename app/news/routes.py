"""The news page, closing an important notice, and the dashboard's notices."""

from dataclasses import dataclass

from flask import abort, current_app, g, redirect, render_template, request
from flask_login import current_user, login_required

from app.tenancy.schema import NewsItem
from app.web.redirects import same_site_path

from . import bp, service

# Closed notices are kept in the browser, not the database: showing the dashboard writes
# nothing, and closing one is a POST that only sets this cookie.
SEEN_COOKIE = "news_seen"
# Enough for every notice a subscriber closes while it is current; older ones fall off.
SEEN_KEPT = 40


@dataclass(frozen=True)
class DashboardNotices:
    notices: list[NewsItem]
    pop_up: NewsItem | None


def _seen_tokens() -> list[str]:
    return request.cookies.get(SEEN_COOKIE, "").split(".")[-SEEN_KEPT:]


def _token(code: str) -> str:
    # The subscriber's id with the code: another subscriber in the same browser still sees it.
    return f"{current_user.subscriber_id}_{code}"


def dismissed() -> set[str]:
    """Codes of the notices this subscriber closed in this browser."""
    prefix = f"{current_user.subscriber_id}_"
    return {t.removeprefix(prefix) for t in _seen_tokens() if t.startswith(prefix)}


def _held() -> dict[str, set[str]]:
    return service.holdings(g.tenant, current_user.subscriber_id)


def _current(held: service.Holdings) -> list[NewsItem]:
    return service.current(g.tenant, g.region, held=held, staff_items=service.authored(g.tenant))


def dashboard_notices(held: service.Holdings | None = None) -> DashboardNotices:
    """The outage, maintenance and important notices of the subscriber's region now, and the
    one to open in the centre of the screen: from the tenant's YAML, no query, and from
    what staff wrote, one query only when the tenant has any (service.authored).

    held: the subscriber's accounts and tariffs as the dashboard already loaded them, so a
    personal offer costs it no query either."""
    if held is None:
        held = _held()
    items = service.notices(_current(held))
    pop_up = service.to_pop_up(items, dismissed()) if items else None
    return DashboardNotices(items, pop_up)


@bp.route("/")
@login_required
def index():
    """The current news, promotions, offers and notices of the subscriber's region."""
    items = _current(_held())
    return render_template("news/index.html", items=items)


@bp.route("/seen/<code>", methods=["POST"])
@login_required
def seen(code: str):
    """Close an important notice for good (for this subscriber, in this browser)."""
    if len(code) > 40:
        abort(404)
    if not any(i.code == code for i in _current(_held())):
        abort(404)
    # The script closing the dialog needs only the cookie, not the page again.
    if request.accept_mimetypes.best == "application/json":
        response = current_app.response_class(status=204)
    else:
        response = redirect(same_site_path(request.form.get("next")) or "/")
    if code not in dismissed():
        kept = [t for t in _seen_tokens() if t] + [_token(code)]
        response.set_cookie(
            SEEN_COOKIE,
            ".".join(kept[-SEEN_KEPT:]),
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=bool(request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]),
        )
    return response
