"""Which language a page speaks: explicit choice, host's pin, browser, tenant default."""

from collections.abc import Iterable

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations
from flask_login import current_user

from app.extensions import babel


def locale_cookie() -> str:
    """The language cookie's name: __Host-lang in production, lang on a developer's machine."""
    return current_app.config.get("PORTAL_LOCALE_COOKIE", "lang")


def choose_locale(
    available: Iterable[str],
    default: str,
    chosen: Iterable[str | None] = (),
    pinned: str | None = None,
    accept: Iterable[tuple[str, float]] = (),
) -> str:
    """The first of: an explicit choice, the host's pinned locale, the best Accept-Language
    match, the tenant default; only ever one of the tenant's available locales."""
    available = list(available)
    for candidate in (*chosen, pinned):
        if candidate in available:
            return candidate
    for language, _quality in sorted(accept, key=lambda pair: -pair[1]):
        base = language.lower().replace("_", "-").split("-")[0]
        if base in available:
            return base
    return default


def select_locale() -> str:
    tenant = g.get("tenant")
    if tenant is None:
        return "en"
    user_locale = current_user.locale if current_user.is_authenticated else None
    return choose_locale(
        tenant.config.locales.available,
        tenant.config.locales.default,
        chosen=(request.cookies.get(locale_cookie()), user_locale),
        pinned=g.site.locale,
        accept=request.accept_languages,
    )


def select_timezone() -> str:
    tenant = g.get("tenant")
    return tenant.timezone(g.region) if tenant else "UTC"


def current_locale() -> str:
    """The current request's locale code, e.g. 'ru'."""
    return str(get_locale()) if has_request_context() else "ru"


def _translations():
    # Flask-Babel resolves domain, context and locale on every call; a page makes dozens.
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
    )
