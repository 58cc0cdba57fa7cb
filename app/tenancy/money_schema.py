"""The money part of a tenant's config: payment methods, requisites, promised payment."""

from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum
from typing import Annotated, Literal

from pydantic import Field

from .types import Code, Kopecks, Model, Quoted, Rate, Text


class PaymentKind(StrEnum):
    CARD = "card"
    WALLET = "wallet"
    MOBILE = "mobile"
    BANK_ONLINE = "bank_online"
    TERMINAL = "terminal"
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    AUTOPAY = "autopay"


# Kinds where the payer picks which wallet or bank pays; the gateway is told the pick.
CHOICE_KINDS = frozenset({PaymentKind.WALLET, PaymentKind.BANK_ONLINE})


class MethodChoice(Model):
    """A wallet or bank within a method (ЮMoney, QIWI, Сбербанк Онлайн …).

    The code is what the gateway is told (like a gateway's payment-method type); the name is
    shown to the payer.
    """

    code: Code
    """What the gateway is told the payer picked."""
    name: Text
    """The wallet's or bank's name shown to the payer."""


class Commission(Model):
    """What the payer pays on top of the amount: a percentage plus a fixed sum, never less
    than the minimum. All zero (the default): no commission."""

    percent: Decimal = Field(default=Decimal(0), ge=0, le=100)
    """Percentage of the amount paid, e.g. 1.5."""
    fixed: Kopecks = 0
    """Roubles added to every payment, whatever the amount."""
    minimum: Kopecks = 0
    """The least the commission comes to, in roubles."""

    @property
    def free(self) -> bool:
        return not (self.percent or self.fixed or self.minimum)

    def of(self, amount: int) -> int:
        """The commission in kopecks on a payment of `amount` kopecks (half a kopeck rounds up)."""
        share = (Decimal(amount) * self.percent / 100).quantize(Decimal(1), ROUND_HALF_UP)
        return max(int(share) + self.fixed, self.minimum)


class PaymentMethod(Model):
    """One way to pay, online (through the payment provider) or shown as information."""

    code: Code
    """Identifies the method in regions' `payment_methods` and `without_login_methods`."""
    kind: PaymentKind
    """What sort of method it is; wallet and bank_online offer `choices`."""
    name: Text
    """The method's name shown to the payer."""
    brands: tuple[Text, ...] = ()
    """Card systems, mobile operators, shops shown beside the method."""
    choices: tuple[MethodChoice, ...] = ()
    """E-wallets and internet banking: the wallets or banks the payer picks from."""
    commission: Commission = Commission()
    """What the payer is charged on top; shown beside the method before paying."""
    crediting: Text | None = None
    """How soon the money arrives, e.g. «within 3–5 working days»."""
    online: bool = False
    """Paid from the cabinet through the payment provider; otherwise shown as information."""


def _digits(pattern: str) -> object:
    return Annotated[Quoted, Field(pattern=pattern)]


class Requisites(Model):
    """The ISP's bank details, printed on the bank receipt (form ПД-4) and its QR code."""

    payee: str
    """The payee's legal name as the bank knows it."""
    inn: _digits(r"^(\d{10}|\d{12})$")
    """Taxpayer number (ИНН), 10 or 12 digits, in quotes."""
    kpp: _digits(r"^\d{9}$") | None = None
    """Tax registration reason code (КПП), 9 digits, in quotes."""
    bank_name: str
    """The payee's bank."""
    bic: _digits(r"^\d{9}$")
    """The bank's BIC (БИК), 9 digits, in quotes."""
    account: _digits(r"^\d{20}$")
    """Settlement account (расчётный счёт), 20 digits, in quotes."""
    correspondent_account: _digits(r"^\d{20}$")
    """The bank's correspondent account, 20 digits, in quotes."""
    purpose: Text
    """Payment purpose printed on the receipt (the Russian text goes to the bank)."""


class PayeeKey(StrEnum):
    """What a payer who is not logged in may type to find the account to pay into."""

    ACCOUNT = "account"
    CONTRACT = "contract"
    PHONE = "phone"


class LookupLimits(Model):
    """Finding a payee by number shows masked initials: limited, so it cannot list subscribers.

    Counted per client address (within the tenant) and for the whole tenant; a look-up over
    either is answered 429 «Too many attempts. Please try again in N min.».
    """

    address: Rate = "20 per 10 minutes"
    """Look-ups from one client address."""
    tenant: Rate = "1000 per hour"
    """Look-ups for the whole tenant."""


class TaxSystem(IntEnum):
    """The ISP's taxation system, as the 54-FZ receipt codes it (tax_system_code)."""

    GENERAL = 1  # ОСН
    SIMPLIFIED_INCOME = 2  # УСН доходы
    SIMPLIFIED_PROFIT = 3  # УСН доходы минус расходы
    IMPUTED = 4  # ЕНВД
    AGRICULTURAL = 5  # ЕСХН
    PATENT = 6  # ПСН


