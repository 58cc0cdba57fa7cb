"""What billing offers other features: the promised payments still to be written off."""

from .promised import open_promises

__all__ = ["open_promises"]
