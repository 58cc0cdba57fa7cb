"""The ledger behind balances."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import models  # noqa: F401  (tables join the metadata on import)
