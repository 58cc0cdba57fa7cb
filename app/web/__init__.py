"""What the features' pages share: the browser's login session, form pieces, the picture code.

It stands on tenancy and the core and knows no feature: login, recovery, payments … all
build their views with it.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register who acts (for the audit trail), the picture-code image route, its store of
    spent challenges and the language switcher."""
    from . import acting, captcha, language

    acting.init_app(app)
    captcha.init_app(app)
    language.init_app(app)
