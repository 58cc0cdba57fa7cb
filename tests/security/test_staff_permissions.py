"""Every console URL, read from app.url_map, against every role and another tenant's staff.

The roles' rights are written out here, apart from app.staff.roles, so a change to what a
role may do is a change to this table too.
"""

import pytest

from app.staff.access import RULES
from app.staff.roles import Permission, Role
from tests.security.surface import surface, url
from tests.web.helpdesk_steps import helpdesk_objects
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
def test_each_role_may_do_what_its_table_says_and_nothing_else(app, tenant_client, role):
    member = make_member(app, "netbynet", role)
    other = make_member(app, "netbynet", Role.OPERATOR, email="colleague@staff.example")
    values = {"account_id": other.id, **helpdesk_objects(app, "netbynet")}
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


def _token(client) -> str:
    import re

    page = client.get("/staff/password").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_another_tenants_staff_member_is_not_found(app, tenant_client):
    stranger = make_member(app, "athome", Role.OPERATOR, email="stranger@staff.example")
    values = {"account_id": stranger.id, **helpdesk_objects(app, "athome")}
    # Each URL is tried by a role that may use it: a 403 would say nothing of the tenant.
    clients = {}
    for role in (Role.ADMINISTRATOR, Role.OPERATOR, Role.ACCOUNTANT):
        clients[role] = tenant_client(HOST)
        log_in(app, clients[role], make_member(app, "netbynet", role))
    for rule, method, permission in console_routes(app):
        if "<" not in rule:
            continue
        role = next(r for r in clients if permission in MAY[r])
        client = clients[role]
        if method == "GET":
            answer = client.get(url(rule, values))
        else:
            answer = client.post(url(rule, values), data={"csrf_token": _token(client)})
        assert answer.status_code == 404, f"{method} {rule} reached athome's objects"
    client = clients[Role.ADMINISTRATOR]
    team = client.get("/staff/team").get_data(as_text=True)
    assert stranger.email not in team
