"""Groups of linked cabinets: several contracts of one person, each a subscriber of its own.

A group is the set of rows with the same group key in one tenant; a subscriber is in at
most one group (subscriber_id is unique). A group of one is never kept: a row exists only
while its subscriber is linked to someone, so "has links" is one EXISTS, cheap enough for
the session's own query (app.auth.service). The group key is random, never a member's id:
a member who leaves and starts a new group must not find the old one under the same key.
"""

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, aliased, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow

from .scoped import owned


class CabinetLink(TenantScoped, db.Model):
    """One subscriber's membership of a group of linked cabinets."""

    __table_args__ = (sa.Index("ix_cabinet_link_tenant_group", "tenant", "group_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), unique=True)
    group_key: Mapped[str] = mapped_column(sa.String(32))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # How this member was proved when it joined: "password", "code"; the first member
    # of a group, who proved nothing but being logged in, is "session".
    proof: Mapped[str] = mapped_column(sa.String(20))


def has_links(subscriber_id) -> sa.Exists:
    """EXISTS: the subscriber (an id or a column) is linked with another cabinet."""
    return sa.exists().where(CabinetLink.subscriber_id == subscriber_id)


def _row(tenant: str, subscriber_id: int, lock: bool = False) -> CabinetLink | None:
    query = owned(CabinetLink, tenant).where(CabinetLink.subscriber_id == subscriber_id)
    return db.session.scalar(query.with_for_update() if lock else query)


def group_ids(tenant: str, subscriber_id: int) -> list[int]:
    """The subscribers of this one's group, itself among them, oldest member first; []
    when it is linked with no one."""
    mine = aliased(CabinetLink)
    query = (
        sa.select(CabinetLink.subscriber_id)
        .join(mine, sa.and_(mine.group_key == CabinetLink.group_key, mine.tenant == tenant))
        .where(CabinetLink.tenant == tenant, mine.subscriber_id == subscriber_id)
        .order_by(CabinetLink.linked_at, CabinetLink.id)
    )
    return list(db.session.scalars(query))


def same_group(tenant: str, subscriber_id: int, other_id: int) -> bool:
    """Whether two different subscribers of this tenant are in one group now."""
    return subscriber_id != other_id and other_id in group_ids(tenant, subscriber_id)


def link(tenant: str, subscriber_id: int, other_id: int, proof: str) -> int:
    """Put other_id into subscriber_id's group (a group of the two when it has none);
    other_id's own group, if any, joins too: one person proved holding both. Returns
    the size of the group. The caller checks the limits first (see merged_size)."""
    if subscriber_id == other_id:
        raise ValueError("a cabinet is not linked with itself")
    now = utcnow()
    mine, theirs = _row(tenant, subscriber_id, lock=True), _row(tenant, other_id, lock=True)
    if mine is None:
        mine = CabinetLink(
            tenant=tenant,
            subscriber_id=subscriber_id,
            group_key=secrets.token_hex(16),
            linked_at=now,
            proof="session",
        )
        db.session.add(mine)
    if theirs is None:
        db.session.add(
            CabinetLink(
                tenant=tenant,
                subscriber_id=other_id,
                group_key=mine.group_key,
                linked_at=now,
                proof=proof,
            )
        )
    elif theirs.group_key != mine.group_key:
        db.session.execute(
            sa.update(CabinetLink)
            .where(CabinetLink.tenant == tenant, CabinetLink.group_key == theirs.group_key)
            .values(group_key=mine.group_key)
            .execution_options(synchronize_session="fetch")
        )
        theirs.proof = proof
    db.session.flush()
    return len(group_ids(tenant, subscriber_id))


def merged_size(tenant: str, subscriber_id: int, other_id: int) -> int:
    """How many cabinets the group would hold once other_id (and its group) joined."""
    mine, theirs = group_ids(tenant, subscriber_id), group_ids(tenant, other_id)
    return len(set(mine or [subscriber_id]) | set(theirs or [other_id]))


def unlink(tenant: str, subscriber_id: int) -> bool:
    """Take the subscriber out of its group; a group left with one member goes. False
    when it was in none."""
    row = _row(tenant, subscriber_id, lock=True)
    if row is None:
        return False
    key = row.group_key
    db.session.delete(row)
    db.session.flush()
    left = list(
        db.session.scalars(
            owned(CabinetLink, tenant).where(CabinetLink.group_key == key).with_for_update()
        )
    )
    if len(left) == 1:
        db.session.delete(left[0])
        db.session.flush()
    return True
