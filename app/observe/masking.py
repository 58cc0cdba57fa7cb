"""What of a person's contact details a log line may show."""


def mask_phone(phone: str) -> str:
    """Enough of a number to tell messages apart in logs, not enough to dial it."""
    return phone[:4] + "*" * max(len(phone) - 6, 0) + phone[-2:]
