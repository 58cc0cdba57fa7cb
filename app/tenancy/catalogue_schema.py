"""The catalogue part of a tenant's schema: tariffs, options and the tariff-change rules."""

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field

from .option_schema import OptionKind, OptionRules
from .types import Code, Kopecks, Model, Text


class Promo(Model):
    """A promotional monthly fee, charged up to and including the local date `until`."""

    monthly_fee: Kopecks
    """The promotional monthly fee."""
    until: date
    """The last local date the promotional fee is charged (YYYY-MM-DD)."""


class Television(Model):
    """What the TV half of a mix (internet + TV) tariff brings."""

    channels: int = Field(gt=0)
    """How many TV channels the tariff brings."""
    set_top_box: Text | None = None
    """The set-top box in the ISP's words: included, for rent at a price, not needed."""


class Tariff(Model):
    code: Code
    name: Text
    speed_mbps: int = Field(gt=0)
    monthly_fee: Kopecks
    description: Text | None = None
    # business: offered to organisations only; persons neither see nor choose it.
    kind: Literal["internet", "mix", "business"] = "internet"
    connection_fee: Kopecks | None = None
    """One-off fee for connecting on this tariff, shown in the catalogue; 0: connecting is
    free (and the catalogue says so); left out: the catalogue says nothing of it."""
    promo: Promo | None = None
    """A promotional monthly fee until a date."""
    tv: Television | None = None
    """What the TV half of a mix tariff brings."""


class PrepayPeriod(Model):
    months: int = Field(gt=0, le=36)
    discount_percent: int = Field(ge=0, le=100)


class Option(OptionRules):
    code: Code
    kind: OptionKind
    name: Text
    description: Text | None = None
    monthly_fee: Kopecks = 0
    one_off_fee: Kopecks = 0
    daily_fee: Kopecks = 0
    max_days: int | None = Field(default=None, gt=0)
    free_days: int | None = Field(default=None, ge=0)
    min_hours: int | None = Field(default=None, gt=0)
    speed_mbps: int | None = Field(default=None, gt=0)
    duration_minutes: int | None = Field(default=None, gt=0)
    periods: tuple[PrepayPeriod, ...] = ()
    needs_review: bool = False


class ChangeTiming(StrEnum):
    """When a tariff change takes effect; with several offered the subscriber picks one."""

    IMMEDIATELY = "immediately"
    NEXT_DAY = "next_day"
    NEXT_MONTH = "next_month"


class ChangeFee(Model):
    """A one-off fee for changing the tariff, by direction; `by` says what makes a move
    "up": a higher speed or a higher monthly price."""

    up: Kopecks = 0
    """Fee for moving to a faster (or dearer) tariff."""
    down: Kopecks = 0
    """Fee for moving to a slower (or cheaper) tariff."""
    by: Literal["speed", "price"] = "speed"
    """What makes a move up: a higher speed or a higher monthly price in the region."""


class TariffChange(Model):
    """The ISP's rules for a subscriber changing the tariff of a service point."""

    timing: tuple[ChangeTiming, ...] = Field(default=(ChangeTiming.NEXT_MONTH,), min_length=1)
    """When a change may take effect: immediately, next_day, next_month; several: the
    subscriber chooses."""
    moves: Literal["any"] | dict[Code, tuple[Code, ...]] = "any"
    """`any`, or from tariff code -> the codes one may move to (a tariff not listed: none)."""
    fee: ChangeFee = ChangeFee()
    """One-off fee by direction, charged when the change takes effect."""
    min_stay_days: int = Field(default=0, ge=0, le=3660)
    """Days a point stays on a tariff before it may change again; 0: no minimum."""
    proration: Literal["none", "daily_difference"] = "none"
    """For an immediate change: `none` (today stays at the old price) or `daily_difference`
    (today's part of the difference is charged or refunded at once)."""
    confirm_by_sms: bool = False
    """Ask for a one-time SMS code to the phone on record before the change."""
    allow_debt: bool = False
    """Whether a change that costs money (its fee, today's price difference) may be made
    when the balance does not cover it; by default it is refused, when ordered and again
    when a scheduled change comes due."""


class Catalogue(Model):
    tariffs: tuple[Tariff, ...] = Field(min_length=1)
    options: tuple[Option, ...] = ()
    tariff_change: TariffChange = TariffChange()
    """How a subscriber changes the tariff of a service point."""
