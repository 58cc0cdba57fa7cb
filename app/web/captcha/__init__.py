"""Picture codes ("captcha") with a text question as the accessible alternative.

Forms subclass `forms.CaptchaForm` (or add a `forms.CaptchaField`), templates call
`captcha_field(form)` from macros/captcha.html, and GET /captcha/image.png draws the
picture of the code this browser was last shown.
"""

from flask import Blueprint, Flask
from limits.storage import storage_from_string

bp = Blueprint("captcha", __name__, url_prefix="/captcha")


def init_app(app: Flask) -> None:
    """Register the image route and the store that remembers challenges already checked."""
    from . import routes  # noqa: F401  (views attach to bp on import)

    # The session is a signed cookie a client can send again; single use needs a record
    # kept on our side. The rate limits' store is shared by every worker (Redis in
    # production), so spent challenges go there too, under their own key prefix.
    app.extensions["captcha"] = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.config.setdefault("PORTAL_CAPTCHA_IMAGE_LIMIT", "30 per minute")
    app.register_blueprint(bp)
