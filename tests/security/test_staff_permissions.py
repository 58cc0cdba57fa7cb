"""Every console URL, read from app.url_map, against every role and another tenant's staff.

The roles' rights are written out here, apart from app.staff.roles, so a change to what a
role may do is a change to this table too.
"""

import pytest
import sqlalchemy as sa

from app.staff.access import RULES
from app.staff.roles import Permission, Role
from tests.security.surface import surface, url
from tests.web.helpdesk_steps import helpdesk_objects
from tests.web.queue_steps import ask_block, file_transfer
from tests.web.staff_steps import log_in, make_member
from tests.web.test_staff_provision import make_job

HOST = "netbynet.localhost"
P = Permission
EVERYONE = {P.SELF, P.VIEW, P.LOOKUP}
MAY = {
    Role.OPERATOR: EVERYONE | {P.SUBSCRIBER_SUPPORT, P.QUEUES, P.REQUESTS, P.CHAT, P.OUTBOX},
    Role.ACCOUNTANT: EVERYONE | {P.MONEY},
    Role.ADMINISTRATOR: EVERYONE | {P.STAFF, P.CONTENT, P.PROVISION, P.OUTBOX, P.AUDIT},
}


def expected(role: Role, permission: Permission, method: str) -> bool:
    if permission is P.SELF:
        return True  # one's own password, passkeys, logout
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


