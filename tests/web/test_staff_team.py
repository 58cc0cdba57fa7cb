"""An ISP's administrator adds staff, changes roles, resets logins and takes access away."""

import re

import pyotp

from app.staff import service
from app.staff.roles import Role
from tests.web.staff_steps import log_in, make_member

PAGE_LANG = "en"
HOST = "athome.localhost"


def _admin(app, tenant_client):
    admin = make_member(app, "athome", Role.ADMINISTRATOR)
    client = tenant_client(HOST)
    log_in(app, client, admin)
    return admin, client


def _issued_password(page: str) -> str:
    return re.search(r'<p class="temporary-password"><code>([^<]+)</code>', page).group(1)


def test_a_new_staff_member_gets_a_temporary_password_that_works(app, tenant_client):
    _admin_member, client = _admin(app, tenant_client)
    added = client.form(
        "/staff/team",
        {"name": "Ольга Кассир", "email": "Olga@Staff.Example", "role": "accountant"},
    )
    assert added.status_code == 200
    password = _issued_password(added.get_data(as_text=True))
    assert "olga@staff.example" in client.get("/staff/team").get_data(as_text=True)
    newcomer = tenant_client(HOST)
    first = newcomer.form("/staff/login", {"email": "olga@staff.example", "password": password})
    assert first.headers["Location"].startswith("/staff/login/enrol")


def test_a_bad_form_says_what_is_wrong_and_keeps_what_was_typed(app, tenant_client):
    _admin_member, client = _admin(app, tenant_client)
    answer = client.form(
        "/staff/team", {"name": "Пётр", "email": "not-an-address", "role": "operator"}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Please enter an e-mail address." in page and 'value="Пётр"' in page


def test_someone_of_another_isp_keeps_their_login_and_gets_a_role_here(app, tenant_client):
    elsewhere = make_member(app, "tomtel", Role.OPERATOR, email="shared@staff.example")
    _admin_member, client = _admin(app, tenant_client)
    added = client.form("/staff/team", {"name": "X", "email": elsewhere.email, "role": "auditor"})
    page = added.get_data(as_text=True)
    assert "temporary-password" not in page
    with app.app_context():
        assert service.tenants_of(elsewhere.id) == [("athome", "auditor"), ("tomtel", "operator")]
    again = client.form("/staff/team", {"name": "X", "email": elsewhere.email, "role": "auditor"})
    assert again.status_code == 422
    assert "already works in this ISP" in again.get_data(as_text=True)


def test_changing_a_role_changes_what_they_may_do(app, tenant_client):
    colleague = make_member(app, "athome", Role.OPERATOR, email="op@staff.example")
    _admin_member, client = _admin(app, tenant_client)
    theirs = tenant_client(HOST)
    log_in(app, theirs, colleague)
    assert theirs.get("/staff/team").status_code == 403
    client.form(f"/staff/team/{colleague.id}/role", {"role": "administrator"}, page="/staff/team")
    assert theirs.get("/staff/team").status_code == 200


def test_removing_a_member_ends_their_console_sessions(app, tenant_client):
    colleague = make_member(app, "athome", Role.OPERATOR, email="gone@staff.example")
    _admin_member, client = _admin(app, tenant_client)
    theirs = tenant_client(HOST)
    log_in(app, theirs, colleague)
    assert theirs.get("/staff/").status_code == 200
    client.form(f"/staff/team/{colleague.id}/remove", {}, page="/staff/team")
    assert theirs.get("/staff/").status_code == 302
    assert "gone@staff.example" not in client.get("/staff/team").get_data(as_text=True)


def test_a_reset_login_needs_a_new_password_and_a_new_authenticator(app, tenant_client):
    colleague = make_member(app, "athome", Role.OPERATOR, email="lost@staff.example")
    _admin_member, client = _admin(app, tenant_client)
    theirs = tenant_client(HOST)
    log_in(app, theirs, colleague)
    reset = client.form(f"/staff/team/{colleague.id}/reset", {}, page="/staff/team")
    password = _issued_password(reset.get_data(as_text=True))
    assert theirs.get("/staff/").status_code == 302, "their open session ended"
    fresh = tenant_client(HOST)
    step = fresh.form("/staff/login", {"email": colleague.email, "password": password})
    assert step.headers["Location"].startswith("/staff/login/enrol")
    old_code = pyotp.TOTP(colleague.secret).now()
    assert fresh.form("/staff/login/enrol", {"code": old_code}).status_code == 200


def test_nobody_removes_or_resets_themselves(app, tenant_client):
    admin, client = _admin(app, tenant_client)
    for action in ("remove", "reset", "role"):
        answer = client.form(
            f"/staff/team/{admin.id}/{action}", {"role": "operator"}, page="/staff/team"
        )
        assert answer.status_code == 403, action


def test_flask_staff_create_makes_the_first_administrator(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--tenant",
            "iphome",
            "--email",
            "boss@iphome.example",
            "--name",
            "Boss",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "administrator of iphome" in result.output
    password = re.search(r"Temporary password: (\S+)", result.output).group(1)
    with app.app_context():
        assert service.authenticate("iphome", "boss@iphome.example", password, "test") is not None
        assert service.authenticate("tomtel", "boss@iphome.example", password, "test") is None
    twice = runner.invoke(
        args=[
            "staff",
            "create",
            "--tenant",
            "iphome",
            "--email",
            "boss@iphome.example",
            "--name",
            "B",
        ]
    )
    assert twice.exit_code != 0 and "exists" in twice.output
    unknown = runner.invoke(
        args=["staff", "create", "--tenant", "nowhere", "--email", "a@b.example", "--name", "A"]
    )
    assert unknown.exit_code != 0 and "no tenant" in unknown.output


def test_every_change_to_the_staff_is_in_the_audit_trail(app, tenant_client):
    from app.core import audit

    admin, client = _admin(app, tenant_client)
    client.form("/staff/team", {"name": "Аня", "email": "anya@staff.example", "role": "operator"})
    with app.app_context():
        anya = service.account_by_email("anya@staff.example").id
    client.form(f"/staff/team/{anya}/role", {"role": "auditor"}, page="/staff/team")
    client.form(f"/staff/team/{anya}/reset", {}, page="/staff/team")
    client.form(f"/staff/team/{anya}/remove", {}, page="/staff/team")
    with app.app_context():
        trail = list(reversed(audit.entries("athome", actor_kind="staff")))
        assert [e.action for e in trail] == [
            "staff.logged_in",
            "staff.added",
            "staff.role_changed",
            "staff.login_reset",
            "staff.removed",
        ]
        assert {(e.actor_id, e.actor_name) for e in trail} == {(admin.id, "Administrator")}
        assert trail[2].changes() == ({"role": "operator"}, {"role": "auditor"})
        assert all(e.target == f"staff:{anya}" for e in trail[1:])
        assert all(e.network == "127.0.0.0/24" for e in trail), "the network, not the address"
        assert audit.entries("tomtel") == []
