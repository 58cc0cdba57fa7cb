"""flask jobs worker | scheduler | status | run: the queue's processes and a look into it."""

import json
import logging
import time

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="The job queue: workers, the schedule, what waits.")


def _jobs():
    from . import jobs_of

    return jobs_of(current_app._get_current_object())


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--scheduler", is_flag=True, help="Also enqueue the periodic jobs (one machine, or several)."
)
def worker(workers: int, scheduler: bool) -> None:
    """Run jobs from the queue until stopped (SIGINT finishes the running ones first)."""
    _log_to_terminal()
    consumer = _jobs().huey.create_consumer(
        workers=workers, worker_type="thread", periodic=scheduler, check_worker_health=True
    )
    consumer.run()


def _log_to_terminal() -> None:
    # What the worker runs, and what fails, on stderr (the journal, under systemd): the app
    # factory installed the portal's handler (app/observe); huey's own lines join it.
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(logging.INFO)


@jobs_cli.command("scheduler")
@click.option("--ticks", type=click.IntRange(min=1), help="Stop after this many minutes.")
def scheduler(ticks: int | None) -> None:
    """Enqueue each periodic job when its minute comes; the workers run them."""
    huey = _jobs().huey
    done = 0
    while ticks is None or done < ticks:
        now = huey._get_timestamp().replace(second=0, microsecond=0)
        for task in huey.read_periodic(now):
            huey.enqueue(task)
        done += 1
        if ticks is None or done < ticks:
            # To the start of the next minute, whatever the enqueueing took.
            time.sleep(max(0.0, 60 - huey._get_timestamp().second))


@jobs_cli.command("run")
@click.argument("name")
def run(name: str) -> None:
    """Run one periodic job now, in this process, under its lock (e.g. billing.daily)."""
    queue = _jobs()
    if name not in queue.periodic:
        known = ", ".join(sorted(queue.periodic))
        raise click.BadParameter(f"no periodic job {name!r}; known: {known}", param_hint="NAME")
    said = queue.run_periodic(name)
    click.echo(said if said is not None else f"{name}: skipped (running elsewhere)")


@jobs_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="JSON, for scripts and monitoring.")
def status(as_json: bool) -> None:
    """What waits in the queue, and each outbox's due, failed and oldest due rows."""
    from .outboxes import outbox_counts

    report = {**_jobs().status(), "outboxes": outbox_counts()}
    if as_json:
        click.echo(json.dumps(report, default=str))
        return
    click.echo(
        f"queue ({report['storage']}): {report['queued']} queued, "
        f"{report['scheduled']} scheduled; periodic: {', '.join(report['periodic'])}"
    )
    for name, counts in report["outboxes"].items():
        age = counts["oldest_due_seconds"]
        click.echo(
            f"{name}: {counts['due']} due, {counts['failed']} failed"
            + (f", oldest due {age:.0f} s" if age is not None else "")
        )
