"""News written by staff in the console: kept in the database, shown as NewsItems beside
the YAML's, by the same listing (app.news.service.current)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import NewsItem

from . import live
from .models import AuthoredNews

CODE_PREFIX = "staff-"
# No timezone is more than 12 hours behind UTC: by then the item has ended everywhere.
_LATEST_OFFSET = timedelta(hours=12)


@dataclass(frozen=True)
class Draft:
    """What staff write: the item's fields as the form gives them."""

    kind: str
    regions: tuple[str, ...]
    title: dict[str, str]
    text: dict[str, str]
    publish: datetime
    expires: datetime | None
    important: bool

    def as_item(self, code: str = "preview") -> NewsItem:
        """The item as subscribers get it (ValueError when its dates are the wrong way)."""
        return NewsItem(
            code=code,
            kind=self.kind,
            regions=self.regions,
            publish=self.publish,
            expires=self.expires,
            title=self.title,
            text=self.text,
            important=self.important,
        )


def code_of(row: AuthoredNews) -> str:
    """The item's code for subscribers: a closed important notice stays closed by it."""
    return f"{CODE_PREFIX}{row.id}"


def _live(tenant_slug: str, moment: datetime):
    return (
        AuthoredNews.tenant == tenant_slug,
        AuthoredNews.withdrawn_at.is_(None),
        sa.or_(AuthoredNews.shown_until.is_(None), AuthoredNews.shown_until > moment),
    )


def has_live(tenant: Tenant) -> bool:
    """Whether the tenant has an item not withdrawn nor ended everywhere: known per process
    (app.news.live), else one EXISTS on the index."""

    def read() -> bool:
        return bool(db.session.scalar(sa.select(sa.exists().where(*_live(tenant.slug, utcnow())))))

    return live.has_live(tenant.slug, read)


def item_of(row: AuthoredNews) -> NewsItem:
    """The row as the news listing shows it."""
    return draft_of(row).as_item(code_of(row))


def draft_of(row: AuthoredNews) -> Draft:
    """The row as the form edits it."""
    return Draft(
        kind=row.kind,
        regions=tuple(row.regions or ()),
        title=dict(row.title),
        text=dict(row.text),
        publish=row.publish,
        expires=row.expires,
        important=row.important,
    )


def published(tenant: Tenant, now: datetime | None = None) -> tuple[NewsItem, ...]:
    """The tenant's items not withdrawn and not ended everywhere, newest first: one query."""
    moment = now or utcnow()
    rows = db.session.scalars(
        sa.select(AuthoredNews)
        .where(*_live(tenant.slug, moment))
        .order_by(AuthoredNews.publish.desc(), AuthoredNews.id.desc())
    )
    return tuple(item_of(row) for row in rows)


def of_tenant(tenant: Tenant) -> list[AuthoredNews]:
    """Every item staff wrote in the tenant, withdrawn ones too, newest first."""
    return list(
        db.session.scalars(
            sa.select(AuthoredNews)
            .where(AuthoredNews.tenant == tenant.slug)
            .order_by(AuthoredNews.publish.desc(), AuthoredNews.id.desc())
        )
    )


def get(tenant: Tenant, item_id: int) -> AuthoredNews | None:
    """One item of the tenant; None for another tenant's."""
    return db.session.scalar(
        sa.select(AuthoredNews).where(
            AuthoredNews.id == item_id, AuthoredNews.tenant == tenant.slug
        )
    )


def snapshot(row: AuthoredNews) -> dict:
    """The item's fields for the audit trail."""
    return {
        "kind": row.kind,
        "regions": list(row.regions or ()),
        "title": dict(row.title),
        "text": dict(row.text),
        "publish": row.publish.isoformat(sep=" "),
        "expires": row.expires.isoformat(sep=" ") if row.expires else None,
        "important": row.important,
        "withdrawn": row.withdrawn_at is not None,
    }


def _shown_until(expires: datetime | None) -> datetime | None:
    if expires is None:
        return None
    return (expires + _LATEST_OFFSET).replace(tzinfo=UTC)


def _apply(row: AuthoredNews, draft: Draft) -> None:
    draft.as_item()  # the same checks as a YAML item's
    row.kind = draft.kind
    row.regions = list(draft.regions)
    row.title = dict(draft.title)
    row.text = dict(draft.text)
    row.publish = draft.publish
    row.expires = draft.expires
    row.shown_until = _shown_until(draft.expires)
    row.important = draft.important
    row.updated_at = utcnow()


def create(tenant: Tenant, draft: Draft, staff_id: int | None) -> AuthoredNews:
    """Add an item to the tenant; flushed, not committed."""
    row = AuthoredNews(tenant=tenant.slug, created_by=staff_id, created_at=utcnow())
    _apply(row, draft)
    db.session.add(row)
    db.session.flush()
    # Known at once in this process (before the commit, so no refresh here misses it).
    live.note(tenant.slug, True)
    return row


def update(row: AuthoredNews, draft: Draft) -> None:
    """Rewrite an item; flushed, not committed."""
    _apply(row, draft)
    db.session.flush()
    live.note(row.tenant, True)


def withdraw(row: AuthoredNews) -> None:
    """Take an item off the subscribers' pages (kept, and may be published again)."""
    row.withdrawn_at = utcnow()
    row.updated_at = row.withdrawn_at
    db.session.flush()
    live.note(row.tenant, None)  # was it the last one? read again


def republish(row: AuthoredNews) -> None:
    """Show a withdrawn item again, with its dates as they are."""
    row.withdrawn_at = None
    row.updated_at = utcnow()
    db.session.flush()
    live.note(row.tenant, True)
