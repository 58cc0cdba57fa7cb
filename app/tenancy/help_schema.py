"""The help part of a tenant's schema: requests to the ISP's staff, their subjects and files.

A request is one kind of help; a callback and a technician visit are others, filed as
requests too; a live chat with the ISP's consultants is another beside them.
"""

from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .notify_schema import Clock
from .types import Code, Model, Rate, Text

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def minutes_of(clock: str) -> int:
    """Minutes since midnight of a "HH:MM" clock time."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class Hours(Model):
    """Opening hours: the days of the week and one span of local time on each of them."""

    days: tuple[Weekday, ...] = Field(default=WEEKDAYS, min_length=1)
    """The days it opens: mon, tue, wed, thu, fri, sat, sun."""
    opens: Clock = "09:00"
    """When it opens, local time (in quotes, e.g. "09:00")."""
    closes: Clock = "18:00"
    """When it closes, local time; later than opens (hours past midnight are not
    supported)."""

    @field_validator("days")
    @classmethod
    def _distinct(cls, value: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        if len(set(value)) != len(value):
            raise ValueError("days must not repeat")
        return value

    @field_validator("closes")
    @classmethod
    def _after_opens(cls, value: str, info: ValidationInfo) -> str:
        opens = info.data.get("opens")  # absent when opens itself was wrong
        if opens is not None and value <= opens:
            raise ValueError(f"closes must be later than opens ({opens})")
        return value

    @property
    def minutes(self) -> int:
        """How long it is open on one of its days, in minutes."""
        return minutes_of(self.closes) - minutes_of(self.opens)

    def open_on(self, day: date) -> bool:
        """Whether it opens on this date."""
        return WEEKDAYS[day.weekday()] in self.days

    def is_open(self, local: datetime) -> bool:
        """Whether the local moment falls within the hours."""
        minute = local.hour * 60 + local.minute
        return self.open_on(local) and minutes_of(self.opens) <= minute < minutes_of(self.closes)

    def next_open(self, local: datetime) -> datetime:
        """The first opening after the local moment, in its timezone."""
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        for ahead in range(8):  # days is never empty: one of the next eight days opens later
            start = midnight + timedelta(days=ahead, minutes=minutes_of(self.opens))
            if self.open_on(start) and start > local:
                return start
        raise AssertionError("hours without days")

    def periods(self, day: date, zone: tzinfo, minutes: int) -> list[tuple[datetime, datetime]]:
        """The day's hours cut into periods of `minutes` as aware local datetimes; none on a
        day it does not open."""
        if not self.open_on(day):
            return []
        first = datetime(day.year, day.month, day.day, tzinfo=zone)
        return [
            (first + timedelta(minutes=m), first + timedelta(minutes=m + minutes))
            for m in range(minutes_of(self.opens), minutes_of(self.closes), minutes)
        ]


def _divides(hours: "Hours | None", minutes: int, what: str) -> int:
    # A field validator on the length, so the error names that key and its line.
    if hours is not None and hours.minutes % minutes:
        raise ValueError(
            f"the hours {hours.opens}–{hours.closes} must divide into whole {what} of {minutes}"
            " minutes"
        )
    return minutes


class FileFamily(StrEnum):
    IMAGE = "image"  # PNG, JPEG, GIF, WebP: recognised by content
    PDF = "pdf"


class Subject(Model):
    """A subject a subscriber files a request under."""

    code: Code
    """Identifies the subject; kept on each request."""
    name: Text
    """The subject as subscribers read it."""


def _subject(code: str, ru: str, en: str, hi: str) -> Subject:
    return Subject(code=code, name=Text({"ru": ru, "en": en, "hi": hi}))


DEFAULT_SUBJECTS = (
    _subject("technical", "Технический вопрос", "Technical question", "तकनीकी प्रश्न"),
    _subject("financial", "Оплата и баланс", "Payments and balance", "भुगतान और बैलेंस"),
    _subject("tariff", "Тариф и услуги", "Tariff and services", "टैरिफ़ और सेवाएँ"),
    _subject("other", "Другое", "Other", "अन्य"),
)


CONTRACT_CHANGE = _subject(
    "contract_data",
    "Изменение имени или адреса в договоре",
    "Change of name or address in the contract",
    "अनुबंध में नाम या पता बदलना",
)


class Attachments(Model):
    """What files a subscriber may attach to a request or a reply."""

    max_files: int = Field(default=3, ge=0, le=10)
    """How many files one message may carry; 0: none."""
    max_megabytes: int = Field(default=5, ge=1, le=20)
    """The largest file, in megabytes (MiB)."""
    kinds: tuple[FileFamily, ...] = Field(default=(FileFamily.IMAGE, FileFamily.PDF), min_length=1)
    """What the files may be, checked by their content: image (PNG, JPEG, GIF, WebP), pdf."""


class Requests(Model):
    """Written requests to the ISP's staff with a thread of replies."""

    enabled: bool = True
    """Whether subscribers file requests in the cabinet."""
    name: Text | None = None
    """The ISP's name of the section, e.g. «Обратная связь»; unset: the portal's word."""
    intro: Text | None = None
    """A line above the form, e.g. how soon staff answer."""
    subjects: tuple[Subject, ...] = Field(default=DEFAULT_SUBJECTS, min_length=1)
    """The subjects offered, in this order; unset: technical, financial, tariff, other."""
    max_chars: int = Field(default=4000, ge=200, le=20000)
    """The longest text of one message."""
    attachments: Attachments = Attachments()
    """Files on a request or a reply."""
    contract_change: Subject = CONTRACT_CHANGE
    """The subject of a request to change the name or address on the contract, opened
    from the profile with a document attached; offered beside `subjects`."""
    open_limit: Rate = "5 per hour"
    """How many requests one subscriber may open, e.g. '5 per hour'."""
    reply_limit: Rate = "30 per hour"
    """How many replies one subscriber may send."""

    @field_validator("subjects")
    @classmethod
    def _unique(cls, value: tuple[Subject, ...]) -> tuple[Subject, ...]:
        codes = [s.code for s in value]
        if len(set(codes)) != len(codes):
            raise ValueError("subject codes must be unique")
        return value

    @model_validator(mode="after")
    def _own_code(self) -> "Requests":
        if self.contract_change.code in {s.code for s in self.subjects}:
            raise ValueError("contract_change needs a code of its own, not one of subjects")
        return self

    def all_subjects(self) -> tuple[Subject, ...]:
        """Every subject a request may have: the list, then the contract change."""
        return (*self.subjects, self.contract_change)


