"""Turning what a subscriber types as a login or phone into the stored, normalised form."""

import re

import phonenumbers

from app.tenancy.schema import Identifier, IdentifierKind


def normalise_phone(raw: str, region: str = "RU") -> str | None:
    """E.164 form of a phone written as +7…, 8…, with spaces, brackets or dashes."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def e164(phone: str, region: str) -> str:
    """The number in E.164 (+79131234567); ValueError when it is not a valid number."""
    value = normalise_phone(phone, region)
    if value is None:
        raise ValueError("not a valid phone number")
    return value


def normalise(kind: IdentifierKind, raw: str, phone_region: str = "RU") -> str | None:
    """The stored form of raw for this kind of identifier, or None when it cannot be one."""
    value = raw.strip()
    if not value:
        return None
    if kind == IdentifierKind.PHONE:
        return normalise_phone(value, phone_region)
    if kind == IdentifierKind.EMAIL:
        value = value.lower()
        return value if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) else None
    if kind in (IdentifierKind.ACCOUNT, IdentifierKind.CONTRACT):
        return re.sub(r"[\s]+", "", value).upper()
    return value.casefold()


def candidates(identifiers: tuple[Identifier, ...], raw: str, phone_region: str) -> list[tuple]:
    """(kind, value) pairs that raw could stand for under a tenant's login rules."""
    pairs = []
    for identifier in identifiers:
        value = normalise(identifier.kind, raw, phone_region)
        if value is None:
            continue
        if identifier.pattern and not re.fullmatch(identifier.pattern, value):
            continue
        pairs.append((identifier.kind.value, value))
    return pairs