class PaymentReceipt(Model):
    """The 54-FZ receipt the gateway's online till issues with each payment: one item for
    the amount, sent to the payer's e-mail (or the holder's phone when there is none)."""

    vat_code: int = Field(ge=1, le=12)
    """VAT rate code as ЮKassa numbers them: 1 no VAT, 2 0%, 3 10%, 4 20%, 5 10/110,
    6 20/120, 7 5%, 8 7%, 9 5/105, 10 7/107, 11 22%, 12 22/122."""
    tax_system_code: TaxSystem = TaxSystem.GENERAL
    """Taxation system: 1 general, 2 simplified (income), 3 simplified (income less costs),
    4 imputed, 5 agricultural, 6 patent."""
    item_name: str = Field(default="Услуги связи", min_length=1, max_length=128)
    """What the receipt's one line is called."""
    payment_subject: Literal["service", "payment", "another"] = "service"
    """What is paid for (признак предмета расчёта)."""
    payment_mode: Literal["full_payment", "full_prepayment", "advance"] = "full_prepayment"
    """How it is paid (признак способа расчёта): an ISP's top-up is usually a prepayment."""


class Payments(Model):
    """How subscribers pay the ISP."""

    methods: tuple[PaymentMethod, ...] = ()
    """Every way to pay, in the order shown."""
    provider: Literal["sandbox", "yookassa", "tbank"] = "sandbox"
    """The payment provider online methods go through; yookassa and tbank read their
    credentials from the environment (PAYMENTS_<SLUG>_<PROVIDER>_…, see docs/production.md)."""
    receipt: PaymentReceipt | None = None
    """Send a 54-FZ receipt with each payment through the gateway's online till."""
    min_amount: Kopecks = 1000
    """The smallest online payment, in roubles."""
    max_amount: Kopecks = 3000000
    """The largest online payment, in roubles."""
    require_consent: bool = False
    """Ask the payer to tick «I agree» with `terms` before paying."""
    terms: Text | None = None
    """Terms of payment shown above the consent box."""
    without_login: bool = False
    """Offer paying without logging in, finding the account by `without_login_find_by`."""
    without_login_find_by: tuple[PayeeKey, ...] = Field(
        default=(PayeeKey.CONTRACT, PayeeKey.PHONE), min_length=1
    )
    """What a payer without login may type to find the account: account, contract, phone."""
    without_login_methods: tuple[Code, ...] | None = None
    """Methods offered without login; all online methods when unset."""
    without_login_title: Text | None = None
    """What the ISP calls paying without login; «Pay without logging in» when unset."""
    lookup_limits: LookupLimits = LookupLimits()
    """Limits on finding a payee by number."""
    for_others: bool = False
    """Let a subscriber top up another subscriber's account."""
    transfer_requests: bool = False
    """Let a subscriber ask staff to move a payment made to the wrong account."""
    requisites: Requisites | None = None
    """Bank details for the bank receipt and bank transfer; a region may override them."""


class PromisedPayment(Model):
    """Credit that restores access for a few days; its rules are the ISP's."""

    amount: Literal["monthly_fee", "fixed"] = "monthly_fee"
    """Lend the account's monthly fee, or `fixed_amount`."""
    fixed_amount: Kopecks | None = None
    """The sum lent when `amount` is fixed, in roubles."""
    days: int = Field(gt=0, le=31)
    """How many days the credit keeps access on before it is written back off."""
    fee: Kopecks = 0
    """Charged when the promise is taken, in roubles."""
    times: int = Field(default=1, gt=0, le=10)
    """How many promises per `period`."""
    period: Literal["calendar_month", "rolling"] = "calendar_month"
    """Count `times` per calendar month, or per rolling window of `window_days`."""
    window_days: int | None = Field(default=None, gt=0, le=365)
    """The rolling window's length, when `period` is rolling."""
    max_debt: Kopecks
    """Allowed only while the balance is negative and the debt is at most this, in roubles."""
    confirm_by_code: bool = False
    """Confirm taking it by an SMS code, as an intruder could take one."""
    organisations: bool = True
    """Whether organisations (legal entities) may take one; false: persons only."""
    min_contract_days: int = Field(default=0, ge=0, le=3650)
    """Refused until this many days have passed since the contract was signed."""


class StaffMoney(Model):
    """Corrections and refunds that staff make in the console."""

    four_eyes_above: Kopecks = 500000
    """A correction or refund above this, in roubles, waits until a second staff member
    with the money right approves it."""


class Billing(Model):
    """Charging and the promised payment."""

    suspend_below: Kopecks = 0
    """Access is suspended when the balance falls below this, in roubles."""
    promised_payment: PromisedPayment | None = None
    """The promised payment's rules; none offered when unset."""
    staff: StaffMoney = StaffMoney()
    """What staff may do with money in the console."""
