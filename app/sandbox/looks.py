"""How the sandbox bank dresses the page of a wallet or online bank it stands in for.

A real aggregator sends the payer to ЮMoney's, QIWI's or the bank's own page; the sandbox
shows one page in that service's colours, so a tester sees which one the order named.
Every pair keeps WCAG AA contrast (4.5:1) for the text drawn on the colour.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Look:
    background: str
    foreground: str


LOOKS = {
    "webmoney": Look("#005bac", "#ffffff"),
    "yoomoney": Look("#7b3fe4", "#ffffff"),
    "qiwi": Look("#ff8c00", "#1a1a1a"),
    "sberbank": Look("#107f3e", "#ffffff"),
    "tbank": Look("#ffdd2d", "#1a1a1a"),
    "vtb": Look("#0a2896", "#ffffff"),
    "alfabank": Look("#d6001c", "#ffffff"),
    "gazprombank": Look("#003a70", "#ffffff"),
}
PLAIN = Look("#3e4c59", "#ffffff")


def look_of(code: str | None) -> Look:
    """The colours of a known wallet or bank; a plain look for any other."""
    return LOOKS.get(code or "", PLAIN)
