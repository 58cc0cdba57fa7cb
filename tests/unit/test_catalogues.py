"""The message catalogues are complete, keep their placeholders and match the source strings.

These tests read the files only: no app, no database.
"""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LOCALES = ("ru", "hi", "en")
PLURAL_FORMS = {"ru": 3, "hi": 2, "en": 2}
# Keep in step with the extract-messages target in the Makefile.
EXTRA_KEYWORDS = ("lazy_gettext", "_l")
HOW_TO_FIX = "Run `make extract-messages`, then translate the new strings in every locale."

# %(name)s with any flags, width, precision and conversion type.
PLACEHOLDER = re.compile(r"%\([^)]*\)[#0\- +]*(?:\d+)?(?:\.\d+)?[a-zA-Z]")

Key = tuple[str | None, str]


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def label(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def read_catalogue(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=locale)


def messages(catalog: Catalog) -> list[Message]:
    """Every real message, without the header entry."""
    return [message for message in catalog if message.id]


def forms(value: str | tuple | list | None) -> list[str]:
    """A msgid or msgstr as a list of its forms (one, or one per plural form)."""
    if value is None:
        return [""]
    if isinstance(value, str):
        return [value]
    return [form or "" for form in value]


def singular(message_id: str | tuple) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def key(message: Message) -> Key:
    return (message.context, singular(message.id))


def describe(found: Key) -> str:
    context, msgid = found
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def source_keys() -> set[Key]:
    """Extract the message ids from app/ the same way `make extract-messages` does."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(dict.fromkeys(EXTRA_KEYWORDS))
    found: set[Key] = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT / "app"), method_map, options_map, keywords=keywords
    ):
        msgid = singular(message)
        if msgid:
            found.add((context, msgid))
    return found


@pytest.fixture(scope="module")
def extracted() -> set[Key]:
    return source_keys()


@pytest.mark.parametrize("locale", LOCALES)
def test_header_names_the_language_and_its_plural_forms(locale):
    catalog = read_catalogue(po_path(locale))
    assert str(catalog.locale) == locale, f"{label(po_path(locale))}: the Language header is wrong"
    assert catalog.num_plurals == PLURAL_FORMS[locale], (
        f"{label(po_path(locale))}: expected nplurals={PLURAL_FORMS[locale]}, "
        f"the header says {catalog.plural_forms!r}"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_not_fuzzy(locale):
    catalog = read_catalogue(po_path(locale), locale)
    problems = []
    for message in messages(catalog):
        strings = forms(message.string)
        if message.pluralizable and len(strings) < catalog.num_plurals:
            strings += [""] * (catalog.num_plurals - len(strings))
        empty = [index for index, text in enumerate(strings) if not text.strip()]
        if empty:
            where = f" (msgstr{empty})" if message.pluralizable else ""
            problems.append(f"untranslated{where}: {describe(key(message))}")
        if message.fuzzy:
            problems.append(f"fuzzy: {describe(key(message))}")
    assert not problems, f"{label(po_path(locale))}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders(locale):
    catalog = read_catalogue(po_path(locale), locale)
    problems = []
    for message in messages(catalog):
        expected = set().union(*(placeholders(text) for text in forms(message.id)))
        for index, text in enumerate(forms(message.string)):
            if not text:
                continue  # reported by the completeness test
            got = placeholders(text)
            if got != expected:
                form = f" msgstr[{index}]" if message.pluralizable else ""
                problems.append(
                    f"{describe(key(message))}{form}: expected {sorted(expected)}, "
                    f"found {sorted(got)} in {text!r}"
                )
    assert not problems, f"{label(po_path(locale))}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", [TEMPLATE, *map(po_path, LOCALES)], ids=["pot", *LOCALES])
def test_catalogue_matches_the_source_strings(path, extracted):
    present = {key(message) for message in messages(read_catalogue(path))}
    missing = sorted(extracted - present, key=lambda found: found[1])
    stale = sorted(present - extracted, key=lambda found: found[1])
    report = []
    if missing:
        report.append("missing from the catalogue:")
        report += [f"  {describe(found)}" for found in missing]
    if stale:
        report.append("no longer in the source:")
        report += [f"  {describe(found)}" for found in stale]
    assert not report, f"{label(path)} is out of date.\n" + "\n".join(report) + f"\n{HOW_TO_FIX}"
