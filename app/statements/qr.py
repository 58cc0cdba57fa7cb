"""The payment QR code of ГОСТ Р 56042-2014: the payload string and its SVG picture."""

import io
import re

import segno

# "ST" + format version "0001" + character set "2" (1 = windows-1251, 2 = UTF-8, 3 = KOI8-R).
HEADER = "ST00012"
SEPARATOR = "|"
REQUIRED = ("Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc")
# The standard's maximum lengths; a bank's scanner may refuse a longer value.
MAX_LENGTHS = {
    "Name": 160,
    "PersonalAcc": 20,
    "BankName": 45,
    "BIC": 9,
    "CorrespAcc": 20,
    "PayeeINN": 12,
    "KPP": 9,
    "Sum": 18,
    "Purpose": 210,
}
_SPACES = re.compile(r"\s+")


class PayloadError(ValueError):
    """A payment QR payload that is missing a required field or is not well formed."""


def clean(value: object) -> str:
    """A value safe inside the payload: no separator, no line breaks, trimmed."""
    text = str(value).replace(SEPARATOR, "/")
    return _SPACES.sub(" ", text).strip()


def build_payload(fields: dict[str, object]) -> str:
    """The QR string for the given fields, in their order; empty values are left out."""
    parts = [HEADER]
    for key, raw in fields.items():
        if raw is None:
            continue
        value = clean(raw)[: MAX_LENGTHS.get(key)]
        if value:
            parts.append(f"{key}={value}")
    present = {part.split("=", 1)[0] for part in parts[1:]}
    missing = [key for key in REQUIRED if key not in present]
    if missing:
        raise PayloadError(f"required fields missing: {', '.join(missing)}")
    return SEPARATOR.join(parts)


def parse_payload(payload: str) -> dict[str, str]:
    """The fields of a QR string, for checks and tests; the inverse of build_payload."""
    header, *parts = payload.split(SEPARATOR)
    if header != HEADER:
        raise PayloadError(f"unexpected header {header!r}")
    fields = {}
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise PayloadError(f"not a key=value pair: {part!r}")
        fields[key] = value
    return fields


def payment_fields(requisites, purpose: str, amount: int | None, account: str, payer) -> dict:
    """The standard's fields for paying an ISP: payee, amount in kopecks, account, payer."""
    fields: dict[str, object] = {
        "Name": requisites.payee,
        "PersonalAcc": requisites.account,
        "BankName": requisites.bank_name,
        "BIC": requisites.bic,
        "CorrespAcc": requisites.correspondent_account,
        "PayeeINN": requisites.inn,
        "KPP": requisites.kpp,
        # Sum is in kopecks by the standard; without it the payer types the amount.
        "Sum": str(amount) if amount else None,
        "Purpose": purpose,
        "PersAcc": account,
    }
    fields.update(payer_fields(payer))
    return fields


def payer_fields(payer) -> dict[str, object]:
    """LastName/FirstName/MiddleName for a person; an organisation is named by its INN."""
    if getattr(payer, "kind", "person") == "organisation":
        return {"PayerINN": payer.inn}
    return {
        "LastName": payer.surname,
        "FirstName": payer.first_name,
        "MiddleName": payer.patronymic,
    }


def qr_svg(payload: str, title: str) -> str:
    """The QR code as an inline SVG element sized by CSS (error correction M, as advised)."""
    code = segno.make(payload, error="m", boost_error=False, encoding="utf-8", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        omitsize=True,
        title=title,
        svgclass="qr-code",
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    return out.getvalue().decode("utf-8")
