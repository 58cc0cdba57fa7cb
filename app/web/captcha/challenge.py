"""What a challenge's code is, derived from its nonce with the secret key.

The picture and the recording are made by later requests than the page that shows them,
so the code must be recomputable on our side; deriving it with HMAC(SECRET_KEY, nonce)
lets the session keep only the random nonce, from which nobody without the key can tell
the answer.
"""

import hashlib
import hmac
import unicodedata

# Digits only: every character has a recording in every language the portal speaks, and a
# person who hears the code types what they heard without wondering how it is spelt.
ALPHABET = "0123456789"
# 10**6 codes; each is single use and the forms that ask for it are rate-limited.
CODE_LENGTH = 6


def _number(key: bytes, purpose: str, nonce: str) -> int:
    mac = hmac.new(key, f"captcha:{purpose}:{nonce}".encode(), hashlib.sha256)
    return int.from_bytes(mac.digest(), "big")


def picture_code(key: bytes, nonce: str) -> str:
    """The digits the picture and the recording of this challenge give."""
    # A 256-bit number spent in base 10: no noticeable bias for 6 digits.
    n = _number(key, "picture", nonce)
    chars = []
    for _ in range(CODE_LENGTH):
        n, index = divmod(n, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def _as_ascii_digit(char: str) -> str:
    # A Hindi keyboard types Devanagari digits (५ for 5); any script's digits count.
    return str(unicodedata.decimal(char)) if char.isdecimal() else char


def code_matches(code: str, typed: str) -> bool:
    """Whether the typed text is the code, ignoring spaces and the script of the digits."""
    cleaned = "".join(_as_ascii_digit(c) for c in "".join(typed.split()))
    return hmac.compare_digest(cleaned.encode(), code.encode())
