"""A subscriber's sessions and login history, and ending the sessions of other devices."""

import app.auth.service as auth_service
from app.core import audit, devices
from app.core.devices import LoginEvent, LoginSession
from app.tenancy.registry import Tenant


def sessions_of(tenant: Tenant, subscriber_id: int) -> list[LoginSession]:
    """The subscriber's live sessions, the most recently used first."""
    return devices.active_sessions(tenant.slug, subscriber_id)


def login_history(tenant: Tenant, subscriber_id: int) -> list[LoginEvent]:
    """The subscriber's recent logins, successes and failures, newest first."""
    return devices.history(tenant.slug, subscriber_id)


def end_other_session(tenant: Tenant, subscriber_id: int, session_id: int, current: int) -> bool:
    """End one live session of this subscriber that is not the current one; False when the
    id names no such session (someone else's, another ISP's, this one, or none)."""
    live = {s.id for s in devices.active_sessions(tenant.slug, subscriber_id)}
    if session_id == current or session_id not in live:
        return False
    auth_service.refuse_if_shared_demo(tenant, subscriber_id)
    devices.end_session(tenant.slug, session_id)
    audit.record(
        tenant.slug, "session.ended", subscriber_id=subscriber_id, target=f"session:{session_id}"
    )
    return True


def end_other_sessions(tenant: Tenant, subscriber_id: int, current: int) -> int:
    """Log the subscriber out everywhere but the current session; how many sessions ended."""
    auth_service.refuse_if_shared_demo(tenant, subscriber_id)
    ended = auth_service.end_all_sessions(tenant, subscriber_id, keep=current)
    if ended:
        audit.record(
            tenant.slug, "session.ended_others", subscriber_id=subscriber_id, after={"ended": ended}
        )
    return ended
