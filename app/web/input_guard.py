"""Requests no browser form could honestly send are a 400 before any view sees them."""

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# PostgreSQL text cannot hold NUL, and no field of ours means a control character; a
# form's textarea may carry tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FORM_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every table's key is an INTEGER column (32 bits on PostgreSQL): a larger id names no row.
ID_MAX = 2**31 - 1
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class BoundedIntegerConverter(IntegerConverter):
    """Flask's <int:…> capped at the largest key a table holds, so a huge id is a 404, not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, min, ID_MAX if max is None else max, signed)


def _has_control(pairs, pattern: re.Pattern) -> bool:
    return any(pattern.search(key) or pattern.search(value) for key, value in pairs)


def refuse_control_characters() -> None:
    """Answer 400 for control characters in the path, the query or a form's fields."""
    if _CONTROL.search(request.path) or _has_control(request.args.items(multi=True), _CONTROL):
        abort(400)
    if request.mimetype in FORM_TYPES and _has_control(
        request.form.items(multi=True), _FORM_CONTROL
    ):
        abort(400)


def init_app(app: Flask) -> None:
    """Bound <int:…> app-wide and refuse control characters; call before any route or
    other before-request hook is added, so a bad path never reaches the database."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_control_characters)
