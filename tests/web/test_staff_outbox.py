"""The outbox in the console: only this ISP's messages, secrets masked, a failed message
sent again once, a failed delivery to the network tried again once."""

from datetime import timedelta

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.notify.models import QueuedMessage, Status
from app.persistence import utcnow
from app.provisioning.models import ProvisioningEvent
from app.provisioning.models import Status as DeliveryStatus
from app.staff.roles import Role
from tests import network_receiver
from tests.web.staff_steps import log_in, make_member

network = network_receiver.network  # the fixture, for this module's tests

PAGE_LANG = "en"
HOST = "netbynet.localhost"


def _message(tenant="netbynet", status=Status.FAILED, body="Авария устранена", **extra) -> int:
    now = utcnow()
    row = QueuedMessage(
        tenant=tenant,
        channel="sms",
        recipient=extra.pop("recipient", "+79161234567"),
        body=body,
        status=status,
        attempts=4 if status == Status.FAILED else 0,
        created_at=now,
        next_attempt_at=now,
        last_error="OSError: gateway down" if status == Status.FAILED else None,
        **extra,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def _operator(app, tenant_client):
    member = make_member(app, "netbynet", Role.OPERATOR)
    client = tenant_client(HOST)
    log_in(app, client, member)
    return client


def test_only_this_tenants_messages_are_listed_and_secrets_masked(app, tenant_client):
    with app.app_context():
        ours = _message(recipient="+79160000001")
        theirs = _message(tenant="athome", recipient="+79160000002")
        code = _message(
            status=Status.PENDING,
            body="NetByNet: password recovery code 482913, valid for 10 min.",
            discard_after=utcnow() + timedelta(minutes=10),
        )
    page = _operator(app, tenant_client).get("/staff/outbox").get_data(as_text=True)
    assert f'data-message="{ours}"' in page and f'data-message="{code}"' in page
    assert f'data-message="{theirs}"' not in page and "+79160000002" not in page
    assert "482913" not in page and "4•••" in page


def test_filters(app, tenant_client):
    with app.app_context():
        failed = _message(recipient="+79160000001")
        pending = _message(status=Status.PENDING, recipient="+79160000003")
    client = _operator(app, tenant_client)
    page = client.get("/staff/outbox?status=failed").get_data(as_text=True)
    assert f'data-message="{failed}"' in page and f'data-message="{pending}"' not in page
    page = client.get("/staff/outbox?recipient=0003").get_data(as_text=True)
    assert f'data-message="{pending}"' in page and f'data-message="{failed}"' not in page
    page = client.get("/staff/outbox?channel=email").get_data(as_text=True)
    assert 'data-testid="no-messages"' in page


def test_resend_queues_exactly_one_new_attempt(app, tenant_client):
    with app.app_context():
        failed = _message()
    client = _operator(app, tenant_client)
    path = f"/staff/outbox/messages/{failed}/resend"
    assert client.form(path, {}, page="/staff/outbox").status_code == 302
    assert client.form(path, {}, page="/staff/outbox").status_code == 302
    with app.app_context():
        row = db.session.get(QueuedMessage, failed)
        # A fresh set of tries, one used after the response (the test SMS provider takes
        # it); the second click found it sent and queued nothing.
        assert row.attempts == 1 and row.status == Status.SENT
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QueuedMessage)) == 1
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.target == f"message:{failed}")
        ).all()
    assert actions == ["outbox.message_resent"]


def test_another_tenants_message_is_not_found(app, tenant_client):
    with app.app_context():
        theirs = _message(tenant="athome")
    client = _operator(app, tenant_client)
    answer = client.form(f"/staff/outbox/messages/{theirs}/resend", {}, page="/staff/outbox")
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.get(QueuedMessage, theirs).status == Status.FAILED


def test_the_deliveries_page_lists_this_tenants_deliveries(app, tenant_client):
    page = _operator(app, tenant_client).get("/staff/outbox/deliveries")
    assert page.status_code == 200
    assert 'data-testid="no-deliveries"' in page.get_data(as_text=True)


def _delivery(make_subscriber, tenant="athome", status=DeliveryStatus.FAILED) -> int:
    account = make_subscriber(tenant=tenant, logins={})
    row = ProvisioningEvent(
        tenant=tenant,
        event_id=f"event-{tenant}-{account['account_id']}",
        account_id=account["account_id"],
        account_number=account["account"],
        event="tariff-changed",
        details={"tariff": "fast"},
        status=status,
        attempts=5,
        last_error="OSError: connection refused",
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def test_retry_queues_exactly_one_new_attempt(app, tenant_client, make_subscriber, network):
    with app.app_context():
        failed = _delivery(make_subscriber)
    admin = make_member(app, "athome", Role.ADMINISTRATOR)
    client = tenant_client("athome.localhost")
    log_in(app, client, admin)
    page = client.get("/staff/outbox/deliveries?status=failed").get_data(as_text=True)
    assert f'data-delivery="{failed}"' in page and "connection refused" in page
    path = f"/staff/outbox/deliveries/{failed}/retry"
    assert client.form(path, {}, page="/staff/outbox/deliveries").status_code == 302
    assert client.form(path, {}, page="/staff/outbox/deliveries").status_code == 302
    # Posted once after the response, not inside it, and not again for the second click.
    assert len(network.arrivals) == 1
    with app.app_context():
        row = db.session.get(ProvisioningEvent, failed)
        assert (row.status, row.attempts) == (DeliveryStatus.DELIVERED, 6)
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.target == f"provisioning:{failed}")
        ).all()
    assert actions == ["outbox.delivery_retried"]


def test_another_tenants_delivery_is_not_retried(app, tenant_client, make_subscriber):
    with app.app_context():
        theirs = _delivery(make_subscriber)
    client = _operator(app, tenant_client)
    page = client.get("/staff/outbox/deliveries").get_data(as_text=True)
    assert f'data-delivery="{theirs}"' not in page
    answer = client.form(
        f"/staff/outbox/deliveries/{theirs}/retry", {}, page="/staff/outbox/deliveries"
    )
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.get(ProvisioningEvent, theirs).status == DeliveryStatus.FAILED
