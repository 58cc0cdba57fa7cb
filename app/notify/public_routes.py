"""What reaches the portal from outside a cabinet: SMS.ru's delivery reports (on any host,
no tenant: the account's one callback URL) and the one-click unsubscribe of notice e-mails
(on the ISP's host, no login: the signed token is the authority)."""

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import force_locale

from app.extensions import csrf
from app.tenancy.resolve import tenant_free

from . import callback, public_bp, unsubscribe
from .preferences import channel_for
from .routes import EVENT_NAMES
from .tell import locale_of

PLAIN = {"Content-Type": "text/plain; charset=utf-8"}


@public_bp.route("/sms/status/smsru", methods=["POST"])
@csrf.exempt
@tenant_free
def smsru_status():
    """SMS.ru's delivery reports; 404 without the configured token in the URL."""
    given = request.args.get("token", "")
    if not callback.token_matches(current_app.config.get("SMSRU_CALLBACK_TOKEN"), given):
        abort(404)
    callback.apply_reports(request.form.getlist("data[]"))
    # "100" is how SMS.ru hears that the reports arrived; anything else and it sends again.
    return "100", 200, PLAIN


def _asked(token: str):
    asked = unsubscribe.read(g.tenant, token)
    subscriber = unsubscribe.subscriber_of(g.tenant, asked) if asked else None
    if subscriber is None:
        abort(404)
    return asked, subscriber


@public_bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """The page a person opens from the link: what stops, and a button to confirm."""
    asked, subscriber = _asked(token)
    # The subscriber's language, whoever's browser opens the link.
    g.pop("_translations", None)
    with force_locale(locale_of(g.tenant, subscriber)):
        page = render_template(
            "notify/unsubscribe.html",
            token=token,
            event_name=EVENT_NAMES[asked.event],
            by_email=channel_for(g.tenant, subscriber, asked.event) == "email",
        )
    g.pop("_translations", None)
    return page, 200, {"Cache-Control": "no-store"}


@public_bp.post("/unsubscribe/<token>/confirm")
def unsubscribe_confirm(token: str):
    """The page's button (with its CSRF token)."""
    asked, subscriber = _asked(token)
    unsubscribe.apply(g.tenant, subscriber, asked.event)
    return redirect(url_for("notify_public.unsubscribe_page", token=token), 303)


@public_bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_one_click(token: str):
    """RFC 8058: the mail client's POST of List-Unsubscribe=One-Click, without a cookie
    or a CSRF token, which it cannot have; the signed token and the host decide."""
    if request.form.get("List-Unsubscribe") != "One-Click":
        abort(400)
    asked, subscriber = _asked(token)
    unsubscribe.apply(g.tenant, subscriber, asked.event)
    return "unsubscribed\n", 200, PLAIN
