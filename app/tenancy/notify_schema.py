"""The notification part of a tenant's config: default channels, quiet hours, reminders.

A subscriber chooses a channel per event in the cabinet; until they do, the ISP's default
here applies. Security notices and one-time codes are not events: they always go out.
"""

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from .types import Model, _quoted

Channel = Literal["email", "sms", "none"]
Medium = Literal["email", "sms"]
# "22:00": YAML reads an unquoted 22:00 as the number 1320, hence the quotes.
Clock = Annotated[str, BeforeValidator(_quoted), Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
# Every event a subscriber may choose a channel for, in the order the cabinet lists them.
EVENTS = (
    "payment_credited",
    "low_balance",
    "suspension",
    "promised_due",
    "request_answered",
    "visit_reminder",
    "region_news",
)


class Defaults(Model):
    """The channel of each event until the subscriber chooses one."""

    payment_credited: Channel = "email"
    """A payment was credited to the account (the e-mail is its receipt)."""
    low_balance: Channel = "sms"
    """«The money lasts N more days»."""
    suspension: Channel = "sms"
    """«Access will be suspended on …», access suspended for debt and resumed."""
    promised_due: Channel = "sms"
    """The promised payment is written off tomorrow."""
    request_answered: Channel = "email"
    """Staff answered the subscriber's request."""
    visit_reminder: Channel = "sms"
    """A technician's visit is coming."""
    region_news: Channel = "none"
    """News of the subscriber's region."""


class QuietHours(Model):
    """Local hours in which no notice is sent; what falls in them waits for their end."""

    start: Clock = "22:00"
    """When the quiet hours begin, local time (in quotes, e.g. "22:00")."""
    end: Clock = "09:00"
    """When they end, local time; earlier than start means the next morning."""

    @model_validator(mode="after")
    def _not_empty(self):
        if self.start == self.end:
            raise ValueError("quiet hours must start and end at different times")
        return self


class Reminders(Model):
    """The payment reminders of the daily run."""

    days_left: int = Field(default=3, ge=1, le=30)
    """«The money lasts N more days» is sent once the balance lasts this many days or fewer."""
    suspension_days: int = Field(default=1, ge=1, le=10)
    """«Access will be suspended on …» is sent this many days before that date."""

    @model_validator(mode="after")
    def _warning_after_reminder(self):
        if self.suspension_days > self.days_left:
            raise ValueError("suspension_days must not be more than days_left")
        return self


class Sms(Model):
    """How the ISP's texts are signed."""

    sender: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,11}$")] | None = None
    """The sender name the gateway shows (registered with it, e.g. "MYISP"): Latin
    letters and digits, at most 11; unset: the gateway account's default."""


class Notifications(Model):
    """Which notices the ISP sends, and how, until the subscriber decides otherwise."""

    channels: tuple[Medium, ...] = Field(default=("email", "sms"), min_length=1)
    """The channels the ISP sends notices through; subscribers choose among these."""
    defaults: Defaults = Defaults()
    """The channel of each event until the subscriber chooses one."""
    quiet_hours: QuietHours | None = QuietHours()
    """The default quiet hours (a subscriber may change them); null: none."""
    reminders: Reminders = Reminders()
    """The payment reminders of the daily run."""
    sms: Sms = Sms()
    """How the ISP's texts are signed."""

    @model_validator(mode="after")
    def _defaults_are_offered(self):
        for event in EVENTS:
            chosen = getattr(self.defaults, event)
            if chosen != "none" and chosen not in self.channels:
                raise ValueError(f"defaults.{event}: {chosen} is not among the channels")
        return self
