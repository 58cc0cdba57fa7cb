"""POST /usage/import: the ISP's accounting sends a day's (or a month's) usage records.

Server to server, so no CSRF token: the request carries `Authorization: Bearer <token>`,
the value of the environment variable the tenant's YAML names (provisioning.usage_token_env).
The host picks the tenant, and only that tenant's points are found. Answers are JSON:
200 {"stored": n}; 400 unreadable body; 401 no or wrong token; 403 import not configured;
413 too large; 415 neither JSON nor CSV; 422 rows that name no point of the tenant or
carry bad values, with every problem listed and nothing stored.
"""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import g, jsonify, request

from app.extensions import csrf

from . import bp, records, service

MAX_BODY = 8 * 1024 * 1024


@bp.route("/import", methods=["POST"])
@csrf.exempt
def import_usage():
    """Store the posted records for the host's tenant; JSON answer, never a 5xx for input."""
    refused = _refused_caller()
    if refused is not None:
        return refused
    if (request.content_length or 0) > MAX_BODY:
        return _error(413, f"the body is larger than {MAX_BODY} bytes: send it in parts")
    today = datetime.now(ZoneInfo(g.tenant.config.timezone)).date()
    try:
        rows = _rows(request.mimetype, request.get_data(cache=False), today)
        stored = service.store(g.tenant, rows)
    except records.Refused as exc:
        return _error(422, "records refused, nothing stored", exc.problems)
    except _Unreadable as exc:
        return _error(exc.status, str(exc))
    # Committed by the request once this answer is out without an error, like any view.
    return jsonify(stored=stored)


class _Unreadable(ValueError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _refused_caller():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    matches = service.token_matches(g.tenant, token.strip())
    if matches is None:
        return _error(403, "usage import is not configured for this ISP")
    if scheme.lower() != "bearer" or not matches:
        response = _error(401, "a valid Authorization: Bearer token is needed")
        response.headers["WWW-Authenticate"] = 'Bearer realm="usage-import"'
        return response
    return None


def _rows(mimetype: str, body: bytes, today) -> list[records.Row]:
    if len(body) > MAX_BODY:
        raise _Unreadable(413, f"the body is larger than {MAX_BODY} bytes: send it in parts")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Unreadable(400, "the body is not UTF-8") from None
    if mimetype == "application/json":
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            raise _Unreadable(400, "the body is not valid JSON") from None
        return records.from_json(document, today)
    if mimetype in {"text/csv", "text/plain"}:
        return records.from_csv(text, today)
    raise _Unreadable(415, "send application/json or text/csv")


def _error(status: int, message: str, problems: list[str] | None = None):
    answer = {"error": message}
    if problems:
        answer["problems"] = problems
    response = jsonify(answer)
    response.status_code = status
    return response
