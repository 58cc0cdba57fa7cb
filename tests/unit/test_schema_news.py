"""The news section of tenant.yaml: dates, regions, codes; which items show when."""

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.news import service
from app.tenancy.schema import NewsItem
from tests.unit.test_schema import ACME, problems

TEXT = "{ru: Т, en: T, hi: टी}"


@pytest.fixture
def tenants_dir(tmp_path: Path) -> Path:
    root = tmp_path / "tenants"
    shutil.copytree(ACME, root / "acme")
    return root


def _with_news(root: Path, items: str) -> None:
    path = root / "acme" / "tenant.yaml"
    own = path.read_text(encoding="utf-8").split("\nnews:\n")[0]
    path.write_text(own + "\nnews:\n  items:\n" + items, encoding="utf-8")


def _item(**fields) -> NewsItem:
    text = {"ru": "Т", "en": "T", "hi": "टी"}
    return NewsItem(code="x", title=text, text=text, **fields)


@pytest.mark.parametrize(
    ("items", "complaint"),
    [
        (
            f"    - {{code: a, regions: [east], publish: 2026-01-01, title: {TEXT}, "
            f"text: {TEXT}}}\n",
            "news.items.0.regions.0: refers to undefined region 'east'",
        ),
        (
            f"    - {{code: a, publish: 2026-02-01, expires: 2026-01-31, title: {TEXT}, "
            f"text: {TEXT}}}\n",
            "expires must be after publish",
        ),
        (
            f"    - {{code: a, publish: 2026-01-01, title: {TEXT}, text: {TEXT}}}\n"
            f"    - {{code: a, publish: 2026-01-02, title: {TEXT}, text: {TEXT}}}\n",
            "item codes must be unique",
        ),
        (
            f"    - {{code: a, kind: rumour, publish: 2026-01-01, title: {TEXT}, text: {TEXT}}}\n",
            "news.items.0.kind",
        ),
        (
            "    - {code: a, publish: 2026-01-01, title: {ru: Т}, text: {ru: Т, en: T, hi: टी}}\n",
            "missing the 'en' translation",
        ),
        (
            f"    - {{code: a, kind: offer, tariffs: [basic, gold], publish: 2026-01-01, "
            f"title: {TEXT}, text: {TEXT}}}\n",
            "news.items.0.tariffs.1: refers to undefined tariff 'gold'",
        ),
        (
            f"    - {{code: a, kind: offer, accounts: [000123], publish: 2026-01-01, "
            f"title: {TEXT}, text: {TEXT}}}\n",
            "news.items.0.accounts.0",
        ),
    ],
)
def test_mistakes_in_the_news_section_are_named(tenants_dir, items, complaint):
    _with_news(tenants_dir, items)
    found = problems(tenants_dir)
    assert any(complaint in p for p in found), found


def test_a_date_as_expiry_shows_the_item_through_that_whole_day():
    item = _item(publish=date(2026, 1, 1), expires=date(2026, 1, 31))
    assert not item.current(datetime(2025, 12, 31, 23, 59))
    assert item.current(datetime(2026, 1, 1, 0, 0))
    assert item.current(datetime(2026, 1, 31, 23, 59))
    assert not item.current(datetime(2026, 2, 1, 0, 0))
    assert item.until == date(2026, 1, 31)


def test_a_date_and_time_is_kept_to_the_minute():
    item = _item(publish=datetime(2026, 1, 1, 9, 0), expires=datetime(2026, 1, 1, 12, 0))
    assert not item.current(datetime(2026, 1, 1, 8, 59))
    assert item.current(datetime(2026, 1, 1, 9, 0))
    assert not item.current(datetime(2026, 1, 1, 12, 0))


def test_dates_are_read_in_the_regions_own_timezone(app):
    acme = app.extensions["tenancy"].tenants["acme"]
    north = acme.region("north")  # Asia/Krasnoyarsk, UTC+7: the offer opens 10:00 there
    before = datetime(2021, 3, 1, 2, 59, tzinfo=UTC)
    after = datetime(2021, 3, 1, 3, 0, tzinfo=UTC)
    assert "north-offer" not in [i.code for i in service.current(acme, north, before)]
    assert "north-offer" in [i.code for i in service.current(acme, north, after)]
    # «expires: 2021-06-30» in the tenant's zone (also UTC+7): gone at 17:00 UTC that day.
    gone = datetime(2021, 6, 30, 17, 0, tzinfo=UTC)
    assert "expired" in [i.code for i in service.current(acme, None, gone.replace(hour=16))]
    assert "expired" not in [i.code for i in service.current(acme, None, gone)]


def test_items_are_newest_first_and_only_the_regions_own(app):
    acme = app.extensions["tenancy"].tenants["acme"]
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert [i.code for i in service.current(acme, acme.region("north"), now)] == [
        "north-offer",
        "for-all",
        "works",
    ]
    assert [i.code for i in service.current(acme, acme.region("south"), now)] == [
        "for-all",
        "south-outage",
        "works",
    ]
    assert [i.code for i in service.current(acme, None, now)] == ["for-all", "works"]


def test_the_five_isps_items_are_valid_and_tomtels_outage_pops_up(app):
    tenants = app.extensions["tenancy"].tenants
    for slug in ("athome", "iphome", "netbynet", "novotelecom", "tomtel"):
        assert tenants[slug].config.news.items, slug
    important = [i for i in tenants["tomtel"].config.news.items if i.important]
    assert [(i.code, i.regions) for i in important] == [("outage-seversk", ("seversk",))]
