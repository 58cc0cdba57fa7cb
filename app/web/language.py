"""The language switcher's endpoint."""

from flask import Flask, g, redirect, request

from app.tenancy.locale import LOCALE_COOKIE

from .redirects import same_site_path


def set_language():
    """Remember the subscriber's language choice and go back to the page they were on."""
    choice = request.form.get("lang", "")
    response = redirect(same_site_path(request.form.get("next")) or "/")
    if choice in g.tenant.config.locales.available:
        response.set_cookie(
            LOCALE_COOKIE,
            choice,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=bool(request.is_secure),
        )
    return response


def init_app(app: Flask) -> None:
    app.add_url_rule("/language", "set_language", set_language, methods=["POST"])
