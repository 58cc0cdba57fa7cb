"""Building blocks of tenant config: frozen models, money, codes, colours, ISP text."""

from decimal import Decimal, InvalidOperation
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel, model_validator


class Model(BaseModel):
    # A string under a field is its description: `flask tenants schema` prints it.
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def _kopecks(value: object) -> int:
    """Accept roubles written as 650, 650.5 or "650.50" and return integer kopecks."""
    if isinstance(value, bool) or value is None:
        raise ValueError("must be an amount in roubles, e.g. 650 or 650.50")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError("must be an amount in roubles, e.g. 650 or 650.50") from exc
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("has more than two digits after the decimal point")
    return int(amount * 100)


Kopecks = Annotated[int, BeforeValidator(_kopecks)]


def _quoted(value: object) -> object:
    # YAML reads 044525225 as an octal or decimal integer and 40702810… as an int: the
    # leading zeros are gone before any check could see them, so only quotes keep them.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            'is a number to YAML: write it in quotes, e.g. "044525225", '
            "or its leading zeros are lost"
        )
    return value


# Numbers that are really strings of digits: INN, BIC, bank accounts, contract numbers.
Quoted = Annotated[str, BeforeValidator(_quoted)]
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"
Colour = Annotated[str, Field(pattern=HEX_COLOUR)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {value!r}") from exc
    return value


TimeZoneName = Annotated[str, BeforeValidator(_timezone)]


def _rate(value: str) -> str:
    from limits import parse

    try:
        parse(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a rate such as '3 per hour'") from exc
    return value


Rate = Annotated[str, BeforeValidator(_rate)]


class Text(RootModel[dict[str, str]]):
    """ISP-owned text with one value per locale, e.g. {ru: …, en: …, hi: …}."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _per_locale(cls, value: object) -> object:
        if isinstance(value, str):
            raise ValueError("must be written once per locale, e.g. {ru: …, en: …, hi: …}")
        return value

    def get(self, locale: str, fallback: str = "ru") -> str:
        return self.root.get(locale) or self.root.get(fallback) or next(iter(self.root.values()))
