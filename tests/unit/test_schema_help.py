"""The help section of tenant.yaml: subjects, attachment limits, rates, hours, notice channels."""

import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.core import uploads
from app.tenancy import theming
from app.tenancy.help_schema import Hours
from app.tenancy.registry import load_registry
from tests.unit.test_schema import ACME, LOCALES, line_of, problems

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tenants_dir(tmp_path: Path) -> Path:
    root = tmp_path / "tenants"
    shutil.copytree(ACME, root / "acme")
    return root


def _with_help(root: Path, text: str) -> None:
    path = root / "acme" / "tenant.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nhelp:\n" + text, encoding="utf-8")


def test_without_a_help_section_requests_use_the_four_usual_subjects(tenants_dir):
    tenant = load_registry([tenants_dir], LOCALES, dev_hosts=True).tenants["acme"]
    rules = tenant.config.help.requests
    assert rules.enabled
    assert [s.code for s in rules.subjects] == ["technical", "financial", "tariff", "other"]
    assert rules.subjects[1].name.get("hi") == "भुगतान और बैलेंस"
    assert (rules.attachments.max_files, rules.attachments.max_megabytes) == (3, 5)


def test_the_five_isps_name_their_section_and_subjects(app):
    registry = app.extensions["tenancy"]
    names = {
        slug: registry.tenants[slug].config.help.requests.name.get("ru")
        for slug in ("netbynet", "novotelecom", "iphome")
    }
    assert names == {
        "netbynet": "Обратная связь",
        "novotelecom": "Бесплатная помощь",
        "iphome": "Запросы консультантам",
    }
    for slug in ("athome", "iphome", "netbynet", "novotelecom", "tomtel"):
        codes = {s.code for s in registry.tenants[slug].config.help.requests.subjects}
        assert {"technical", "financial", "tariff", "other"} <= codes, slug


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (
            "  requests:\n    subjects:\n"
            "      - {code: a, name: {ru: А, en: A, hi: ए}}\n"
            "      - {code: a, name: {ru: Б, en: B, hi: बी}}\n",
            "subject codes must be unique",
        ),
        ("  requests:\n    subjects: []\n", "help.requests.subjects"),
        ("  requests:\n    attachments: {kinds: [exe]}\n", "help.requests.attachments.kinds"),
        ("  requests:\n    attachments: {max_megabytes: 500}\n", "max_megabytes"),
        ("  requests:\n    open_limit: often\n", "help.requests.open_limit"),
    ],
)
def test_mistakes_in_the_help_section_are_named(tenants_dir, text, complaint):
    _with_help(tenants_dir, text)
    assert any(complaint in p for p in problems(tenants_dir)), problems(tenants_dir)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"\xff\xd8\xff\xe0....", "image/jpeg"),
        (b"GIF89a....", "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", None),
        (b"<!doctype html>", None),
        (b"PK\x03\x04", None),
    ],
)
def test_files_are_known_by_their_first_bytes(content, kind):
    found = uploads.detect_kind(content)
    assert (found.content_type if found else None) == kind


def test_only_the_allowed_families_are_accepted():
    pdf_only = uploads.kinds_of(["pdf"])
    assert uploads.detect_kind(b"%PDF-1.4", pdf_only) is not None
    assert uploads.detect_kind(b"\x89PNG\r\n\x1a\n", pdf_only) is None


@pytest.mark.parametrize(
    ("text", "needle", "key", "complaint"),
    [
        (
            "  visits:\n    enabled: true\n    hours:\n      days: [1, 2]\n",
            "days: [1, 2]",
            "help.visits.hours.days.0",
            "'mon'",
        ),
        (
            '  chat:\n    hours:\n      opens: "18:00"\n      closes: "09:00"\n',
            'closes: "09:00"',
            "help.chat.hours.closes",
            "closes must be later than opens (18:00)",
        ),
        (
            "  callback:\n    hours:\n      days: [mon, tue, mon]\n",
            "days: [mon, tue, mon]",
            "help.callback.hours.days",
            "days must not repeat",
        ),
        (
            '  callback:\n    hours: {opens: "09:00", closes: "20:00"}\n    window_minutes: 120\n',
            "window_minutes: 120",
            "help.callback.window_minutes",
            "the hours 09:00–20:00 must divide into whole windows of 120 minutes",
        ),
        (
            '  visits:\n    hours: {opens: "09:00", closes: "18:00"}\n    slot_minutes: 120\n',
            "slot_minutes: 120",
            "help.visits.slot_minutes",
            "whole slots of 120 minutes",
        ),
        ('  visits:\n    hours: {opens: "9:00"}\n', 'opens: "9:00"', "help.visits.hours.opens", ""),
    ],
)
def test_wrong_hours_are_named_with_file_line_and_key(tenants_dir, text, needle, key, complaint):
    _with_help(tenants_dir, text)
    line = line_of(tenants_dir, needle)
    problem = problems(tenants_dir)[0]  # days: [1, 2] is two problems, one per day
    assert problem.startswith(f"tenants/acme/tenant.yaml:{line}: {key}: "), problem
    assert complaint in problem


def test_one_hours_type_opens_on_its_days_within_its_times():
    hours = Hours(days=("mon", "tue", "wed", "thu", "fri"), opens="09:00", closes="18:00")
    zone = ZoneInfo("Europe/Moscow")
    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=zone)
    assert hours.is_open(datetime(2026, 12, 4, 17, 59, tzinfo=zone))
    assert not hours.is_open(friday_evening)
    assert hours.next_open(friday_evening) == datetime(2026, 12, 7, 9, 0, tzinfo=zone)
    assert hours.periods(date(2026, 12, 5), zone, 60) == []  # a Saturday
    monday = hours.periods(date(2026, 12, 7), zone, 180)
    assert [(s.hour, e.hour) for s, e in monday] == [(9, 12), (12, 15), (15, 18)]


@pytest.mark.parametrize(
    ("days", "locale", "shown"),
    [
        (("mon", "tue", "wed", "thu", "fri"), "ru", "пн–пт 09:00–18:00"),
        (("mon", "tue", "wed", "thu", "fri", "sat"), "en", "Mon–Sat 09:00–18:00"),
        (("sat", "sun", "mon"), "en", "Mon, Sat, Sun 09:00–18:00"),
        (("mon", "tue", "wed", "thu", "fri"), "hi", "सोम–शुक्र 09:00–18:00"),
    ],
)
def test_hours_read_as_days_and_times_in_the_language(days, locale, shown):
    assert theming._hours_text(Hours(days=days), locale) == shown
