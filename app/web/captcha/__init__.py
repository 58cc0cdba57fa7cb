"""Picture codes ("captcha"), with the same code read aloud as the accessible alternative.

Forms subclass `forms.CaptchaForm` (or add a `forms.CaptchaField`), templates call
`captcha_field(form)` from macros/captcha.html, GET /captcha/image.png draws the code this
browser was last shown and GET /captcha/audio.wav reads it aloud in the page's language.
`flask captcha voices` records the spoken digits ahead of first use (sound.py).
"""

import os

import click
from flask import Blueprint, Flask
from flask.cli import AppGroup
from limits.storage import storage_from_string

bp = Blueprint("captcha", __name__, url_prefix="/captcha")
captcha_cli = AppGroup("captcha", help="The picture code and its recording.")


@captcha_cli.command("voices")
def voices_command() -> None:
    """Record the spoken digits of every language with espeak-ng, where not yet recorded."""
    from . import sound

    root = sound.voices_root()
    for locale in sound.VOICES:
        folder = sound.make_voices(root, locale)
        click.echo(f"{locale}: {folder or 'espeak-ng is missing or has no voice; English is read'}")


def init_app(app: Flask) -> None:
    """Register the picture and sound routes and the store of challenges already checked."""
    from . import routes  # noqa: F401  (views attach to bp on import)

    # The session is a signed cookie a client can send again; single use needs a record
    # kept on our side. The rate limits' store is shared by every worker (Redis in
    # production), so spent challenges go there too, under their own key prefix.
    app.extensions["captcha"] = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.config.setdefault("PORTAL_CAPTCHA_IMAGE_LIMIT", "30 per minute")
    app.config.setdefault(
        "PORTAL_CAPTCHA_VOICES", os.path.join(app.instance_path, "captcha-voices")
    )
    app.cli.add_command(captcha_cli)
    app.register_blueprint(bp)
