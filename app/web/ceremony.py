"""The request's side of a WebAuthn ceremony: this host as relying party, JSON in and out.

Shared by the subscribers' passkeys and the staff console's; the protocol itself is
app.core.webauthn.
"""

from flask import current_app, g, jsonify, request

from app.core.webauthn import RelyingParty
from app.tenancy.theming import text


def relying_party() -> RelyingParty:
    """This request's relying party: the host the tenancy layer resolved (it answered 400
    for any other), and the origin a browser on it reports."""
    host = current_app.extensions["tenancy"].host_name(request.host)
    if g.site.development:
        # *.localhost in development and tests: plain HTTP and a port are the usual case.
        port = request.host.rsplit(":", 1)[1] if request.host.count(":") == 1 else ""
        origin = f"{request.scheme}://{host}{':' + port if port else ''}"
    else:
        # WebAuthn runs only in a secure context: a production host is always HTTPS.
        origin = f"https://{host}"
    return RelyingParty(host, text(g.tenant.config.name), origin)


def json_body() -> dict | None:
    """The request's JSON object, or None for anything else."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def answer(status: int = 200, headers: dict | None = None, **data):
    """A JSON answer for passkeys.js, never cached."""
    response = jsonify(data)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    return response


def options_answer(options_json: str):
    """The ceremony's options, as py_webauthn wrote them."""
    response = current_app.response_class(options_json, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
