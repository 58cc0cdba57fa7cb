"""Fetching one tenant-owned row by its key, never another tenant's."""

from typing import TypeVar

import sqlalchemy as sa

from app.extensions import db
from app.tenancy.registry import Tenant

Row = TypeVar("Row")


def get_owned(model: type[Row], tenant: Tenant | str, key) -> Row | None:
    """The row of model with this primary key if it belongs to the tenant, else None.

    The session's identity map answers without a query when the row is loaded already; the
    tenant is checked either way, so a guessed or stale id of another ISP finds nothing.
    """
    slug = tenant if isinstance(tenant, str) else tenant.slug
    row = db.session.get(model, key) if key is not None else None
    return row if row is not None and row.tenant == slug else None


def owned(model: type[Row], tenant: Tenant | str) -> sa.Select:
    """SELECT of model's rows that belong to the tenant; add .where() for the rest."""
    slug = tenant if isinstance(tenant, str) else tenant.slug
    return sa.select(model).where(model.tenant == slug)
