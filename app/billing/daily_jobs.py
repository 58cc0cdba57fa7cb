"""What the daily run does once the charges are committed: option fees, payment reminders,
then whatever other features hung on the daily run (autopay …), each in its own commit."""

import logging
from functools import partial

import app.options.service as options
from app.core.calendar import LocalDates
from app.core.signals import daily_run
from app.extensions import db
from app.tenancy.registry import Tenant

from . import reminders

log = logging.getLogger(__name__)


def run(tenant: Tenant, dates: LocalDates, report) -> None:
    """Run each job, noting in the report what it said or how it failed.

    The option fees and the reminders are called here, not through daily_run: each account
    has them for its region's date, like its tariff, and the signal carries one tenant
    date. The reminders come after the option fees, so the balance they speak of is the
    day's final one. The charges are committed already; one job's failure must not stop
    the others or the other tenants' runs. The operator sees it in the report and the exit
    status.
    """
    day = dates.tenant_date
    jobs = [
        (options.charge_days, lambda: f"option fees {options.charge_days(tenant, dates)}"),
        (reminders.remind, lambda: reminders.remind(tenant, dates)),
    ]
    jobs += [
        (receiver, partial(receiver, tenant, local_date=day))
        for receiver in daily_run.receivers_for(tenant)
    ]
    for receiver, job in jobs:
        try:
            said = job()
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            log.exception("daily job %r failed for tenant %s on %s", receiver, tenant.slug, day)
            first_line = str(exc).splitlines()[0] if str(exc) else ""
            report.job_errors.append(f"{type(exc).__name__}: {first_line}")
        else:
            if said:
                report.jobs.append(str(said))
