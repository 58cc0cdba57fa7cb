"""Quiet hours: when a notice that falls in them may go out, in the subscriber's timezone."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def send_after(now: datetime, zone: str, hours: tuple[str, str] | None) -> datetime | None:
    """The UTC moment the quiet hours that hold `now` end; None when `now` is not quiet."""
    if hours is None:
        return None
    start, end = _clock(hours[0]), _clock(hours[1])
    local = now.astimezone(ZoneInfo(zone))
    clock = local.time().replace(tzinfo=None)
    if start < end:  # e.g. 13:00–15:00, within one day
        quiet = start <= clock < end
        ends_on = local.date()
    else:  # e.g. 22:00–09:00, over midnight
        quiet = clock >= start or clock < end
        ends_on = local.date() + timedelta(days=1 if clock >= start else 0)
    if not quiet:
        return None
    return datetime.combine(ends_on, end, ZoneInfo(zone)).astimezone(UTC)
