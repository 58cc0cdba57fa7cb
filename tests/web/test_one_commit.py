"""One commit per request: what a view wrote lands only when it answered without an error."""

import pytest
from flask import Blueprint, abort, g

from app.core.ledger import EntryKind, post_entry
from app.core.subscribers import tenant_account
from app.extensions import db


@pytest.fixture
def portal(app, make_app, make_subscriber):
    """The portal plus three views that post a correction and then answer differently."""
    facts = make_subscriber(balance=1000)
    extra = make_app()
    views = Blueprint("writes", __name__)

    def correct(reference: str) -> None:
        post_entry(g.tenant.slug, facts["account_id"], 500, EntryKind.CORRECTION, reference)

    @views.post("/test/ok")
    def ok():
        correct("test:ok")
        return "done"

    @views.post("/test/refused")
    def refused():
        correct("test:refused")
        abort(409)

    @views.post("/test/broken")
    def broken():
        correct("test:broken")
        raise RuntimeError("half-way")

    extra.register_blueprint(views)
    extra.config["WTF_CSRF_ENABLED"] = False
    extra.config["PROPAGATE_EXCEPTIONS"] = False  # answer 500 as in production
    return extra, facts


def balance(application, facts) -> int:
    with application.app_context():
        tenant = application.extensions["tenancy"].tenants["acme"]
        return tenant_account(tenant, facts["account_id"]).balance


@pytest.mark.parametrize(
    ("path", "status", "kept"),
    [
        ("/test/ok", 200, 1500),
        ("/test/refused", 409, 1000),
        ("/test/broken", 500, 1000),
    ],
)
def test_writes_land_only_with_a_successful_answer(portal, path, status, kept):
    application, facts = portal
    client = application.test_client()
    client.set_cookie("lang", "en", domain="acme.localhost")
    response = client.post(path, base_url="http://acme.localhost")
    assert response.status_code == status
    if status == 500:
        assert "Nothing was changed" in response.get_data(as_text=True)
    assert balance(application, facts) == kept
    with application.app_context():
        db.session.remove()
