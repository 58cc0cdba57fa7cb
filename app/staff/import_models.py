"""A CSV import of new contracts: the uploaded file's rows and how far the import has got."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class ImportStatus:
    CHECKED = "checked"  # the dry run is done; nothing is created yet
    RUNNING = "running"  # started: each chunk creates the next rows
    DONE = "done"


class ProvisionImport(TenantScoped, db.Model):
    """One uploaded file: its dry run's report, then the import's progress."""

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_account.id"))
    filename: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(20), default=ImportStatus.CHECKED)
    lines: Mapped[int] = mapped_column(default=0)  # data rows in the file
    total: Mapped[int] = mapped_column(default=0)  # rows without a problem: the ones to import
    # Rows taken by a chunk so far: a chunk claims the next ones by moving this on, once.
    done: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    # JSON: [[line, column, code, params], …] of the dry run, then of rows skipped later.
    problems: Mapped[str] = mapped_column(sa.Text, default="[]")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProvisionImportRow(TenantScoped, db.Model):
    """A row of the file the dry run found nothing wrong with, in the order of the file."""

    __table_args__ = (sa.UniqueConstraint("import_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("provision_import.id"))
    position: Mapped[int]  # 0, 1, 2 … among the rows to import
    line: Mapped[int]  # its line in the file
    data: Mapped[str] = mapped_column(sa.Text)  # JSON: the row's columns
    # "created" or "skipped" once its chunk ran; None before.
    outcome: Mapped[str | None] = mapped_column(sa.String(20))
