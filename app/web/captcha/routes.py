"""The picture and the recording of the code a form is showing."""

from flask import current_app, g, make_response
from flask_limiter.util import get_remote_address

from app.extensions import limiter
from app.tenancy.locale import current_locale

from . import bp, browser, picture, sound


def _client_key() -> str:
    # Each tenant's own budget per client address: one ISP's visitors behind a shared
    # address never spend another ISP's.
    return f"{g.tenant.slug}:{get_remote_address()}"


# The picture and the recording draw from one budget, so offering both gives a script no
# more codes to look at than the picture alone did.
media_limit = limiter.shared_limit(
    lambda: current_app.config["PORTAL_CAPTCHA_IMAGE_LIMIT"],
    scope="captcha-media",
    key_func=_client_key,
)


def _uncached(body: bytes, mimetype: str):
    response = make_response(body)
    response.mimetype = mimetype
    # A stored copy would give a code that is no longer the one we expect.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/image.png")
@media_limit
def image():
    """The PNG of this browser's current code; never cached."""
    return _uncached(picture.draw_png(browser.code_to_show()), "image/png")


@bp.get("/audio.wav")
@media_limit
def audio():
    """The same code read aloud in the page's language, as WAV; never cached."""
    return _uncached(sound.speak_wav(browser.code_to_show(), current_locale()), "audio/wav")
