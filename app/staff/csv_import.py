"""Reading a CSV file of new contracts and its dry run: every row's problems by line and column.

The file is UTF-8, with or without a byte order mark, its columns split by commas or
semicolons (whichever the header line has more of), its first line naming the columns
(COLUMNS, in any order and letter case). One row is one contract; a contract with more
service points has them in address_2/tariff_2 … address_5/tariff_5.

The dry run creates nothing: it stores the rows with no problem for the import to take
in chunks (app.staff.import_run) and the problems of the others for its report.
"""

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.core.subscribers import SubscriberKind
from app.extensions import db
from app.tenancy.registry import Tenant

from . import provision_checks as checks
from .import_models import ProvisionImport, ProvisionImportRow
from .provision_checks import NewContract, Point, Problem

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
EXTRA_POINTS = 4  # address_2/tariff_2 … address_5/tariff_5

# (column, required, what it holds), in the order the import page lists them.
COLUMNS = [
    (
        "kind",
        False,
        _l("person or organisation; empty: organisation when «organisation» is filled"),
    ),
    ("surname", False, _l("A person's surname (required for a person)")),
    ("first_name", False, _l("A person's first name (required for a person)")),
    ("patronymic", False, _l("A person's patronymic")),
    ("organisation", False, _l("An organisation's name (required for an organisation)")),
    ("phone", True, _l("Mobile phone: the temporary password is sent there by SMS")),
    ("email", False, _l("E-mail")),
    ("region", False, _l("Region code (required where the ISP has regions)")),
    ("contract", True, _l("Contract number, unique in this ISP")),
    ("account", True, _l("Account number, unique in this ISP")),
    ("login", False, _l("Login name, where the ISP has them; empty: the contract number")),
    ("address", True, _l("Address of the service point")),
    ("tariff", True, _l("Tariff code of the service point, offered in the region")),
    ("address_2", False, _l("Further service points: address_2 … address_5")),
    ("tariff_2", False, _l("and their tariff codes: tariff_2 … tariff_5")),
]
KNOWN = {name for name, _required, _about in COLUMNS} | {
    f"{what}_{n}" for what in ("address", "tariff") for n in range(2, EXTRA_POINTS + 2)
}
REQUIRED = [name for name, required, _about in COLUMNS if required]
# What no two rows of one file may share.
UNIQUE_IN_FILE = ("contract", "account", "login")


class FileRefused(ValueError):
    """The file cannot be read at all (too big, not UTF-8 text, no header)."""


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


def read_rows(data: bytes) -> tuple[list[str], list[Row]]:
    """The header's column names (lower case) and the data rows, each with its line."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_l("The file is larger than 5 MB: please split it."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(_l("The file is not UTF-8 text: save it as CSV UTF-8.")) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    if not any(header):
        raise FileRefused(_l("The file is empty: its first line must name the columns."))
    rows, start = [], reader.line_num + 1
    for record in reader:
        if any(value.strip() for value in record):
            values = {name: value.strip() for name, value in zip(header, record, strict=False)}
            rows.append(Row(start, values))
        start = reader.line_num + 1
        if len(rows) > MAX_ROWS:
            raise FileRefused(_l("The file has more than 20000 rows: please split it."))
    return header, rows


def new_contract(values: dict[str, str]) -> NewContract:
    """The new contract a row describes."""
    kind = values.get("kind", "").lower()
    if not kind:
        organisation = values.get("organisation") and not values.get("surname")
        kind = SubscriberKind.ORGANISATION if organisation else SubscriberKind.PERSON
    points = [Point(values.get("address", ""), values.get("tariff", ""))]
    for n in range(2, EXTRA_POINTS + 2):
        address, tariff = values.get(f"address_{n}", ""), values.get(f"tariff_{n}", "")
        if address or tariff:
            points.append(Point(address, tariff))
    fields = ("surname", "first_name", "patronymic", "organisation", "phone", "email")
    named = {name: values.get(name, "") for name in fields}
    return NewContract(
        kind=str(kind),
        region=values.get("region", ""),
        contract=values.get("contract", ""),
        account=values.get("account", ""),
        login=values.get("login", ""),
        points=points,
        **named,
    )


def column_of(problem: Problem) -> str:
    """The CSV column a problem of a new contract's field is in."""
    if problem.field.startswith("points-"):
        _points, n, what = problem.field.split("-")
        return what if n == "0" else f"{what}_{int(n) + 1}"
    return problem.field


def row_problems(tenant: Tenant, row: Row) -> list[tuple[int, str, str, dict]]:
    """(line, column, code, params) of every problem of one row, against the database."""
    found = checks.check(tenant, new_contract(row.values))
    return [(row.line, column_of(p), p.code, dict(p.params)) for p in found]


def dry_run(tenant: Tenant, staff_id: int, filename: str, data: bytes) -> ProvisionImport:
    """Check every row of the file, create nothing; store the rows to import and the report."""
    header, rows = read_rows(data)
    problems = [(1, name, "unknown_column", {}) for name in header if name not in KNOWN]
    problems += [(1, name, "missing_column", {}) for name in REQUIRED if name not in header]
    if not problems:
        for row in rows:
            problems += row_problems(tenant, row)
        problems += _repeated_in_file(tenant, rows)
    wrong = {line for line, *_rest in problems}
    job = ProvisionImport(
        tenant=tenant.slug,
        staff_id=staff_id,
        filename=filename[:200],
        lines=len(rows),
        problems=json.dumps(sorted(problems, key=lambda p: (p[0], p[1])), ensure_ascii=False),
    )
    db.session.add(job)
    db.session.flush()
    # A header with a problem says nothing reliable of any row: nothing is imported then.
    good = [] if 1 in wrong else [row for row in rows if row.line not in wrong]
    for position, row in enumerate(good):
        db.session.add(
            ProvisionImportRow(
                tenant=tenant.slug,
                import_id=job.id,
                position=position,
                line=row.line,
                data=json.dumps(row.values, ensure_ascii=False),
            )
        )
    job.total = len(good)
    db.session.flush()
    return job


def _repeated_in_file(tenant: Tenant, rows: list[Row]) -> list[tuple[int, str, str, dict]]:
    # Two rows with one contract number cannot both be right: each names the other's line.
    seen: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        new = new_contract(row.values)
        values = {"contract": new.contract, "account": new.account}
        if checks.asks_login(tenant):
            values["login"] = checks.primary_login(tenant, new)
        for column in UNIQUE_IN_FILE:
            if values.get(column):
                seen[(column, values[column].casefold())].append(row.line)
    found = []
    for (column, _value), lines in seen.items():
        for line in lines if len(lines) > 1 else ():
            other = next(n for n in lines if n != line)
            found.append((line, column, "in_file", {"line": other}))
    return found


def report(job: ProvisionImport) -> list[tuple[int, str, str]]:
    """(line, column, message in the current language) of the job's problems."""
    return [
        (line, column, str(checks.MESSAGES[code]) % params)
        for line, column, code, params in json.loads(job.problems)
    ]
