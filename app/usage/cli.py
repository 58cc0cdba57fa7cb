"""flask usage import: load the ISP's accounting export from a file."""

import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.tenancy import registry_of

from . import records, service

usage_cli = AppGroup("usage", help="Traffic records from the ISPs' accounting.")
# Click rewraps paragraphs; \b keeps the column list as written.
HELP = """Store the usage records of FILE for the tenant: CSV, or JSON when FILE ends in .json.

Each record replaces what was stored for its point and day, so a file imported twice
changes nothing. The file is taken whole or not at all.

\b
CSV: UTF-8, a header line, comma or semicolon separated; JSON: a list of objects (or
{"records": [...]}) with the same names:
  point      the service point's id in the portal      } one of the two
  account    the account number                        }
  address    the point's address when the account has several (exact text)
  date       the accounting day, YYYY-MM-DD
  bytes_in   bytes sent to the subscriber that day (downloads), whole number >= 0
  bytes_out  bytes sent by the subscriber that day (uploads), whole number >= 0

\b
Example:
  account,date,bytes_in,bytes_out
  123456,2026-12-01,5368709120,402653184
"""


@usage_cli.command("import", help=HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", "slug", required=True, help="The ISP whose points the file names.")
def usage_import(file: Path, slug: str) -> None:
    """Store a CSV or JSON (by the .json suffix) file's records for one tenant."""
    tenant = registry_of(current_app).tenants.get(slug)
    if tenant is None:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    today = datetime.now(ZoneInfo(tenant.config.timezone)).date()
    try:
        text = file.read_text(encoding="utf-8-sig")
        if file.suffix.lower() == ".json":
            rows = records.from_json(json.loads(text), today)
        else:
            rows = records.from_csv(text, today)
        stored = service.store(tenant, rows)
    except records.Refused as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(f"{file}: {problem}", err=True)
        click.echo("Nothing stored.", err=True)
        sys.exit(1)
    except (UnicodeDecodeError, ValueError) as exc:
        db.session.rollback()
        click.echo(f"{file}: cannot be read: {exc}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{stored} record(s) stored for {slug}.")