def objects_of(app, slug: str, make_subscriber, root, tenant_client) -> dict:
    """A real object of the tenant for each placeholder of the console's URLs (besides
    account_id, a staff member): a voluntary block's or a pause's request, a transfer, a
    news item, a queued message, a provisioning delivery, an import job, the helpdesk's
    requests, files, visits, callbacks and chats."""
    facts = make_subscriber(tenant=slug, balance=100_000)
    requester = make_member(app, slug, Role.ACCOUNTANT, email=f"requester-{slug}@staff.example")
    if slug == "netbynet":
        activation = ask_block(app, slug, facts["account_id"])
    else:
        activation = ask_block(app, slug, facts["account_id"], code="otpusk")
    transfer = file_transfer(app, slug, facts["id"], facts["account"], 1_000, root)
    return {
        "activation_id": activation,
        "transfer_id": transfer,
        "job_id": make_job(app, tenant_client, slug, f"{slug}.localhost"),
        **_objects(app, slug, make_subscriber),
        **helpdesk_objects(app, slug),
        **placeholders(app, make_subscriber, slug, requester.id),
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_what_its_table_says_and_nothing_else(
    app, tenant_client, make_subscriber, tmp_path, role
):
    member = make_member(app, "netbynet", role)
    other = make_member(app, "netbynet", Role.OPERATOR, email="colleague@staff.example")
    objects = objects_of(app, "netbynet", make_subscriber, tmp_path, tenant_client)
    client = tenant_client(HOST)
    log_in(app, client, member)
    wrong = []
    for rule, method, permission in console_routes(app):
        if rule == "/staff/logout":
            continue  # would end the session the sweep runs in; allowed to everyone
        values = {"account_id": other.id, "passkey_id": _passkey_of(app, member), **objects}
        path = url(rule, values)
        if method == "GET":
            answer = client.get(path)
        else:
            answer = client.post(path, data={"csrf_token": _token(client)})
        allowed = answer.status_code != 403
        if allowed != expected(role, permission, method):
            wrong.append(f"{method} {rule}: {answer.status_code}")
    assert not wrong, f"{role.value}: " + ", ".join(wrong)


def _passkey_of(app, member) -> int:
    """A passkey row of the member's (its key material does not matter here)."""
    from app.extensions import db
    from app.staff.models import StaffPasskey

    with app.app_context():
        row = StaffPasskey(
            account_id=member.id,
            credential_id=f"key-{member.id}-{len(member.email)}",
            public_key=b"-",
            rp_id="nowhere",
        )
        existing = db.session.scalar(
            sa.select(StaffPasskey.id).where(StaffPasskey.credential_id == row.credential_id)
        )
        if existing is not None:
            return existing
        db.session.add(row)
        db.session.commit()
        return row.id


def _objects(app, tenant: str, make_subscriber) -> dict[str, int]:
    """A real object of the tenant for each console URL placeholder beyond account_id."""
    from datetime import datetime

    from app.extensions import db
    from app.news.models import AuthoredNews
    from app.notify.models import QueuedMessage
    from app.persistence import utcnow
    from app.provisioning.models import ProvisioningEvent

    account = make_subscriber(tenant=tenant, logins={})
    with app.app_context():
        news = AuthoredNews(
            tenant=tenant,
            kind="news",
            regions=[],
            title={"ru": "Т"},
            text={"ru": "Т"},
            publish=datetime(2026, 1, 1),
            important=False,
        )
        now = utcnow()
        message = QueuedMessage(
            tenant=tenant,
            channel="sms",
            recipient="+79160000000",
            body="Т",
            status="failed",
            attempts=4,
            created_at=now,
            next_attempt_at=now,
        )
        # Delivered: a retry answers without posting to the tenant's network.
        event = ProvisioningEvent(
            tenant=tenant,
            event_id=f"sweep-{tenant}",
            account_id=account["account_id"],
            account_number=account["account"],
            event="tariff-changed",
            details={},
            status="delivered",
            attempts=1,
        )
        db.session.add_all([news, message, event])
        db.session.commit()
        return {"item_id": news.id, "message_id": message.id, "event_id": event.id}


def placeholders(app, make_subscriber, tenant: str, staff_id: int) -> dict:
    """A real object of the tenant for every placeholder of a console URL."""
    from app.extensions import db
    from app.payments.models import Payment, PaymentRefund
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
        # A paid online payment with a refund waiting for a second staff member.
        payment = Payment(
            tenant=tenant,
            reference=f"SWEEP-{tenant}",
            account_id=person["account_id"],
            method="card",
            amount=100000,
            status="succeeded",
            provider="sandbox",
            provider_payment_id=f"sbx_pay_sweep_{tenant}",
        )
        db.session.add_all([correction, payment])
        db.session.flush()
        refund = PaymentRefund(
            tenant=tenant,
            payment_id=payment.id,
            amount=60000,
            status="pending",
            requested_by=staff_id,
        )
        db.session.add(refund)
        db.session.commit()
        return {
            "subscriber_id": person["id"],
            "correction_id": correction.id,
            "refund_id": refund.id,
        }


def _token(client) -> str:
    import re

    page = client.get("/staff/password").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_another_tenants_staff_member_is_not_found(app, tenant_client, make_subscriber, tmp_path):
    stranger = make_member(app, "athome", Role.OPERATOR, email="stranger@staff.example")
    objects = objects_of(app, "athome", make_subscriber, tmp_path, tenant_client)
    # Each URL is tried by a role that may use it, so a 404 is the tenant's wall, not a 403.
    clients = {}
    for role in (Role.ADMINISTRATOR, Role.OPERATOR, Role.ACCOUNTANT):
        client = tenant_client(HOST)
        log_in(app, client, make_member(app, "netbynet", role))
        clients[role] = (client, _token(client))
    for rule, method, permission in console_routes(app):
        if "<" not in rule:
            continue
        role = next(r for r in clients if permission in MAY[r])
        client, token = clients[role]
        values = {"account_id": stranger.id, "passkey_id": _passkey_of(app, stranger), **objects}
        path = url(rule, values)
        if method == "GET":
            answer = client.get(path)
        else:
            answer = client.post(path, data={"csrf_token": token})
        assert answer.status_code == 404, f"{method} {rule} reached athome's object"
    team = clients[Role.ADMINISTRATOR][0].get("/staff/team").get_data(as_text=True)
    assert stranger.email not in team
