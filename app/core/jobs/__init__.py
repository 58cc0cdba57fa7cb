"""The job queue and the schedule, on huey.

huey, because it is small and does what the portal needs and no more: a Redis storage that
workers on several machines share, an embedded SQLite storage for `make run` (no server),
an immediate mode for the tests, periodic tasks and a lock held in the storage itself.

The outbox rows stay the truth. A job carries a row id and claims the row with the
outboxes' conditional claim (app/core/outbox.py), so a job run twice, or run beside the
sweep, sends once; a job lost with a worker is found again by the sweep, which enqueues
nothing but looks for due rows. PORTAL_QUEUE_URL picks the storage: `redis://…` in
production, unset for a SQLite file in the instance folder, `immediate` to run each job
at once in the caller (tests).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

from app.config import ROOT, ConfigError
from app.extensions import db

from . import outboxes

log = logging.getLogger("app.core.jobs")
EXTENSION = "jobs"


@dataclass(frozen=True)
class Periodic:
    name: str
    schedule: dict  # crontab(**schedule)
    run: Callable[[], object]


@dataclass(frozen=True)
class Task:
    run: Callable
    retries: int = 0
    retry_delay: int = 0  # seconds between attempts


_TASKS: dict[str, Task] = {}
_PERIODIC: dict[str, Periodic] = {}


def task(name: str, retries: int = 0, retry_delay: int = 0):
    """Make fn(*args) a job the portal can enqueue under name; it runs in an app context,
    and a job that raised runs again up to `retries` times, retry_delay seconds apart."""

    def register(fn):
        _TASKS[name] = Task(fn, retries, retry_delay)
        return fn

    return register


def periodic(name: str, **schedule):
    """Run fn on a crontab schedule (minute=, hour= … as huey's crontab), under a lock."""

    def register(fn):
        _PERIODIC[name] = Periodic(name, schedule, fn)
        return fn

    return register


def sweep_outbox(sweep: str, status: str, model: type, deliver: Callable[[], int]) -> None:
    """An outbox's periodic sweep (every minute, deliver() until nothing more goes out) and
    its counts under status in `flask jobs status`: retries, rows queued outside a request
    and rows whose job was lost with a worker all go out this way."""
    outboxes.watch(status, model)

    def drain() -> int:
        total = 0
        while done := deliver():
            total += done
        return total

    periodic(sweep, minute="*")(drain)


def create_queue(url: str, name: str = "portal") -> Huey:
    """The huey instance PORTAL_QUEUE_URL names."""
    if url == "immediate":
        return Huey(name, immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url)
    if url.startswith("sqlite:///") or not url:
        path = url.removeprefix("sqlite:///") or str(ROOT / "instance" / "queue.sqlite3")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=path)
    raise ValueError(f"PORTAL_QUEUE_URL {url!r}: use redis://…, sqlite:///…, immediate or unset")


class Jobs:
    """One app's queue: its huey, the jobs registered on it, the periodic ones."""

    def __init__(self, app: Flask, huey: Huey):
        self.app = app
        self.huey = huey
        self.tasks = {name: self._wrap(name, job) for name, job in _TASKS.items()}
        self.periodic = {
            name: huey.periodic_task(crontab(**job.schedule), name=f"periodic:{name}")(
                self._locked(job)
            )
            for name, job in _PERIODIC.items()
        }

    def _wrap(self, name: str, job: Task):
        app = self.app

        def run(*args):
            with app.app_context():
                try:
                    return job.run(*args)
                except Exception:
                    db.session.rollback()
                    raise

        run.__name__ = name
        return self.huey.task(name=name, retries=job.retries, retry_delay=job.retry_delay)(run)

    def _locked(self, job: Periodic):
        app, huey = self.app, self.huey

        def run():
            # Two schedulers (or a slow run overtaken by the next tick) never run one job
            # at once: the lock lives in the queue's storage, shared by every machine.
            try:
                with huey.lock_task(f"periodic:{job.name}"), app.app_context():
                    try:
                        said = job.run()
                    except Exception:
                        db.session.rollback()
                        raise
            except TaskLockedException:
                log.info("periodic job %s is running elsewhere; this run skipped", job.name)
                return None
            if said:
                log.info("periodic job %s: %s", job.name, said)
            return said

        run.__name__ = job.name
        return run

    def enqueue(self, name: str, *args) -> None:
        """Queue the job name with args; a failure is logged, the sweep finds its rows later."""
        try:
            self.tasks[name](*args)
        except Exception:
            log.exception("enqueueing job %s failed; the sweep will pick its rows up", name)

    def run_periodic(self, name: str):
        """Run one periodic job now, in this process, under its lock."""
        return self.periodic[name].call_local()

    def status(self) -> dict:
        """How many jobs wait, are scheduled for later, and which periodic jobs exist."""
        return {
            "storage": type(self.huey.storage).__name__,
            "queued": self.huey.pending_count(),
            "scheduled": self.huey.scheduled_count(),
            "periodic": sorted(self.periodic),
        }


def jobs_of(app: Flask | None = None) -> Jobs:
    """The app's queue."""
    return (app or current_app).extensions[EXTENSION]


def enqueue(name: str, *args) -> None:
    """Queue a job on the current app's queue."""
    jobs_of().enqueue(name, *args)


def init_app(app: Flask) -> None:
    """Build the queue PORTAL_QUEUE_URL names; jobs and periodic jobs are registered by now."""
    from . import cli

    try:
        huey = create_queue(app.config.get("PORTAL_QUEUE_URL", ""))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    app.extensions[EXTENSION] = Jobs(app, huey)
    app.cli.add_command(cli.jobs_cli)
