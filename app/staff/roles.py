"""Staff roles and what each may do: the one table every console view is checked against."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Permission(StrEnum):
    """One kind of thing a console page shows or does."""

    SELF = "self"  # one's own password, passkeys and logout: everyone, the auditor too
    VIEW = "view"  # the console's home and the read-only pages
    LOOKUP = "lookup"  # find subscribers, see their accounts, statements, sessions
    SUBSCRIBER_SUPPORT = "subscriber_support"  # reset a password, unlock, end sessions
    QUEUES = "queues"  # reviews, visits, callbacks, orders
    REQUESTS = "requests"  # answer help requests
    CHAT = "chat"  # take and answer chats
    MONEY = "money"  # corrections, refunds, transfers between accounts
    PROVISION = "provision"  # new contracts, CSV import
    CONTENT = "content"  # news, promotions, notices
    STAFF = "staff"  # staff accounts and their roles
    AUDIT = "audit"  # search the audit trail
    OUTBOX = "outbox"  # messages sent and failed, resend


class Role(StrEnum):
    OPERATOR = "operator"
    ACCOUNTANT = "accountant"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"


ROLE_NAMES = {
    Role.OPERATOR: _l("Operator"),
    Role.ACCOUNTANT: _l("Accountant"),
    Role.ADMINISTRATOR: _l("Administrator"),
    Role.AUDITOR: _l("Auditor"),
}

_EVERYONE = {Permission.SELF, Permission.VIEW, Permission.LOOKUP}

# Money and staff rights are apart, so no single role both creates staff and moves money.
# The auditor is not in this table: it reads every page and changes nothing (allows).
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset(
        _EVERYONE
        | {
            Permission.SUBSCRIBER_SUPPORT,
            Permission.QUEUES,
            Permission.REQUESTS,
            Permission.CHAT,
            Permission.OUTBOX,
        }
    ),
    Role.ACCOUNTANT: frozenset(_EVERYONE | {Permission.MONEY}),
    Role.ADMINISTRATOR: frozenset(
        _EVERYONE
        | {
            Permission.STAFF,
            Permission.CONTENT,
            Permission.PROVISION,
            Permission.OUTBOX,
            Permission.AUDIT,
        }
    ),
    Role.AUDITOR: frozenset(Permission),
}


def allows(role: str, permission: Permission, changing: bool) -> bool:
    """Whether this role may read (changing False) or act on pages of this permission."""
    try:
        role = Role(role)
    except ValueError:
        return False
    if permission is Permission.SELF:
        return True
    if role is Role.AUDITOR:
        return not changing
    return permission in ROLE_PERMISSIONS[role]
