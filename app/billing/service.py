"""What billing offers other features: promised payments, open or by their ledger references,
and what one would be for an account now (or why not), in words."""

import sqlalchemy as sa

from app.core.scoped import owned
from app.extensions import db
from app.tenancy.registry import Tenant

from .models import PromisedPayment
from .promised import Offer, Refusal, offer, open_promises, rule_of
from .wording import refusal_text

__all__ = [
    "Offer",
    "PromisedPayment",
    "Refusal",
    "offer",
    "open_promises",
    "promises_by",
    "refusal_text",
    "rule_of",
]


def promises_by(
    tenant: Tenant, references: list[str], ids: list[int]
) -> tuple[dict[str, PromisedPayment], dict[int, PromisedPayment]]:
    """The tenant's promises with these credit references or ids, keyed both ways."""
    if not references and not ids:
        return {}, {}
    rows = list(
        db.session.scalars(
            owned(PromisedPayment, tenant).where(
                sa.or_(PromisedPayment.reference.in_(references), PromisedPayment.id.in_(ids)),
            )
        )
    )
    return {p.reference: p for p in rows}, {p.id: p for p in rows}
