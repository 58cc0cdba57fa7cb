"""Per process, whether each tenant has any staff-written item still to be shown, so the
dashboard of a tenant without any pays no query for them.

What this process knows is refreshed by one cheap EXISTS at most every TTL_SECONDS, and
set at once when staff change an item in this process. Another process learns of a new
item (or of the last one withdrawn) when its own entry runs out: up to TTL_SECONDS later.
"""

import time
from collections.abc import Callable

TTL_SECONDS = 30.0

# tenant slug -> (monotonic moment the entry runs out, whether it has live items); EVERY
# stands for the tenants without an entry of their own. A dict read and a dict write are
# atomic: threads of one process may race only to refresh twice.
EVERY = "*"
_known: dict[str, tuple[float, bool]] = {}


def has_live(tenant_slug: str, read: Callable[[], bool]) -> bool:
    """Whether the tenant has live items: as known while fresh, else read() and kept."""
    now = time.monotonic()
    found = _known.get(tenant_slug) or _known.get(EVERY)
    if found is not None and found[0] > now:
        return found[1]
    live = bool(read())
    _known[tenant_slug] = (now + TTL_SECONDS, live)
    return live


def note(tenant_slug: str, live: bool | None) -> None:
    """What staff just did in this process: items exist (True), or read again (None)."""
    if live is None:
        _known[tenant_slug] = (0.0, False)  # ran out: read at the next ask
    else:
        _known[tenant_slug] = (time.monotonic() + TTL_SECONDS, live)


def settle(live: bool = False, seconds: float = TTL_SECONDS) -> None:
    """Say what every tenant has for a while, forgetting the rest (tests: the tables were
    just emptied, so no tenant has any item)."""
    _known.clear()
    _known[EVERY] = (time.monotonic() + seconds, live)
