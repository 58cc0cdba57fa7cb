"""The help part of a tenant's schema: requests to the ISP's staff, their subjects and files.

A request is one kind of help; a live chat with the ISP's consultants is another, and a
callback or a technician visit will be others beside them.
"""

from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .notify_schema import Clock
from .types import Code, Model, Rate, Text

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


class ChatHours(Model):
    """When consultants answer the chat, in the local time of the visitor's region."""

    days: tuple[Weekday, ...] = Field(default=WEEKDAYS, min_length=1)
    """The days it opens: mon, tue, wed, thu, fri, sat, sun."""
    opens: Clock = "10:00"
    """When it opens, local time (in quotes, e.g. "10:00")."""
    closes: Clock = "21:00"
    """When it closes, local time; later than opens (a chat open overnight: two days' hours
    are not supported, leave hours unset for around the clock)."""

    @model_validator(mode="after")
    def _ordered(self):
        if self.closes <= self.opens:
            raise ValueError("closes must be later than opens")
        if len(set(self.days)) != len(self.days):
            raise ValueError("days must not repeat")
        return self


class Chat(Model):
    """A live chat with the ISP's consultants («Онлайн-консультант», «Начать чат»)."""

    enabled: bool = False
    """Whether the cabinet offers the chat."""
    hours: ChatHours | None = None
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
