"""Drawing a code as a PNG picture."""

import functools

from captcha.image import ImageCaptcha, random_color

WIDTH, HEIGHT = 200, 70


class _DarkInkCaptcha(ImageCaptcha):
    # The library pastes each character with its brightness as opacity, so dark ink comes
    # out pale grey; a steeper table keeps dark ink opaque and the code legible.
    lookup_table = [min(255, i * 6) for i in range(256)]


@functools.cache
def _painter() -> ImageCaptcha:
    # One instance per process: it loads its fonts once.
    return _DarkInkCaptcha(width=WIDTH, height=HEIGHT)


def draw_png(code: str) -> bytes:
    """A distorted picture of the code, as PNG bytes."""
    ink = random_color(40, 100, 255)
    return _painter().generate(code, format="png", fg_color=ink).getvalue()
