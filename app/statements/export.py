"""A statement as CSV that Excel opens as it is: UTF-8 with BOM, `;` between columns."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.numbers import get_decimal_symbol

BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheets: never let text do it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_amount(kopecks: int, locale: str) -> str:
    """Kopecks as 1234,56 or 1234.56: no grouping, the language's decimal sign."""
    sign = "-" if kopecks < 0 else ""
    whole, part = divmod(abs(kopecks), 100)
    return f"{sign}{whole}{get_decimal_symbol(locale)}{part:02d}"


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text, not as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def local_time(moment: datetime, zone: str) -> str:
    """A moment as local «YYYY-MM-DD HH:MM:SS», which every spreadsheet reads as a date."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def csv_lines(rows: Iterable, header: list[str], locale: str, zone: str) -> Iterator[str]:
    """The header row, then one row per (entry, its words), each as a CSV line, streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def line(row: list[str]) -> str:
        writer.writerow(row)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield BOM + line(header)
    for entry, words in rows:
        yield line(
            [
                local_time(entry.created_at, zone),
                safe_text(words.kind),
                safe_text(words.description),
                plain_amount(entry.amount, locale),
                safe_text(words.reference),
            ]
        )
