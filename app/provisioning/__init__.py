"""Telling the ISP's network what changed: an outbox of signed webhooks, heard from
`service_changed` and delivered after the response by this process and `flask provisioning`."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Record every service change in its transaction, post it after the response, and add
    `flask provisioning deliver|show|retry`."""
    from app.core.signals import service_changed

    from . import outbox
    from .cli import provisioning_cli

    service_changed.connect(_on_service_changed, weak=False)
    outbox.init_app(app)
    app.cli.add_command(provisioning_cli)


def _on_service_changed(tenant, account_id, point_id, event, details, **_):
    # Inside the sender's transaction: the row commits or rolls back with the change.
    from .outbox import record

    record(tenant, account_id, point_id, event, details)
