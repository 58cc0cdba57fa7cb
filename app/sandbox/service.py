"""The sandbox bank's API, as a gateway adapter calls it: register, charge, revoke, verify."""

from .bank import (
    SIGNATURE_HEADER,
    charge_token,
    deliver,
    open_operation,
    revoke,
    sign,
)

__all__ = ["SIGNATURE_HEADER", "charge_token", "deliver", "open_operation", "revoke", "sign"]
