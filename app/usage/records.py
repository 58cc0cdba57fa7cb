"""Reading what the ISP's accounting sends: rows of point, day, bytes in and bytes out.

CSV (UTF-8, a header line, comma or semicolon separated) or JSON (a list of objects, or
{"records": [...]}) with the same names:

    point      the service point's id in the portal          } one of the two
    account    the account number                            }
    address    the point's address, when the account has several points (exact text)
    date       the accounting day, YYYY-MM-DD
    bytes_in   bytes sent to the subscriber that day (downloads), a whole number >= 0
    bytes_out  bytes sent by the subscriber that day (uploads), a whole number >= 0

A file is taken whole or not at all: one bad row refuses it, with every problem listed.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

COLUMNS = ("point", "account", "address", "date", "bytes_in", "bytes_out")
REQUIRED = ("date", "bytes_in", "bytes_out")
MAX_ROWS = 50_000
# A petabyte a day is more than any access line carries: a bigger number is a mistake.
MAX_BYTES = 10**15
OLDEST = date(2000, 1, 1)
MAX_PROBLEMS = 20
DIGITS = re.compile(r"^\d{1,18}$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Refused(ValueError):
    """The data cannot be imported; problems say where and why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:MAX_PROBLEMS]))
        self.problems = problems[:MAX_PROBLEMS]


@dataclass(frozen=True)
class Row:
    line: int
    point: int | None
    account: str | None
    address: str | None
    day: date
    bytes_in: int
    bytes_out: int


def from_csv(text: str, today: date) -> list[Row]:
    """Rows of a CSV text; Refused for any problem."""
    if "\x00" in text:
        raise Refused(["the file holds a NUL byte"])
    try:
        return _from_csv(text, today)
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        raise Refused([f"not readable as CSV: {exc}"]) from None


def _from_csv(text: str, today: date) -> list[Row]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown or not {"point", "account"} & set(header):
        raise Refused([_header_problem(missing, unknown)])
    reader.fieldnames = header
    items = []
    for item in reader:
        if len(items) >= MAX_ROWS:
            raise Refused([f"more than {MAX_ROWS} rows: split the file"])
        if None in item:
            raise Refused([f"line {reader.line_num}: more fields than the header names"])
        items.append((reader.line_num, item))
    return _rows(items, today)


def from_json(document: object, today: date) -> list[Row]:
    """Rows of a parsed JSON document; Refused for any problem."""
    if isinstance(document, dict) and set(document) == {"records"}:
        document = document["records"]
    if not isinstance(document, list):
        raise Refused(['expected a list of records, or {"records": [...]}'])
    if len(document) > MAX_ROWS:
        raise Refused([f"more than {MAX_ROWS} records: send them in parts"])
    items = []
    for n, item in enumerate(document, 1):
        if not isinstance(item, dict) or not set(item) <= set(COLUMNS):
            raise Refused([f"record {n}: expected an object with {', '.join(COLUMNS)}"])
        items.append((n, {k: v if isinstance(v, str) else _text(v) for k, v in item.items()}))
    return _rows(items, today)


def _text(value: object) -> str:
    # Numbers may come as JSON numbers; anything else (true, 1.5, objects) fails as text.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return "" if value is None else repr(value)


def _header_problem(missing: list[str], unknown: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown column(s) {', '.join(unknown)[:200]}")
    if not parts:
        parts.append("needs a point or an account column")
    return "header: " + "; ".join(parts) + f" (columns: {', '.join(COLUMNS)})"


def _rows(items: list[tuple[int, dict]], today: date) -> list[Row]:
    rows, problems = [], []
    for line, item in items:
        try:
            rows.append(_row(line, item, today))
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise Refused(problems)
    if not rows:
        raise Refused(["no rows"])
    return rows


def _row(line: int, item: dict, today: date) -> Row:
    values = {k: (v or "").strip() for k, v in item.items()}
    point = values.get("point") or None
    account = values.get("account") or None
    if point is None and account is None:
        raise ValueError("needs a point or an account")
    if point is not None and not DIGITS.fullmatch(point):
        raise ValueError(f"point must be a number, not {point[:40]!r}")
    if account is not None and len(account) > 40:
        raise ValueError("account is longer than 40 characters")
    address = values.get("address") or None
    if address is not None and len(address) > 300:
        raise ValueError("address is longer than 300 characters")
    return Row(
        line,
        int(point) if point else None,
        account,
        address,
        _day(values.get("date", ""), today),
        _bytes("bytes_in", values.get("bytes_in", "")),
        _bytes("bytes_out", values.get("bytes_out", "")),
    )


def _day(value: str, today: date) -> date:
    try:
        if not ISO_DAY.fullmatch(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"date must be YYYY-MM-DD, not {value[:40]!r}") from None
    # Tomorrow is allowed: the ISP's clock may be in a zone already past midnight.
    if not OLDEST <= day <= today + timedelta(days=1):
        raise ValueError(f"date {value} is not between {OLDEST} and today")
    return day


def _bytes(name: str, value: str) -> int:
    if not DIGITS.fullmatch(value) or int(value) > MAX_BYTES:
        raise ValueError(f"{name} must be a whole number from 0 to {MAX_BYTES}, not {value[:40]!r}")
    return int(value)
