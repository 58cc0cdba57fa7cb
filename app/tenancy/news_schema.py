"""The news part of a tenant's config: news, promotions, offers and notices per region.

Authored in YAML until staff write them in the console. Each item has its dates and one
text per locale; notices (outages, maintenance) also appear on the dashboard, and an
important one may open once in the centre of the screen. A personal offer names the
tariffs or the accounts it is for: only their holders see it.
"""

from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from .types import Code, Model, Quoted, Text

# As the ISP writes it on the contract, in quotes: YAML would drop its leading zeros.
AccountNumber = Annotated[Quoted, Field(min_length=1, max_length=40)]


class NewsKind(StrEnum):
    NEWS = "news"
    PROMOTION = "promotion"
    OFFER = "offer"
    OUTAGE = "outage"  # a notice: also on the dashboard
    MAINTENANCE = "maintenance"  # a notice: also on the dashboard


NOTICE_KINDS = frozenset({NewsKind.OUTAGE, NewsKind.MAINTENANCE})


def _start(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time())


class NewsItem(Model):
    """One item of news, a promotion, an offer or a notice."""

    code: Code
    """Identifies the item; a subscriber's dismissal of an important notice keeps it."""
    kind: NewsKind = NewsKind.NEWS
    """news, promotion, offer; or a notice shown on the dashboard: outage, maintenance."""
    regions: tuple[Code, ...] = ()
    """Codes of the regions it is for; empty: the whole tenant."""
    tariffs: tuple[Code, ...] = ()
    """A personal offer: codes of the tariffs it is for, shown only to subscribers with an
    account on one of them; empty: any tariff."""
    accounts: tuple[AccountNumber, ...] = ()
    """A personal offer: numbers of the accounts it is for (in quotes), shown only to their
    holders; empty: any account. With tariffs too, an account must be on one of them."""
    publish: date | datetime
    """When it appears, local time of the subscriber's region: a date (from its start) or
    a date and time, e.g. 2026-12-01 or "2026-12-01 09:00"."""
    expires: date | datetime | None = None
    """When it disappears: a date (shown through that whole day) or a date and time; unset:
    never."""
    title: Text
    """The headline."""
    text: Text
    """The body, plain text."""
    important: bool = False
    """Open it once in the centre of the screen on the dashboard until the subscriber
    closes it (without JavaScript: shown at the top)."""

    @property
    def starts(self) -> datetime:
        """The first local moment it is shown."""
        return _start(self.publish)

    @property
    def ends(self) -> datetime | None:
        """The first local moment it is no longer shown."""
        if self.expires is None:
            return None
        if isinstance(self.expires, datetime):
            return self.expires
        return _start(self.expires) + timedelta(days=1)

    @property
    def until(self) -> date | None:
        """The last local day it is shown, for the page to say."""
        return (self.ends - timedelta(microseconds=1)).date() if self.ends else None

    @property
    def notice(self) -> bool:
        """Whether the dashboard shows it."""
        return self.kind in NOTICE_KINDS or self.important

    def for_region(self, code: str | None) -> bool:
        """Whether a subscriber of the region (None: unknown) is meant to see it."""
        return not self.regions or code in self.regions

    @property
    def targeted(self) -> bool:
        """Whether it is for some tariffs' or accounts' holders only (a personal offer)."""
        return bool(self.tariffs or self.accounts)

    def for_holder(self, holdings: Mapping[str, Collection[str]]) -> bool:
        """Whether the holder of these accounts (number -> its points' tariff codes) is
        meant to see it; everyone is, unless it is targeted."""
        if not self.targeted:
            return True
        return any(
            (not self.accounts or number in self.accounts)
            and (not self.tariffs or any(code in self.tariffs for code in codes))
            for number, codes in holdings.items()
        )

    def current(self, now: datetime) -> bool:
        """Whether it is shown at the naive local moment now."""
        return self.starts <= now and (self.ends is None or now < self.ends)

    @model_validator(mode="after")
    def _ends_after_start(self):
        if self.ends is not None and self.ends <= self.starts:
            raise ValueError("expires must be after publish")
        return self


class News(Model):
    """News, promotions, offers and notices of the ISP."""

    items: tuple[NewsItem, ...] = ()
    """The items, in any order: pages show them newest first."""

    @field_validator("items")
    @classmethod
    def _unique(cls, value: tuple[NewsItem, ...]) -> tuple[NewsItem, ...]:
        codes = [item.code for item in value]
        if len(set(codes)) != len(codes):
            raise ValueError("item codes must be unique")
        return value
