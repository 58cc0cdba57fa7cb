"""The sandbox bank's API, as a gateway adapter calls it: register, charge, revoke, verify,
look an operation up, refund."""

from .bank import (
    SIGNATURE_HEADER,
    charge_token,
    deliver,
    find,
    notification_body,
    open_operation,
    refund,
    revoke,
    sign,
)

__all__ = [
    "SIGNATURE_HEADER",
    "charge_token",
    "deliver",
    "find",
    "notification_body",
    "open_operation",
    "refund",
    "revoke",
    "sign",
]
