"""The daily run on the schedule: every hour, one job per tenant, spread over the workers.

Hourly rather than at one midnight: each account is charged for its own region's date, and
the tenants' regions span timezones, so a region's new day is charged within the hour it
begins. A run that finds the day charged already does nothing more (the charge's ledger
reference is unique per account and day; reminders go once per occasion; autopay once per
date), so the hourly repeat costs a few queries per tenant.
"""

import logging

from flask import current_app
from huey.exceptions import TaskLockedException

from app.core import jobs
from app.tenancy import registry_of

log = logging.getLogger("app.billing")
TENANT_JOB = "billing.tenant"


@jobs.periodic("billing.daily", minute="5")
def fan_out() -> str:
    """Queue one billing job per tenant."""
    slugs = list(registry_of(current_app).tenants)
    for slug in slugs:
        jobs.enqueue(TENANT_JOB, slug)
    return f"billing queued for {len(slugs)} tenant(s)"


@jobs.task(TENANT_JOB)
def run_tenant_job(slug: str) -> str | None:
    """Charge one tenant's day, under a lock so a slow run is never overtaken by the next."""
    from .charging import run_tenant
    from .cli import describe

    tenant = registry_of(current_app).tenants.get(slug)
    if tenant is None:
        log.warning("billing job for tenant %s skipped: no longer configured", slug)
        return None
    try:
        with jobs.jobs_of().huey.lock_task(f"billing:{slug}"):
            report = run_tenant(tenant)
    except TaskLockedException:
        log.info("billing job for tenant %s skipped: its run is still going", slug)
        return None
    said = describe(report)
    log.info("billing run: %s", said)
    return said
