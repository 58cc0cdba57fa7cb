"""What the ledger's entry kinds are called, and the groups a statement can be filtered by."""

from flask_babel import lazy_gettext as _l

from app.core.ledger import EntryKind

KIND_LABELS = {
    EntryKind.PAYMENT: _l("Payment"),
    EntryKind.CHARGE: _l("Charge"),
    EntryKind.REFUND: _l("Refund"),
    EntryKind.PROMISED_CREDIT: _l("Promised payment"),
    EntryKind.PROMISED_REPAYMENT: _l("Promised payment repaid"),
    EntryKind.TRANSFER: _l("Transfer"),
    EntryKind.CORRECTION: _l("Correction"),
}

# Filter value -> the entry kinds it shows; "all" (no filter) shows every kind.
KIND_GROUPS: dict[str, tuple[EntryKind, ...]] = {
    "payments": (EntryKind.PAYMENT,),
    "charges": (EntryKind.CHARGE,),
    "promised": (EntryKind.PROMISED_CREDIT, EntryKind.PROMISED_REPAYMENT),
    "refunds": (EntryKind.REFUND, EntryKind.CORRECTION),
    "transfers": (EntryKind.TRANSFER,),
}
GROUP_LABELS = {
    "all": _l("All operations"),
    "payments": _l("Payments"),
    "charges": _l("Charges"),
    "promised": _l("Promised payments"),
    "refunds": _l("Refunds and corrections"),
    "transfers": _l("Transfers"),
}


def kind_label(kind: str) -> str:
    """The translated name of an entry kind; a kind added later shows as its code."""
    try:
        return str(KIND_LABELS[EntryKind(kind)])
    except (ValueError, KeyError):
        return kind
