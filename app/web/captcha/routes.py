"""The picture of the code a form is showing."""

from flask import current_app, make_response

from app.extensions import limiter

from . import bp, browser, picture


@bp.get("/image.png")
@limiter.limit(lambda: current_app.config["PORTAL_CAPTCHA_IMAGE_LIMIT"])
def image():
    """The PNG of this browser's current picture code; never cached."""
    response = make_response(picture.draw_png(browser.code_to_draw()))
    response.mimetype = "image/png"
    # A stored copy would show a code that is no longer the one we expect.
    response.headers["Cache-Control"] = "no-store"
    return response
