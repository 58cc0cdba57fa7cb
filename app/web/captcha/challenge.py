"""What a challenge asks and accepts, derived from its nonce with the secret key.

The picture is drawn by a later request than the page that shows it, so the code must be
recomputable on our side; deriving it with HMAC(SECRET_KEY, nonce) lets the session keep
only the random nonce, from which nobody without the key can tell the answer.
"""

import hashlib
import hmac
import unicodedata

# No 0/O or 1/I/L: characters a person could confuse in a distorted picture.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5
MAX_SUM = 10

NUMBER_WORDS = {
    "ru": (
        "ноль",
        "один",
        "два",
        "три",
        "четыре",
        "пять",
        "шесть",
        "семь",
        "восемь",
        "девять",
        "десять",
    ),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    "hi": ("शून्य", "एक", "दो", "तीन", "चार", "पाँच", "छह", "सात", "आठ", "नौ", "दस"),
}
# Other ways people write the same numbers.
OTHER_SPELLINGS = {"нуль": 0, "одна": 1, "одно": 1, "две": 2, "पांच": 5, "छः": 6, "छ": 6}
WORD_VALUES = {
    **{word: n for words in NUMBER_WORDS.values() for n, word in enumerate(words)},
    **OTHER_SPELLINGS,
}
# A Russian keyboard types Cyrillic letters that look like the Latin ones in the picture.
LOOKALIKES = str.maketrans("АВЕКМНРСТУХ", "ABEKMHPCTYX")


def _number(key: bytes, purpose: str, nonce: str) -> int:
    mac = hmac.new(key, f"captcha:{purpose}:{nonce}".encode(), hashlib.sha256)
    return int.from_bytes(mac.digest(), "big")


def picture_code(key: bytes, nonce: str) -> str:
    """The characters the picture of this challenge shows."""
    # A 256-bit number spent in base len(ALPHABET): no noticeable bias for 5 characters.
    n = _number(key, "picture", nonce)
    chars = []
    for _ in range(CODE_LENGTH):
        n, index = divmod(n, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def question_terms(key: bytes, nonce: str) -> tuple[int, int]:
    """The two numbers to add: each at least 1, their sum at most 10."""
    n = _number(key, "question", nonce)
    first = 1 + n % (MAX_SUM - 1)
    second = 1 + (n // (MAX_SUM - 1)) % (MAX_SUM - first)
    return first, second


def number_word(n: int, locale: str) -> str:
    """A number from 0 to 10 in words of the given language (digits if we have no words)."""
    words = NUMBER_WORDS.get(locale)
    return words[n] if words else str(n)


def code_matches(code: str, typed: str) -> bool:
    """Whether the typed text is the picture's code, ignoring case and spaces."""
    cleaned = "".join(typed.split()).upper().translate(LOOKALIKES)
    return hmac.compare_digest(cleaned.encode(), code.encode())


def read_number(typed: str) -> int | None:
    """A small number typed in digits (any script) or as a word in ru, en or hi."""
    cleaned = unicodedata.normalize("NFC", typed).strip().strip(".!").strip().casefold()
    if cleaned.isdecimal() and len(cleaned) <= 3:
        return int(cleaned)
    return WORD_VALUES.get(cleaned)
