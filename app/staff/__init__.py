"""The staff console: the ISP's operators, under /staff on the tenant's own hosts."""

from flask import Blueprint, Flask

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


def init_app(app: Flask) -> None:
    from . import (  # noqa: F401  (views attach to bp on import)
        access,
        appointment_routes,
        audit_routes,
        auth_routes,
        chat_routes,
        cli,
        content_routes,
        helpdesk_routes,
        home_routes,
        lookup_routes,
        money_routes,
        outbox_routes,
        passkey_routes,
        provision_routes,
        queue_routes,
        refund_routes,
        team_routes,
    )

    app.register_blueprint(bp)
    cli.register(app)
