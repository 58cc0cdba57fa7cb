"""Things waiting in the console's queues, made through the features' own services."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from app.extensions import db
from app.options import service as options
from app.persistence import utcnow

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def tenant_of(app, slug: str):
    return app.extensions["tenancy"].tenants[slug]


def ask_option(app, slug: str, account_id: int, code: str, **asked) -> int:
    """The subscriber asks for an option (a voluntary block, an order); its activation id."""
    with app.app_context():
        row = options.activate(
            tenant_of(app, slug), account_id, code, options.Request(**asked), utcnow()
        )
        assert not isinstance(row, options.Refusal), row
        db.session.commit()
        return row.id


def ask_block(
    app, slug: str, account_id: int, days: int = 14, code: str = "voluntary-block"
) -> int:
    """A voluntary block (or another pause) from tomorrow, the ISP's tomorrow, for some days."""
    zone = ZoneInfo(tenant_of(app, slug).config.timezone)
    start = utcnow().astimezone(zone).date() + timedelta(days=1)
    return ask_option(app, slug, account_id, code, start=start, days=days)


def file_transfer(app, slug: str, subscriber_id: int, correct: str, amount: int, root) -> int:
    """The subscriber asks to move a payment of amount kopecks to account correct; its id."""
    from app.transfers import service as transfers

    details = transfers.Details(
        correct_account=correct,
        address="ул. Тестовая, 1",
        full_name="Тестов Тест",
        phone="+79215554317",
        paid_on=date.today() - timedelta(days=2),
        amount=amount,
        comment="Ошибся цифрой",
    )
    with app.app_context():
        filed = transfers.create_request(
            tenant_of(app, slug),
            subscriber_id,
            details,
            transfers.Receipt(PNG, "receipt.png"),
            root,
        )
        db.session.commit()
        return filed.id
