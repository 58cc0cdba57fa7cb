"""What every feature stands on: subscribers, the ledger, money, calendar, verification.

The core imports only the tenancy package and the ground modules (config, extensions,
persistence); it knows no feature and reads no request, session or g.
"""

from flask import Flask

from . import audit, money  # noqa: F401  (audit: its model joins the metadata)


def init_app(app: Flask) -> None:
    """Give templates the core's formatting: amounts as «1 234,56 ₽» in the page's language."""
    app.add_template_filter(money.money)
