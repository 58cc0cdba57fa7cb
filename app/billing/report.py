"""What a daily run did, as the operator reads it: one line, or JSON for scripts."""

from dataclasses import asdict, dataclass, field
from datetime import date

from app.core.money import plain_roubles


@dataclass
class RunReport:
    """What one tenant's run did, for the operator."""

    tenant: str
    dates: set[date]
    charged: int = 0
    kopecks: int = 0
    suspended: int = 0
    repaid: int = 0
    tariffs_changed: int = 0
    tariffs_refused: int = 0  # scheduled changes the balance did not cover
    jobs: list[str] = field(default_factory=list)  # what each daily job reports
    job_errors: list[str] = field(default_factory=list)
    unknown_tariffs: set[str] = field(default_factory=set)
    dry_run: bool = False  # everything was rolled back, and the daily jobs did not run


def roubles(kopecks: int) -> str:
    """A sum for the operator's terminal: -12.30 RUB."""
    sign = "-" if kopecks < 0 else ""
    return f"{sign}{plain_roubles(abs(kopecks))} RUB"


def describe(report, seconds: float | None = None) -> str:
    """One line for the operator (or the log) of what a tenant's run did."""
    days = ", ".join(sorted(d.isoformat() for d in report.dates))
    line = (
        f"{report.tenant} ({days}): charged {report.charged} account(s), "
        f"{roubles(report.kopecks)} ({report.kopecks} kopecks); "
        f"suspended {report.suspended}; promised payments repaid {report.repaid}; "
        f"tariff changes applied {report.tariffs_changed}, "
        f"refused for want of money {report.tariffs_refused}; "
        f"{''.join(job + '; ' for job in report.jobs)}"
        f"{''.join(f'FAILED ({error}); ' for error in report.job_errors)}"
    )
    line += f"{seconds:.1f} s" if seconds is not None else "done"
    if report.dry_run:
        line = "DRY RUN, nothing written, no daily jobs run: " + line
    if report.unknown_tariffs:
        unknown = ", ".join(sorted(report.unknown_tariffs))
        line += f"; WARNING: points on unknown tariffs were not charged: {unknown}"
    return line


def as_dict(report: RunReport, seconds: float) -> dict:
    """A report as JSON for scripts."""
    fields = asdict(report)
    fields["dates"] = sorted(d.isoformat() for d in report.dates)
    fields["unknown_tariffs"] = sorted(report.unknown_tariffs)
    fields["seconds"] = round(seconds, 3)
    return fields


def run_as_dict(run) -> dict:
    """A scheduled run as JSON for scripts."""
    fields = ("id", "tenant", "ranges", "ranges_done", "charged", "kopecks", "suspended")
    answer = {name: getattr(run, name) for name in fields}
    answer["started_at"] = run.started_at.isoformat()
    answer["finished_at"] = run.finished_at.isoformat() if run.finished_at else None
    answer["day"] = run.day.isoformat() if run.day else None
    answer["summary"] = run.summary
    return answer