class Callback(Model):
    """A request to be called back: a name, a phone and a time window within the hours."""

    enabled: bool = False
    """Whether subscribers may ask to be called back."""
    hours: Hours = Hours(opens="09:00", closes="21:00")
    """When the ISP calls back: windows are offered on these days within these hours;
    unset: every day from 09:00 to 21:00."""
    window_minutes: int = Field(default=120, ge=30, le=720)
    """How long one window is; the hours must divide into whole windows."""
    days_ahead: int = Field(default=3, ge=1, le=14)
    """How many days, today included, the subscriber may choose from."""
    public: bool = False
    """Whether it can be asked without logging in (from the contacts page), with the
    picture code."""
    limit: Rate = "3 per hour"
    """How many callbacks one logged-in subscriber may ask for."""
    public_limit: Rate = "3 per hour"
    """How many callbacks may be asked without logging in from one address."""

    @field_validator("window_minutes")
    @classmethod
    def _whole_windows(cls, value: int, info: ValidationInfo) -> int:
        return _divides(info.data.get("hours"), value, "windows")


DEFAULT_REASONS = (
    _subject("no_internet", "Не работает интернет", "Internet not working", "इंटरनेट काम नहीं कर रहा"),
    _subject("no_tv", "Не работает телевидение", "TV not working", "टीवी काम नहीं कर रहा"),
    _subject("cable", "Повреждён кабель", "Damaged cable", "केबल क्षतिग्रस्त है"),
    _subject("equipment", "Настройка оборудования", "Setting up equipment", "उपकरण सेट करना"),
)


class Visits(Model):
    """Technician visits: a reason, one of the subscriber's addresses, a slot of the schedule."""

    enabled: bool = False
    """Whether subscribers call a technician from the cabinet."""
    reasons: tuple[Subject, ...] = Field(default=DEFAULT_REASONS, min_length=1)
    """Why the technician is called, in this order."""
    hours: Hours = Hours(days=WEEKDAYS[:5], opens="09:00", closes="18:00")
    """The technicians' working days and hours: slots are offered within them; unset:
    mon to fri from 09:00 to 18:00."""
    slot_minutes: int = Field(default=60, ge=30, le=480)
    """How long one slot is; the hours must divide into whole slots."""
    places: int = Field(default=2, ge=1, le=50)
    """How many visits one slot takes in a region (how many technicians go out at once)."""
    region_places: dict[Code, int] = {}
    """Places per slot for particular regions, by region code; others have `places`."""
    days_ahead: int = Field(default=14, ge=1, le=60)
    """How many days ahead, today included, slots are offered."""
    cutoff_hours: int = Field(default=24, ge=0, le=168)
    """Until how many hours before the slot a visit may be moved or cancelled."""
    limit: Rate = "5 per day"
    """How many visits one subscriber may ask for."""

    @field_validator("slot_minutes")
    @classmethod
    def _whole_slots(cls, value: int, info: ValidationInfo) -> int:
        return _divides(info.data.get("hours"), value, "slots")


class Chat(Model):
    """A live chat with the ISP's consultants («Онлайн-консультант», «Начать чат»)."""

    enabled: bool = False
    """Whether the cabinet offers the chat."""
    hours: Hours | None = None
    """When consultants answer; unset: around the clock."""
    answer_within_minutes: int | None = Field(default=None, ge=1, le=120)
    """The promise shown on the page, «we answer within N minutes»; unset: none."""
    login_required: bool = True
    """Only logged-in subscribers may chat; false: anyone who gives a name."""
    max_chars: int = Field(default=1000, ge=100, le=4000)
    """The longest message."""
    message_limit: Rate = "20 per minute"
    """How many messages one visitor may send in one conversation."""
    start_limit: Rate = "5 per hour"
    """How many conversations one address may start."""


class Help(Model):
    """How subscribers get help in the cabinet."""

    requests: Requests = Requests()
    """Written requests to staff («Обратная связь», «Бесплатная помощь»)."""
    chat: Chat = Chat()
    """The live chat with consultants, and its hours."""
    callback: Callback = Callback()
    """Requests to be called back at a convenient time (Томтел)."""
    visits: Visits = Visits()
    """Technician visits («вызвать мастера», IP-Home)."""
