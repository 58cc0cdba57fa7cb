"""The language switcher's endpoint."""

from flask import Flask, current_app, g, redirect, request

from app.tenancy.locale import locale_cookie

from .redirects import same_site_path


def set_language():
    """Remember the subscriber's language choice and go back to the page they were on."""
    choice = request.form.get("lang", "")
    response = redirect(same_site_path(request.form.get("next")) or "/")
    if choice in g.tenant.config.locales.available:
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
