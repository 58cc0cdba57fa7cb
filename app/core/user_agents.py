"""A browser's User-Agent header reduced to what a person recognises: «Firefox, Windows».

Only the family of the browser and of the system is kept, never versions or the whole
header: enough to tell one's phone from one's laptop in the list of sessions, and too
little to fingerprint anyone. A few ordered patterns do this; a full parser library would
be a large dependency for two words.
"""

import re
from typing import NamedTuple

MAX_HEADER = 512  # longer headers are cut before matching: no pattern needs more

# The first match wins, so browsers built on another's engine come before it (Edge, Opera
# and Yandex say "Chrome" too; Chrome says "Safari").
BROWSERS = [
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(?:OPR|Opera|OPT)/")),
    ("Yandex Browser", re.compile(r"\bYaBrowser/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Vivaldi", re.compile(r"\bVivaldi/")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS|Chromium)/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/")),
]
SYSTEMS = [
    ("iPadOS", re.compile(r"\biPad\b")),
    ("iOS", re.compile(r"\b(?:iPhone|iPod)\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b|\bX11\b")),
]


class Device(NamedTuple):
    """Browser and system family; empty when the header named none we know."""

    browser: str
    system: str


def describe(header: str | None) -> Device:
    """The browser and system family a User-Agent header names."""
    text = (header or "")[:MAX_HEADER]
    browser = next((name for name, pattern in BROWSERS if pattern.search(text)), "")
    system = next((name for name, pattern in SYSTEMS if pattern.search(text)), "")
    return Device(browser, system)
