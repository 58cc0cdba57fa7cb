"""Passkeys (WebAuthn): a subscriber adds one on the security page, then logs in with it."""

from flask import Blueprint, Flask

bp = Blueprint(
    "passkeys",
    __name__,
    url_prefix="/passkeys",
    template_folder="templates",
)


def init_app(app: Flask) -> None:
    """Register the pages, the ceremonies' endpoints and the section's data."""
    from . import login_routes, models, routes  # noqa: F401  (views and tables register)

    app.register_blueprint(bp)
    # Other pages (the security page) include passkeys/section.html; it asks for its data.
    app.add_template_global(routes.passkey_section)
