"""The language switcher's endpoint: the header's switcher and the profile's choice alike."""

from flask import Flask, current_app, g, redirect, request
from flask_login import current_user

from app.core import audit
from app.core.subscribers import subscriber_of
from app.tenancy.locale import locale_cookie

from .redirects import same_site_path


def remember_language(choice: str) -> bool:
    """Keep choice for this browser and, when logged in, in the subscriber's profile, so
    their other devices speak it too."""
    if choice not in g.tenant.config.locales.available:
        return False
    if current_user.is_authenticated and not current_user.shared_demo:
        subscriber = subscriber_of(g.tenant, current_user.subscriber_id)
        if subscriber is not None and subscriber.locale != choice:
            audit.record(
                g.tenant.slug,
                "profile.language_changed",
                subscriber_id=subscriber.id,
                before={"language": subscriber.locale},
                after={"language": choice},
            )
            subscriber.locale = choice
    return True


def set_language():
    """Remember the subscriber's language choice and go back to the page they were on."""
    choice = request.form.get("lang", "")
    response = redirect(same_site_path(request.form.get("next")) or "/")
    if remember_language(choice):
        response.set_cookie(
            locale_cookie(),
            choice,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=bool(request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]),
        )
    return response


def init_app(app: Flask) -> None:
    app.add_url_rule("/language", "set_language", set_language, methods=["POST"])
