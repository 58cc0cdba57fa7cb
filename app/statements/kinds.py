"""The groups of ledger entry kinds a statement can be filtered by."""

from flask_babel import lazy_gettext as _l

from app.core.ledger import EntryKind

# Filter value -> the entry kinds it shows; "all" (no filter) shows every kind.
KIND_GROUPS: dict[str, tuple[EntryKind, ...]] = {
    "payments": (EntryKind.PAYMENT,),
    "charges": (EntryKind.CHARGE, EntryKind.TARIFF_CHANGE),
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
