"""Steps shared by the technician visit tests (SQLite and PostgreSQL)."""

from app.extensions import db
from app.help import visits
from app.help.models import HelpVisit


def iphome(app):
    return app.extensions["tenancy"].tenants["iphome"]


def point_of(app, subscriber_id: int) -> int:
    with app.app_context():
        return visits.points_of(iphome(app), subscriber_id)[0].id


def book(app, subscriber_id: int, key: str, now=None) -> int:
    """A visit booked through the service and committed; its request number."""
    with app.app_context():
        filed = visits.book(
            iphome(app), subscriber_id, "no_internet", point_of(app, subscriber_id), key, now
        )
        db.session.commit()
        return filed.number


def places_taken(app, start) -> list[int]:
    with app.app_context():
        return sorted(
            db.session.scalars(
                db.select(HelpVisit.place).where(
                    HelpVisit.slot_start == start, HelpVisit.place.is_not(None)
                )
            )
        )
