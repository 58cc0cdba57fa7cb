"""The daily run on the schedule: every hour, one job per tenant, its accounts split into
ranges that the workers charge side by side.

Hourly rather than at one midnight: each account is charged for its own region's date, and
the tenants' regions span timezones, so a region's new day is charged within the hour it
begins. A run that finds the day charged already does nothing more (the charge's ledger
reference is unique per account and day; reminders go once per occasion; autopay once per
date), so the hourly repeat costs a few queries per tenant.

A tenant's job repays and applies what is due, then queues one job per range of
PORTAL_BILLING_RANGE active accounts, so workers on several machines share a large tenant.
Its billing_run row counts the ranges done; the job that reports the last one runs the
day's jobs (option fees, reminders, autopay), which must see every charge. While a run is
unfinished the next hourly one leaves the tenant alone.
"""

import logging
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from huey.exceptions import TaskLockedException

from app.core import jobs
from app.core.calendar import LocalDates
from app.core.scoped import get_owned
from app.extensions import db
from app.persistence import utcnow
from app.tenancy import registry_of
from app.tenancy.registry import Tenant

from . import charging, daily_jobs, ranges
from .models import BillingRun
from .report import RunReport, describe

log = logging.getLogger("app.billing")
TENANT_JOB = "billing.tenant"
RANGE_JOB = "billing.range"
# A run whose ranges have not all reported by then lost a worker: the next hourly run
# starts afresh, and the charges already posted are skipped by their ledger references.
ABANDONED_AFTER = timedelta(hours=3)
COUNTED = ("charged", "kopecks", "suspended")


@jobs.periodic("billing.daily", minute="5")
def fan_out() -> str:
    """Queue one billing job per tenant."""
    slugs = list(registry_of(current_app).tenants)
    for slug in slugs:
        jobs.enqueue(TENANT_JOB, slug)
    return f"billing queued for {len(slugs)} tenant(s)"


@jobs.task(TENANT_JOB)
def run_tenant_job(slug: str, day: str | None = None) -> str | None:
    """Start one tenant's run, under a lock so two schedulers never start it twice."""
    tenant = registry_of(current_app).tenants.get(slug)
    if tenant is None:
        log.warning("billing job for tenant %s skipped: no longer configured", slug)
        return None
    try:
        with jobs.jobs_of().huey.lock_task(f"billing:{slug}"):
            return start(tenant, date.fromisoformat(day) if day else None)
    except TaskLockedException:
        log.info("billing job for tenant %s skipped: its run is being started", slug)
        return None


def start(tenant: Tenant, day: date | None = None) -> str | None:
    """Repay and apply what is due, then queue a job per account range; None while an
    earlier run of the tenant's is still going."""
    going = _unfinished(tenant.slug)
    if going is not None:
        if utcnow() - going.started_at < ABANDONED_AFTER:
            log.info("billing run %s of tenant %s is still going", going.id, tenant.slug)
            return None
        log.warning(
            "billing run %s of tenant %s never finished (%d of %d ranges); starting afresh",
            going.id,
            tenant.slug,
            going.ranges_done,
            going.ranges,
        )
        going.finished_at = utcnow()
        going.summary = f"abandoned after {going.ranges_done} of {going.ranges} ranges"
    run = BillingRun(tenant=tenant.slug, day=day, started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    report = RunReport(tenant.slug, set())
    try:
        charging.prepare(tenant, _dates(tenant, run), run.started_at, report)
        spans = ranges.account_ranges(tenant.slug, current_app.config["PORTAL_BILLING_RANGE"])
    except Exception as exc:
        db.session.rollback()
        run.finished_at = utcnow()  # so the next hourly run tries again
        run.summary = f"failed before charging: {type(exc).__name__}"
        db.session.commit()
        raise
    run.ranges = len(spans)
    run.repaid = report.repaid
    run.tariffs_changed, run.tariffs_refused = report.tariffs_changed, report.tariffs_refused
    db.session.commit()
    if not spans:
        return finish(tenant, run.id)
    for first, last in spans:
        jobs.enqueue(RANGE_JOB, tenant.slug, run.id, first, last)
    return f"billing run {run.id} of {tenant.slug}: {len(spans)} range(s) queued"


@jobs.task(RANGE_JOB, retries=2, retry_delay=60)
def run_range_job(slug: str, run_id: int, first: int, last: int | None) -> str | None:
    """Charge one range of a run's accounts, and finish the run if it was the last."""
    tenant = registry_of(current_app).tenants.get(slug)
    run = get_owned(BillingRun, slug, run_id) if tenant else None
    if run is None or run.finished_at is not None:
        return None
    report = RunReport(tenant.slug, set())
    charging.charge_accounts(tenant, _dates(tenant, run), run.started_at, report, first, last)
    table = BillingRun.__table__
    # Relative, in one statement: ranges finishing at once each add their own share.
    done, total = db.session.execute(
        sa.update(table)
        .where(table.c.id == run_id)
        .values(
            ranges_done=table.c.ranges_done + 1,
            **{name: table.c[name] + getattr(report, name) for name in COUNTED},
        )
        .returning(table.c.ranges_done, table.c.ranges)
    ).one()
    db.session.commit()
    if done < total:
        return None
    try:
        return finish(tenant, run_id)
    except Exception:
        # Not raised: a retry would count this range twice. The next hourly run repeats
        # the daily jobs, each of which does its day once.
        db.session.rollback()
        log.exception("billing run %s of tenant %s: finishing failed", run_id, tenant.slug)
        return None


def finish(tenant: Tenant, run_id: int) -> str | None:
    """Run the day's jobs once every range is charged; the run's one-line summary."""
    table = BillingRun.__table__
    claimed = db.session.execute(
        sa.update(table)
        .where(table.c.id == run_id, table.c.finished_at.is_(None))
        .where(table.c.ranges_done >= table.c.ranges)
        .values(finished_at=utcnow())
        .returning(table.c.id)
    ).first()
    db.session.commit()
    if claimed is None:
        return None  # another job finished it
    run = get_owned(BillingRun, tenant, run_id)
    dates = _dates(tenant, run)
    report = report_of(run, dates)
    daily_jobs.run(tenant, dates, report)
    run.summary = describe(report, (utcnow() - run.started_at).total_seconds())
    db.session.commit()
    log.info("billing run: %s", run.summary)
    return run.summary


def report_of(run: BillingRun, dates: LocalDates) -> RunReport:
    """What a run has done so far, as the report the operator's command prints."""
    return RunReport(
        run.tenant,
        dates.all(),
        charged=run.charged,
        kopecks=run.kopecks,
        suspended=run.suspended,
        repaid=run.repaid,
        tariffs_changed=run.tariffs_changed,
        tariffs_refused=run.tariffs_refused,
    )


def recent_runs(limit: int = 20) -> list[BillingRun]:
    """The latest runs of every tenant, newest first."""
    query = sa.select(BillingRun).order_by(BillingRun.started_at.desc(), BillingRun.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def _dates(tenant: Tenant, run: BillingRun) -> LocalDates:
    return LocalDates(tenant, run.started_at, run.day)


def _unfinished(slug: str) -> BillingRun | None:
    return db.session.scalar(
        sa.select(BillingRun)
        .where(BillingRun.tenant == slug, BillingRun.finished_at.is_(None))
        .order_by(BillingRun.started_at.desc())
        .limit(1)
    )
