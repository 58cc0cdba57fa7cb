"""How fast one visitor may write and one address may start conversations: the tenant's rates."""

from limits import parse

from app.extensions import limiter
from app.tenancy.registry import Tenant

NAMESPACE = "chat"


def allowed(tenant: Tenant, action: str, who: str) -> bool:
    """Count one start or message and say whether it stays within the tenant's rate."""
    rules = tenant.config.help.chat
    rate = parse(rules.start_limit if action == "start" else rules.message_limit)
    return limiter.limiter.hit(rate, NAMESPACE, f"{action}:{tenant.slug}:{who}")
