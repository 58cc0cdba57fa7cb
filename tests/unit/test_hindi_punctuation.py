"""A Hindi sentence ends with the danda «।», in the catalogue and in the ISPs' own texts.

Hindi pages mixed «.» and «।» at sentence ends. The danda comes right after the last
word, with no space before it, also when the sentence ends in Latin text (a brand, an
e-mail address, a number, a placeholder). A «.» that does not end a sentence stays: a
decimal (930.50), a date or a time (21.11.2026, 10.00), an e-mail address, a URL, a
domain, a file name, a version, a brand (Yandex.Money), an abbreviation inside a sentence
(«5 min. तक»). «?» and «!» end sentences as they are.

These tests read the files only: no app, no database.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "translations" / "hi" / "LC_MESSAGES" / "messages.po"
TENANT_FILES = sorted([*ROOT.glob("tenants/*/*.yaml"), *ROOT.glob("tests/data/tenants/*/*.yaml")])
DANDA = "।"

# A «.» that is not part of an ellipsis and is followed, after any closing quotes or
# brackets, by the end of the text or by a space: the place where a sentence ends.
SENTENCE_DOT = re.compile(r"(?<!\.)\.(?!\.)(?=[»”’\"')\]]*(?:\s|$))")
# The word (letters, digits and inner dots) right before such a dot.
WORD_BEFORE = re.compile(r"[^\W_][\w.]*$")
# Abbreviations that keep their dot in the English and Russian texts too; inside a
# Hindi sentence they may stay as they are («5 min. तक»), at its end the danda follows.
ABBREVIATIONS = frozenset(
    {"min", "sec", "e.g", "i.e", "etc", "approx", "ltd", "inc"}
    | {"мин", "сек", "руб", "коп", "ул", "пр", "д", "кв"}
)
INITIAL = re.compile(r"[A-ZА-ЯЁ]")
SPACE_BEFORE_DANDA = re.compile(r"\s" + DANDA)
# What may close a sentence in the English source and in Hindi.
CLOSERS = "»”’\"')] "


def dot_problems(text: str) -> list[str]:
    """Every place where a Hindi sentence ends with «.», or the danda has a space before it."""
    problems = []
    for match in SENTENCE_DOT.finditer(text):
        before = WORD_BEFORE.search(text[: match.start()])
        word = before.group() if before else ""
        inside = text[match.end() :].strip(CLOSERS) != ""
        if inside and (word.lower() in ABBREVIATIONS or INITIAL.fullmatch(word)):
            continue
        problems.append(f"ends a sentence with «.» instead of «।»: …{snippet(text, match.start())}")
    for match in SPACE_BEFORE_DANDA.finditer(text):
        problems.append(f"a space before «।»: …{snippet(text, match.start())}")
    return problems


def snippet(text: str, at: int) -> str:
    return repr(text[max(0, at - 30) : at + 12])


def ends_a_sentence(text: str) -> bool:
    return text.rstrip(CLOSERS).endswith(".")


def ends_unpunctuated(text: str) -> bool:
    """No «।», «?», «!» (nor a «.», which the other tests report) at the end."""
    return not text.rstrip(CLOSERS).endswith((DANDA, "?", "!", "."))


# The Hindi catalogue: every msgstr, every plural form.


def catalogue_texts() -> Iterator[tuple[str, str, str]]:
    """(where, msgid, msgstr) for every form of every translated message."""
    with CATALOGUE.open("rb") as fileobj:
        catalog = read_po(fileobj, locale="hi")
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        context = f" (context {message.context!r})" if message.context else ""
        for index, text in enumerate(strings):
            form = f" msgstr[{index}]" if message.pluralizable else ""
            source = ids[min(index, len(ids) - 1)]
            yield f"msgid {ids[0]!r}{context}{form}", source, text or ""


# The ISPs' texts: every `hi:` value next to `ru:`/`en:` in the tenants' YAML.


def hindi_values(node: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        if "hi" in node and ("ru" in node or "en" in node):
            yield ".".join((*path, "hi")), node
        for name, value in node.items():
            yield from hindi_values(value, (*path, str(name)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from hindi_values(value, (*path, str(index)))


def tenant_texts() -> Iterator[tuple[str, str, str]]:
    """(where, English text, Hindi text) for every `hi:` value of every tenant file."""
    for path in TENANT_FILES:
        with path.open(encoding="utf-8") as fileobj:
            data = yaml.safe_load(fileobj)
        for key_path, translations in hindi_values(data):
            where = f"{path.relative_to(ROOT)}: {key_path}"
            yield where, str(translations.get("en") or ""), str(translations["hi"])


def report(found: list[str]) -> str:
    return "Hindi sentences end with «।» (no space before it):\n  " + "\n  ".join(found)


def test_the_files_hold_hindi_texts():
    assert sum(1 for _ in catalogue_texts()) > 100
    assert TENANT_FILES and sum(1 for _ in tenant_texts()) > 100


def test_catalogue_sentences_end_with_the_danda():
    found = [
        f"{where}: {problem}"
        for where, _source, text in catalogue_texts()
        for problem in dot_problems(text)
    ]
    assert not found, f"{CATALOGUE.relative_to(ROOT)}:\n" + report(found)


def test_catalogue_sentence_has_its_danda_where_the_source_has_a_full_stop():
    found = [
        f"{where}: {text!r}"
        for where, source, text in catalogue_texts()
        if text and ends_a_sentence(source) and ends_unpunctuated(text)
    ]
    assert not found, f"{CATALOGUE.relative_to(ROOT)}: no «।» at the end:\n  " + "\n  ".join(found)


def test_tenant_sentences_end_with_the_danda():
    found = [
        f"{where}: {problem}"
        for where, _english, text in tenant_texts()
        for problem in dot_problems(text)
    ]
    assert not found, report(found)


def test_tenant_sentence_has_its_danda_where_the_english_has_a_full_stop():
    found = [
        f"{where}: {text!r}"
        for where, english, text in tenant_texts()
        if ends_a_sentence(english) and ends_unpunctuated(text)
    ]
    assert not found, "no «।» at the end:\n  " + "\n  ".join(found)


# The rule itself: what counts as a sentence end and what does not.


@pytest.mark.parametrize(
    "text",
    [
        "राशि रूबल में डालें, जैसे 500 या 930.50।",
        "कृपया रसीद में लिखी तारीख डालें, जैसे 21.11.2026।",
        "प्रतिदिन 10.00 से 22.00 बजे तक।",
        "ईमेल पता डालें, जैसे name@example.ru।",
        "name@example.ru पर लिखें।",
        "YooMoney (Yandex.Money)",
        "Yandex.Money से भुगतान करें।",
        "Dom.ru कार्यालयों में; आमतौर पर एक दिन के भीतर।",
        "https://pay.example.ru/receipt.pdf खोलें।",
        "receipt.pdf डाउनलोड करें।",
        "संस्करण 2.4.1 उपलब्ध है।",
        "कोड %(code)s 5 min. तक मान्य है।",
        "जैसे e.g. 100 रूबल।",
        "A. S. Pushkin की सड़क।",
        "रसीद की फ़ोटो: PNG, JPEG या PDF, अधिकतम %(mb)s MB।",
        "आपका कोड: %(code)s।",
        "«कनेक्शन विवरण» पत्रक देखें।",
        "मदद चाहिए?",
        "भुगतान मिल गया। धन्यवाद!",
        "लोड हो रहा है...",
        "पहला वाक्य। दूसरा वाक्य।",
        "",
    ],
)
def test_these_are_not_sentences_ending_with_a_full_stop(text):
    assert dot_problems(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "बैलेंस की सीमा रूबल में डालें, जैसे 100.",
        "राशि रूबल में डालें, जैसे 500 या 930.50.",
        "ईमेल पता डालें, जैसे name@example.ru.",
        "कृपया रसीद में लिखी तारीख डालें, जैसे 21.11.2026.",
        "प्रतिदिन 22.00 बजे तक. फिर कॉल करें।",
        "भुगतान Yandex.Money.",
        "आपका कोड: %(code)s.",
        "«कनेक्शन विवरण» पत्रक देखें.",
        "«कनेक्शन विवरण» पत्रक देखें.»",
        "(यह वैकल्पिक है.)",
        "पहला वाक्य. दूसरा वाक्य।",
        "कोड 5 मिनट तक मान्य है. इसे किसी को न बताएँ।",
        "कोड 5 min.",
        "खाता संख्या बताएँ ।",
    ],
)
def test_these_are_hindi_sentences_that_need_the_danda(text):
    assert len(dot_problems(text)) == 1, dot_problems(text)
