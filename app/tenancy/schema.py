"""Typed, frozen description of a tenant, validated from its YAML."""

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator

from .access_schema import (  # noqa: F401  (part of the schema's public names)
    Delivery,
    FindBy,
    Identifier,
    IdentifierKind,
    Login,
    LoginLimits,
    Recovery,
    RecoveryChannel,
    RecoveryFlow,
    RecoveryLimits,
)
from .catalogue_schema import (  # noqa: F401  (part of the schema's public names)
    Catalogue,
    ChangeFee,
    ChangeTiming,
    Option,
    PrepayPeriod,
    Promo,
    Tariff,
    TariffChange,
    Television,
)
from .help_schema import Help
from .money_schema import (  # noqa: F401  (part of the schema's public names)
    CHOICE_KINDS,
    Billing,
    Commission,
    LookupLimits,
    MethodChoice,
    PayeeKey,
    PaymentKind,
    PaymentMethod,
    PaymentReceipt,
    Payments,
    PromisedPayment,
    Requisites,
)
from .network_schema import Provisioning
from .news_schema import News, NewsItem, NewsKind  # noqa: F401
from .notify_schema import Notifications, QuietHours, Reminders  # noqa: F401
from .option_schema import OptionDetail, OptionKind, OptionRules, OptionScope  # noqa: F401
from .profile_schema import LinkedCabinets, LinkProof, LoginChange, Profile, Registration  # noqa: F401
from .types import (  # noqa: F401  (part of the schema's public names)
    HEX_COLOUR,
    Code,
    Colour,
    Kopecks,
    Model,
    Quoted,
    Rate,
    Text,
    TimeZoneName,
)


class Locales(Model):
    """The languages the cabinet speaks; each needs a catalogue in translations/."""

    available: tuple[str, ...] = Field(min_length=1)
    """Locale codes offered, e.g. [ru, en, hi]."""
    default: str
    """The language when nothing else chooses one; one of `available`."""


class Host(Model):
    """A host name that serves the tenant (or a region of it)."""

    host: str
    """A bare host name, no scheme, port or path."""
    locale: str | None = None
    """Pin this host to one of the tenant's locales."""

    @field_validator("host")
    @classmethod
    def _lower(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9.-]+", value):
            raise ValueError("must be a bare host name without scheme, port or path")
        return value.lower()


class Phone(Model):
    """A phone number subscribers may call."""

    number: Quoted
    """The number as shown, in quotes, e.g. "+7 812 240-24-24"."""
    label: Text | None = None
    """What the line is for, e.g. «Contact centre»."""
    hours: Text | None = None
    """When it answers."""


class Contacts(Model):
    """How subscribers reach the ISP."""

    phones: tuple[Phone, ...] = ()
    """Phone lines, the main one first."""
    email: str | None = None
    """Support e-mail address."""
    address: Text | None = None
    """Office address."""
    chat_hours: Text | None = None
    """When the online chat answers."""
    fax: Quoted | None = None
    """Fax number, in quotes."""


class Region(Model):
    """A region of the ISP with its own hosts, timezone and, where they differ, overrides."""

    code: Code
    """Identifies the region, also in its development host `<code>.<slug>.localhost`."""
    name: Text
    """The region's name shown to subscribers."""
    hosts: tuple[Host, ...] = ()
    """Host names serving this region."""
    timezone: TimeZoneName
    """The region's timezone."""
    contacts: Contacts | None = None
    """The region's contacts; the tenant's when unset."""
    tariffs: tuple[Code, ...] | None = None
    """Codes of the tariffs offered here; all when unset."""
    prices: dict[Code, Kopecks] = {}
    """Monthly fees that differ in this region, tariff code -> roubles; a promotion still wins."""
    payment_methods: tuple[Code, ...] | None = None
    """Codes of the payment methods offered here; all when unset."""
    requisites: Requisites | None = None
    """The region's own bank details; the tenant's `payments.requisites` when unset."""


class Colours(Model):
    """Brand colours (#rrggbb); text pairs must reach WCAG AA contrast."""

    primary: Colour
    """Buttons, links and the header."""
    on_primary: Colour
    """Text on primary."""
    accent: Colour
    """Highlights such as the login button."""
    on_accent: Colour
    """Text on accent."""
    background: Colour = "#ffffff"
    """The page background."""
    surface: Colour = "#f4f6f8"
    """Cards and panels."""
    text: Colour = "#1b1f24"
    """Body text."""
    muted: Colour = "#56606b"
    """Secondary text."""
    danger: Colour = "#b3261e"
    """Errors."""


class Branding(Model):
    """The cabinet's look."""

    colours: Colours
    """Brand colours."""
    logo: str
    """A file in the tenant's static/ folder."""
    favicon: str | None = None
    """A file in the tenant's static/ folder."""
    menu: Literal["left", "top"] = "top"
    """Where the cabinet menu sits."""
    button_shape: Literal["rounded", "pill", "square"] = "rounded"
    """The shape of buttons."""


class Mail(Model):
    """Who the ISP's e-mails come from."""

    sender_name: Text
    """The From name."""
    sender_address: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    """The From address."""


class Names(Model):
    """What the ISP calls features every cabinet shares; unset: the portal's own words."""

    promised_payment: Text | None = None
    """The promised payment, e.g. «Отсрочка платежа»: menu, page title, dashboard,
    statement, SMS."""
    recover_link: Text | None = None
    """The login page's link to password recovery, e.g. «Напомнить логин и пароль»."""
    services: Text | None = None
    """The section with the tariff, the catalogue and the subscriber's options, e.g.
    «Конструктор тарифного плана»: menu, page title, the tabs of «My services»."""


class TenantConfig(Model):
    """Everything the portal knows of one ISP, as written in its tenant.yaml."""

    name: Text
    """The ISP's name shown to subscribers."""
    legal_name: str
    """The ISP's legal name, on receipts."""
    locales: Locales
    """The languages the cabinet speaks."""
    timezone: TimeZoneName
    """The tenant's timezone (a region may have its own), e.g. Europe/Moscow."""
    phone_region: str = "RU"
    """Country whose numbering phone numbers without a +code are read in."""
    currency: Literal["RUB"] = "RUB"
    """The currency of every amount."""
    hosts: tuple[Host, ...] = ()
    """Host names serving the whole tenant."""
    regions: tuple[Region, ...] = ()
    """Regions, each with its hosts, timezone and overrides."""
    branding: Branding
    """The cabinet's look."""
    login: Login
    """The login page."""
    recovery: Recovery = Recovery()
    """Password and login recovery."""
    contacts: Contacts = Contacts()
    """How subscribers reach the ISP."""
    catalogue: Catalogue
    """Tariffs and options."""
    payments: Payments = Payments()
    """Payment methods, limits and bank details."""
    billing: Billing = Billing()
    """Charging and the promised payment."""
    mail: Mail | None = None
    """Who the ISP's e-mails come from."""
    names: Names = Names()
    """The ISP's own names for shared features."""
    help: Help = Help()
    """Requests to staff and other help in the cabinet."""
    profile: Profile = Profile()
    """The profile page: login change, cabinet registration."""
    provisioning: Provisioning | None = None
    """Service changes to the ISP's network, usage records back; absent: changes are kept
    as not sent and usage cannot be imported."""
    notifications: Notifications = Notifications()
    """Notices to subscribers: default channels, quiet hours, payment reminders."""
    news: News = News()
    """News, promotions, offers and outage or maintenance notices, per region."""
