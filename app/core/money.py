"""Money as the portal keeps it (integer kopecks) and as people read and type it (roubles)."""

import re
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency
from flask_babel import get_locale

# At most 9 rouble digits and 2 kopeck digits: far above any payment, far below overflow.
_AMOUNT = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")
_NOISE = re.compile(r"[\s\u00a0\u202f₽]|руб\.?|rub\.?", re.IGNORECASE)


class NotAnAmount(ValueError):
    """What was typed is not an amount of roubles."""


def parse_roubles(typed: str | None) -> int:
    """Roubles as typed («1 234,56», «1234.5», «600 ₽», «500 руб.») in kopecks.

    Raises NotAnAmount for anything else: letters, a sign, three decimals, an empty box.
    """
    cleaned = _NOISE.sub("", typed or "")
    if not _AMOUNT.match(cleaned):
        raise NotAnAmount(typed)
    return int(Decimal(cleaned.replace(",", ".")) * 100)


def clamp(amount: int, low: int, high: int) -> int:
    """The amount moved inside [low, high]: a tenant's minimum and maximum for one payment."""
    return min(max(amount, low), high)


# Every page shows a few amounts, the same ones again and again; Babel's formatting is
# the dearest part of them.
@lru_cache(maxsize=4096)
def format_money(kopecks: int, locale: str) -> str:
    """Kopecks as roubles in a language's currency format: «1 234,56 ₽», «₽1,234.56»."""
    # CLDR writes the rouble as "RUB" outside Russian; subscribers know it as ₽ everywhere.
    text = format_currency(Decimal(kopecks) / 100, "RUB", locale=locale)
    return text.replace("RUB", "₽")


def money(kopecks: int) -> str:
    """Kopecks as roubles in the current language (the page's, or the default outside one)."""
    return format_money(kopecks, str(get_locale() or "ru"))


def plain_roubles(kopecks: int, decimal: str = ".", whole_without_kopecks: bool = False) -> str:
    """An amount as a form field or a CSV holds it: «1234.56»; «600» when asked to drop «.00»."""
    whole, part = divmod(kopecks, 100)
    if whole_without_kopecks and not part:
        return str(whole)
    return f"{whole}{decimal}{part:02d}"


def shortfall(balance: int, price: int, allow_debt: bool = False) -> int:
    """Kopecks the balance lacks to pay `price` at once; 0 when it covers it, the price is
    nothing, or the ISP lets this payment take the balance below zero."""
    if allow_debt or price <= 0:
        return 0
    return max(price - balance, 0)
