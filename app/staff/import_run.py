"""Running a checked CSV import in chunks, without threads: each step creates the next rows.

A step is taken by a POST of a staff member who may provision (the start, then the page's
script or its «Continue the import» button; a GET only reads the progress), and by
`flask staff import-run` for an import whose page was closed. A step claims its chunk by
moving the job's `done` on with a conditional UPDATE that only one step can win, so two
posts at once never create a row twice; the loser simply reports the progress. A row is
checked again before it is created (the database may have changed since the dry run) and
created inside a savepoint: a row that became a duplicate meanwhile is skipped and
reported, the others are created. So the import creates the valid rows, each once, and
skips the rest (the dry run lists them).
"""

import json

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.core.scoped import owned
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant

from . import csv_import, provision
from .import_models import ImportStatus, ProvisionImport, ProvisionImportRow

# Rows a step creates: each hashes a password, so a step stays well under a second or two.
CHUNK = 20


def job_of(tenant: Tenant, job_id: int) -> ProvisionImport | None:
    """The tenant's import with this id, or None (another ISP's is not found)."""
    return db.session.scalar(owned(ProvisionImport, tenant).where(ProvisionImport.id == job_id))


def recent(tenant: Tenant, limit: int = 10) -> list[ProvisionImport]:
    """The tenant's latest imports, newest first."""
    query = owned(ProvisionImport, tenant).order_by(ProvisionImport.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def start(tenant: Tenant, job: ProvisionImport) -> bool:
    """Start a checked import (once: a second click does nothing); whether this one did."""
    won = db.session.execute(
        sa.update(ProvisionImport)
        .where(
            ProvisionImport.id == job.id,
            ProvisionImport.tenant == tenant.slug,
            ProvisionImport.status == ImportStatus.CHECKED,
        )
        .values(status=ImportStatus.RUNNING if job.total else ImportStatus.DONE)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(job)
    return won.rowcount == 1


def step(tenant: Tenant, job: ProvisionImport, profile: str, chunk: int = CHUNK) -> int:
    """Create the next chunk of a running import; how many rows it took (0: none left or
    another step has them). Flushes only."""
    if job.status != ImportStatus.RUNNING:
        return 0
    begin = job.done
    end = min(begin + chunk, job.total)
    won = db.session.execute(
        sa.update(ProvisionImport)
        .where(
            ProvisionImport.id == job.id,
            ProvisionImport.status == ImportStatus.RUNNING,
            ProvisionImport.done == begin,
        )
        .values(done=end)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:
        db.session.refresh(job)
        return 0
    rows = db.session.scalars(
        sa.select(ProvisionImportRow)
        .where(
            ProvisionImportRow.import_id == job.id,
            ProvisionImportRow.position >= begin,
            ProvisionImportRow.position < end,
        )
        .order_by(ProvisionImportRow.position)
    ).all()
    skipped = []
    for row in rows:
        problems = _create(tenant, job, row, profile)
        row.outcome = "skipped" if problems else "created"
        skipped += problems
    db.session.refresh(job)
    job.created += len(rows) - len({p[0] for p in skipped})
    job.skipped += len({p[0] for p in skipped})
    if skipped:
        job.problems = json.dumps(json.loads(job.problems) + skipped, ensure_ascii=False)
    if end >= job.total:
        job.status = ImportStatus.DONE
        job.finished_at = utcnow()
    db.session.flush()
    return len(rows)


def _create(tenant: Tenant, job: ProvisionImport, row: ProvisionImportRow, profile: str) -> list:
    values = json.loads(row.data)
    problems = csv_import.row_problems(tenant, csv_import.Row(row.line, values))
    if problems:
        return problems
    try:
        with db.session.begin_nested():
            provision.create(
                tenant, csv_import.new_contract(values), profile, source=f"import:{job.id}"
            )
    except IntegrityError:
        # Taken by someone else between the check and the insert: skipped, and said so.
        return [(row.line, "contract", "number_taken", {})]
    return []


def progress(job: ProvisionImport) -> dict:
    """What the progress bar shows: rows taken of the total, created and skipped so far."""
    percent = 100 if not job.total else job.done * 100 // job.total
    return {
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "created": job.created,
        "skipped": job.skipped,
    }


def run_pending(tenant: Tenant, profile: str) -> int:
    """Take every step of the tenant's running imports, one commit per step; rows taken."""
    taken = 0
    running = owned(ProvisionImport, tenant).where(ProvisionImport.status == ImportStatus.RUNNING)
    for job_id in db.session.scalars(running.with_only_columns(ProvisionImport.id)).all():
        job = job_of(tenant, job_id)
        while job is not None and (count := step(tenant, job, profile)):
            taken += count
            db.session.commit()
    db.session.commit()
    return taken
