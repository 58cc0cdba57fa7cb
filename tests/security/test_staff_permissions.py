"""Every console URL, read from app.url_map, against every role and another tenant's staff.

The roles' rights are written out here, apart from app.staff.roles, so a change to what a
role may do is a change to this table too.
"""

import pytest

from app.staff.access import RULES
from app.staff.roles import Permission, Role
from tests.security.surface import surface, url
from tests.web.staff_steps import log_in, make_member

HOST = "netbynet.localhost"
P = Permission
EVERYONE = {P.VIEW, P.LOOKUP}
MAY = {
    Role.OPERATOR: EVERYONE | {P.SUBSCRIBER_SUPPORT, P.QUEUES, P.REQUESTS, P.CHAT, P.OUTBOX},
    Role.ACCOUNTANT: EVERYONE | {P.MONEY},
    Role.ADMINISTRATOR: EVERYONE | {P.STAFF, P.CONTENT, P.PROVISION, P.OUTBOX, P.AUDIT},
}


def expected(role: Role, permission: Permission, method: str) -> bool:
    if role is Role.AUDITOR:
        return method == "GET"
    return permission in MAY[role]


def console_routes(app) -> list[tuple[str, str, Permission]]:
    """(rule, method, permission) of every console URL that needs a session."""
    found = []
    for rule, method, _params in surface(app):
        if not rule.startswith("/staff"):
            continue
        endpoint = next(r.endpoint for r in app.url_map.iter_rules() if r.rule == rule)
        if RULES.get(endpoint) is not None:
            found.append((rule, method, RULES[endpoint]))
    return found


def test_every_console_url_declares_who_may_use_it(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.rule.startswith("/staff")}
    assert endpoints, "the console has no URL"
    assert endpoints <= set(RULES), f"undeclared: {sorted(endpoints - set(RULES))}"
    assert len(console_routes(app)) >= 6


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_what_its_table_says_and_nothing_else(
    app, tenant_client, make_subscriber, role
):
    member = make_member(app, "netbynet", role)
    other = make_member(app, "netbynet", Role.OPERATOR, email="colleague@staff.example")
    values = placeholders(app, make_subscriber, "netbynet", other.id)
    client = tenant_client(HOST)
    log_in(app, client, member)
    wrong = []
    for rule, method, permission in console_routes(app):
        if rule == "/staff/logout":
            continue  # would end the session the sweep runs in; allowed to everyone
        path = url(rule, values)
        if method == "GET":
            answer = client.get(path)
        else:
            answer = client.post(path, data={"csrf_token": _token(client)})
        allowed = answer.status_code != 403
        if allowed != expected(role, permission, method):
            wrong.append(f"{method} {rule}: {answer.status_code}")
    assert not wrong, f"{role.value}: " + ", ".join(wrong)


def placeholders(app, make_subscriber, tenant: str, staff_id: int) -> dict:
    """A real object of the tenant for every placeholder of a console URL."""
    from app.extensions import db
    from app.staff.money import StaffCorrection

    person = make_subscriber(tenant=tenant, phone="+79131234567", balance=100000)
    with app.app_context():
        correction = StaffCorrection(
            tenant=tenant,
            account_id=person["account_id"],
            kind="credit",
            amount=600000,
            reason="sweep",
            status="pending",
            requested_by=staff_id,
            requested_by_name="Sweep",
        )
        db.session.add(correction)
        db.session.commit()
        return {
            "account_id": staff_id,
            "subscriber_id": person["id"],
            "correction_id": correction.id,
        }


def _token(client) -> str:
    import re

    page = client.get("/staff/password").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_another_tenants_staff_member_is_not_found(app, tenant_client, make_subscriber):
    stranger = make_member(app, "athome", Role.OPERATOR, email="stranger@staff.example")
    values = placeholders(app, make_subscriber, "athome", stranger.id)
    # Each URL is tried by a role that may use it, so the answer is the object's, not a 403.
    clients = {}
    for role in (Role.ADMINISTRATOR, Role.OPERATOR, Role.ACCOUNTANT):
        client = tenant_client(HOST)
        log_in(app, client, make_member(app, "netbynet", role))
        clients[role] = (client, _token(client))
    for rule, method, permission in console_routes(app):
        if "<" not in rule or method == "GET":
            continue
        role = next(r for r in clients if permission in MAY[r])
        client, token = clients[role]
        answer = client.post(url(rule, values), data={"csrf_token": token})
        assert answer.status_code == 404, f"{method} {rule} reached athome's objects"
    client = clients[Role.ADMINISTRATOR][0]
    team = client.get("/staff/team").get_data(as_text=True)
    assert stranger.email not in team
