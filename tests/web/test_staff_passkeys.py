"""A staff member adds a passkey after a fresh login, then uses it at login instead of the code."""

from datetime import timedelta

import sqlalchemy as sa

from app.core import audit
from app.staff.models import StaffPasskey, StaffSession
from app.staff.roles import Role
from tests.passkey_authenticator import SoftAuthenticator
from tests.web.passkey_steps import csrf_of, origin_of, post_json
from tests.web.staff_steps import PASSWORD, log_in, make_member

PAGE_LANG = "en"
HOST = "novotelecom.localhost"


def _add(client, key: SoftAuthenticator, name: str = "YubiKey"):
    token = csrf_of(client, "/staff/passkeys")
    options = post_json(client, "/staff/passkeys/options", {}, token)
    assert options.status_code == 200, options.get_data(as_text=True)
    credential = key.create(options.get_json(), origin_of(client))
    return post_json(
        client, "/staff/passkeys/verify", {"credential": credential, "name": name}, token
    )


def _password_step(client, member):
    client.form("/staff/login", {"email": member.email, "password": PASSWORD})


def _with_passkey(client, key: SoftAuthenticator):
    token = csrf_of(client, "/staff/login/code")
    options = post_json(client, "/staff/login/passkey/options", {}, token)
    assert options.status_code == 200, options.get_data(as_text=True)
    assertion = key.get(options.get_json(), origin_of(client))
    return post_json(client, "/staff/login/passkey/verify", {"credential": assertion}, token)


def test_a_passkey_replaces_the_code_after_the_password(app, tenant_client):
    member = make_member(app, "novotelecom", Role.OPERATOR)
    client = tenant_client(HOST)
    log_in(app, client, member)
    key = SoftAuthenticator()
    added = _add(client, key)
    assert added.status_code == 200 and added.get_json()["redirect"] == "/staff/passkeys"
    assert "YubiKey" in client.get("/staff/passkeys").get_data(as_text=True)

    fresh = tenant_client(HOST)
    _password_step(fresh, member)
    assert "Use my passkey instead" in fresh.get("/staff/login/code").get_data(as_text=True)
    done = _with_passkey(fresh, key)
    assert done.status_code == 200 and done.get_json()["redirect"] == "/staff/"
    assert fresh.get("/staff/").status_code == 200
    with app.app_context():
        actions = [e.action for e in audit.entries("novotelecom", actor_kind="staff")]
        assert "staff.passkey_added" in actions
        logins = [e for e in audit.entries("novotelecom", action="staff.logged_in")]
        assert logins[0].changes()[1] == {"by": "passkey"}


def test_the_passkey_alone_opens_nothing(app, tenant_client):
    member = make_member(app, "novotelecom", Role.OPERATOR)
    client = tenant_client(HOST)
    log_in(app, client, member)
    key = SoftAuthenticator()
    _add(client, key)
    stranger = tenant_client(HOST)
    token = csrf_of(stranger, "/login")
    refused = post_json(stranger, "/staff/login/passkey/options", {}, token)
    assert refused.status_code == 400, "without the password step there is nothing to sign"
    assert stranger.get("/staff/").status_code == 302


def test_another_members_passkey_is_not_accepted(app, tenant_client):
    owner = make_member(app, "novotelecom", Role.OPERATOR)
    other = make_member(app, "novotelecom", Role.ACCOUNTANT, email="other@staff.example")
    owner_client = tenant_client(HOST)
    log_in(app, owner_client, owner)
    owner_key = SoftAuthenticator()
    _add(owner_client, owner_key)
    other_client = tenant_client(HOST)
    log_in(app, other_client, other)
    _add(other_client, SoftAuthenticator())
    thief = tenant_client(HOST)
    _password_step(thief, other)
    assert _with_passkey(thief, owner_key).status_code == 400
    assert thief.get("/staff/").status_code == 302


def test_a_passkey_of_another_host_is_not_offered(app, tenant_client):
    member = make_member(app, "novotelecom", Role.OPERATOR)
    make_member(app, "tomtel", Role.OPERATOR, email=member.email)
    client = tenant_client(HOST)
    log_in(app, client, member)
    _add(client, SoftAuthenticator())
    tomtel = tenant_client("tomtel.localhost")
    _password_step(tomtel, member)
    assert "Use my passkey instead" not in tomtel.get("/staff/login/code").get_data(as_text=True)
    token = _token(tomtel, "/staff/login/code")
    assert post_json(tomtel, "/staff/login/passkey/options", {}, token).status_code == 400


def test_adding_a_passkey_needs_a_fresh_login(app, tenant_client):
    from app.extensions import db

    member = make_member(app, "novotelecom", Role.OPERATOR)
    client = tenant_client(HOST)
    log_in(app, client, member)
    with app.app_context():
        row = db.session.scalar(sa.select(StaffSession).where(StaffSession.account_id == member.id))
        row.created_at -= timedelta(minutes=11)
        db.session.commit()
    page = client.get("/staff/passkeys").get_data(as_text=True)
    assert "log in again" in page and "data-passkey-register" not in page
    options = client.post(
        "/staff/passkeys/options", json={}, headers={"X-CSRFToken": _token(client)}
    )
    assert options.status_code == 403


def _token(client, path: str = "/staff/password") -> str:
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_removing_and_reset_take_passkeys_away(app, tenant_client):
    from app.extensions import db

    member = make_member(app, "novotelecom", Role.OPERATOR)
    admin = make_member(app, "novotelecom", Role.ADMINISTRATOR)
    client = tenant_client(HOST)
    log_in(app, client, member)
    _add(client, SoftAuthenticator(), name="first")
    _add(client, SoftAuthenticator(), name="second")
    with app.app_context():
        first = db.session.scalar(sa.select(StaffPasskey).where(StaffPasskey.name == "first"))
        first_id = first.id
    client.form(f"/staff/passkeys/{first_id}/remove", {}, page="/staff/passkeys")
    listed = client.get("/staff/passkeys").get_data(as_text=True)
    assert "first" not in listed and "second" in listed
    boss = tenant_client(HOST)
    log_in(app, boss, admin)
    boss.form(f"/staff/passkeys/{first_id}/remove", {}, page="/staff/passkeys")  # not theirs
    boss.form(f"/staff/team/{member.id}/reset", {}, page="/staff/team")
    with app.app_context():
        assert db.session.scalars(sa.select(StaffPasskey)).all() == []
