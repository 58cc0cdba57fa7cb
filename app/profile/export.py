"""«Your data»: everything the portal keeps about one subscriber, as a ZIP of CSV and JSON.

The tables are found from the schema itself: a row belongs to the subscriber when it is of
their tenant and a foreign key leads from it to the subscriber, or to a row that does (their
contract, account, service point …). A table a feature adds later is exported with no change
here; only secrets and server internals are left out.
"""

import csv
import io
import json
import zipfile
from datetime import date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.tenancy.registry import Tenant

ROOT = "subscriber"
# One-time secrets in flight: nothing a person would call their data.
SKIPPED_TABLES = {"recovery_challenge", "webauthn_challenge"}
# Hashes, tokens and server paths: they prove or open things, they tell nothing.
SKIPPED_COLUMNS = {
    "password_hash",
    "token_hash",
    "secret_hash",
    "code_hash",
    "token",
    "handle",
    "challenge",
    "public_key",
    "credential_id",
    "user_handle",
    "file_path",
}
# Who else paid into the subscriber's account is that person's data, not theirs.
OTHER_PERSON_COLUMNS = {"payer_email"}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def collect(tenant: Tenant, subscriber_id: int) -> dict[str, list[dict]]:
    """table name -> the subscriber's rows (as plain values), in the schema's order."""
    found: dict[str, list[dict]] = {}
    ids: dict[str, set] = {}
    for table in db.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES or "tenant" not in table.c:
            continue
        links = [
            (column, fk.column.table.name)
            for column in table.c
            for fk in column.foreign_keys
            if ids.get(fk.column.table.name)
        ]
        if table.name == ROOT:
            condition = table.c.id == subscriber_id
        elif links:
            condition = sa.or_(*(col.in_(ids[target]) for col, target in links))
        else:
            continue
        rows = db.session.execute(
            sa.select(table).where(table.c.tenant == tenant.slug, condition)
        ).mappings()
        kept = [_own_part(dict(row), links, ids) for row in rows]
        if not kept:
            continue
        found[table.name] = kept
        key = next(iter(table.primary_key.columns)).name
        ids[table.name] = {row[key] for row in kept}
    return found


def _own_part(row: dict, links, ids) -> dict:
    # A row reached through one link may point elsewhere by another (a payment into the
    # subscriber's account made by someone else): those pointers and that person's
    # details are left blank.
    foreign = False
    for column, target in links:
        value = row.get(column.name)
        if value is not None and value not in ids[target]:
            row[column.name] = None
            foreign = foreign or target == ROOT
    for name in row:
        if foreign and name in OTHER_PERSON_COLUMNS:
            row[name] = None
    return {name: _plain(value) for name, value in row.items() if name not in SKIPPED_COLUMNS}


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def archive(tenant: Tenant, subscriber_id: int, readme: str) -> bytes:
    """The ZIP: data.json with every table, one CSV per table, and a README."""
    data = collect(tenant, subscriber_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("README.txt", readme)
        zipped.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for name, rows in data.items():
            zipped.writestr(f"csv/{name}.csv", "\ufeff" + _csv(rows))
    return buffer.getvalue()
