"""The audit trail of what the core's signals announce: passwords, access, the network.

Each event a core signal already says inside its sender's transaction is recorded here,
once, so the feature that sends it needs no audit call of its own. Events without a
signal are recorded by the feature's service where the change is made (audit.record);
a login where every login session begins (app.web.login_session.begin).

A failed login is not an entry: it changes nothing the subscriber holds, the login
history on the Security page keeps it already, and anyone who types a login could
otherwise fill its holder's append-only trail.
"""

from flask import Flask

from app.core import audit
from app.core.signals import account_status_changed, password_changed, service_changed
from app.core.subscribers import holder_of


def _on_password_changed(tenant, subscriber_id: int, reason: str, **_facts) -> None:
    audit.record(tenant.slug, f"password.{reason}", subscriber_id=subscriber_id)


def _on_status_changed(tenant, account_id: int, old, new, cause, **_facts) -> None:
    audit.record(
        tenant.slug,
        "account.status_changed",
        subscriber_id=holder_of(tenant.slug, account_id),
        target=f"account:{account_id}",
        before={"status": str(old)},
        after={"status": str(new), "cause": str(cause)},
    )


def _on_service_changed(tenant, account_id: int, point_id, event: str, details: dict, **_f):
    # "tariff-changed" → "service.tariff_changed": what the network now enforces.
    before = {}
    after = dict(details)
    if event == "tariff-changed":
        before = {"tariff": after.pop("from", None)}
        after["tariff"] = after.pop("to", None)
    audit.record(
        tenant.slug,
        "service." + event.replace("-", "_"),
        subscriber_id=holder_of(tenant.slug, account_id),
        target=f"point:{point_id}" if point_id else f"account:{account_id}",
        before=before or None,
        after=after,
    )


def init_app(app: Flask) -> None:
    password_changed.connect(_on_password_changed)
    account_status_changed.connect(_on_status_changed)
    service_changed.connect(_on_service_changed)
