"""Re-polling: payments still pending long after the payer left are asked of the gateway.

A notification can be lost (the portal was down, a proxy refused it, the gateway gave up).
Every 10 minutes (periodic job payments.repoll, or `flask payments repoll`) each payment
pending longer than `minutes` is asked for its state (the adapter's fetch_state) and the
answer is settled through callback.settle_state: the same locked path as a notification,
so a payment whose notification arrives as well is still credited once.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core import jobs
from app.extensions import db
from app.persistence import utcnow
from app.tenancy import registry_of
from app.tenancy.registry import Tenant

from .callback import settle_state
from .models import Payment, PaymentStatus
from .providers import NotificationRejected, ProviderUnavailable, get_provider

log = logging.getLogger("app.payments")
STALE_MINUTES = 15
# Past this a gateway has long expired an unpaid payment (ЮKassa, T-Bank cancel theirs within
# hours); one still pending here is left for staff rather than asked about every 10 minutes.
GIVE_UP_AFTER = timedelta(days=7)
payments_cli = AppGroup("payments", help="Online payments: re-polling pending ones.")


@dataclass(frozen=True)
class Repolled:
    asked: int = 0  # payments whose state was asked
    settled: int = 0  # of them, settled now (paid or failed)

    def __add__(self, other: "Repolled") -> "Repolled":
        return Repolled(self.asked + other.asked, self.settled + other.settled)


def stale_payments(tenant: Tenant, minutes: int) -> list[tuple[int, str, str]]:
    """(id, provider, provider payment id) of the tenant's payments pending over `minutes`."""
    rows = db.session.execute(
        sa.select(Payment.id, Payment.provider, Payment.provider_payment_id)
        .where(
            Payment.tenant == tenant.slug,
            Payment.status == PaymentStatus.PENDING.value,
            Payment.provider_payment_id.is_not(None),
            Payment.created_at < utcnow() - timedelta(minutes=minutes),
            Payment.created_at > utcnow() - GIVE_UP_AFTER,
        )
        .order_by(Payment.id)
    ).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


def repoll(tenant: Tenant, minutes: int = STALE_MINUTES) -> Repolled:
    """Ask the gateway about each stale pending payment and settle what it answers;
    commits per payment, so one gateway's silence does not hold the others."""
    done = Repolled()
    for _id, provider_name, provider_payment_id in stale_payments(tenant, minutes):
        try:
            state = get_provider(provider_name).fetch_state(tenant, provider_payment_id)
        except (ProviderUnavailable, NotificationRejected, LookupError) as exc:
            log.warning("repoll %s %s: %s", tenant.slug, provider_payment_id, exc)
            done += Repolled(1, 0)
            continue
        settled = state is not None and settle_state(tenant, provider_name, state)
        done += Repolled(1, int(settled))
    return done


@jobs.periodic("payments.repoll", minute="*/10")
def repoll_all(minutes: int = STALE_MINUTES) -> str:
    """One pass over every tenant."""
    done = Repolled()
    for tenant in registry_of(current_app).tenants.values():
        done += repoll(tenant, minutes)
    return f"{done.asked} pending payment(s) asked, {done.settled} settled"


@payments_cli.command("repoll")
@click.option(
    "--minutes",
    type=click.IntRange(min=0, max=10_000),
    default=STALE_MINUTES,
    show_default=True,
    help="Ask about payments pending longer than this.",
)
def repoll_command(minutes: int) -> None:
    """Fetch the state of payments left pending and credit or fail them."""
    click.echo(repoll_all(minutes))
