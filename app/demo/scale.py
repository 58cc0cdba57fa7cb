"""Load-test data: many subscribers with service points, logins and ledger history, made
inside PostgreSQL (INSERT … SELECT over generate_series) in chunks, so a million take
minutes rather than the hours one row at a time would.

Every scale subscriber can log in with every kind of identifier its tenant accepts, with
one password (hashed once: argon2 per row would take days); each account's cached balance
is the sum of its ledger entries, so `flask billing verify` holds. Values are made from
the row id, so a second run adds new subscribers beside the first run's.
"""

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.core import passwords
from app.core.identifiers import normalise
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

CHUNK = 50_000
SCALE_PASSWORD = "scale-demo-password"
# Every kind as SQL over the subscriber's id `s`; each value fits the patterns the launch
# tenants set (account: nine digits, contract: twelve, nickname: a lower-case word).
IDENTIFIER_SQL = {
    IdentifierKind.ACCOUNT: "'8' || lpad(s::text, 8, '0')",
    IdentifierKind.CONTRACT: "'80' || lpad(s::text, 10, '0')",
    IdentifierKind.LOGIN: "'scale' || s",
    IdentifierKind.NICKNAME: "'scale' || s",
    IdentifierKind.EMAIL: "'scale' || s || '@example.ru'",
    IdentifierKind.PHONE: "'+7999' || lpad(s::text, 7, '0')",
}
SAMPLE_ID = 1234567


class ScaleError(RuntimeError):
    """The scale data cannot be made here (not PostgreSQL, a tenant's login rules)."""


@dataclass
class ScaleReport:
    """What a scale seed made, and how long it took."""

    subscribers: int = 0
    entries: int = 0
    seconds: float = 0.0
    by_tenant: dict[str, int] = field(default_factory=dict)
    deep_account: str | None = None


def sample_identifier(kind: IdentifierKind, subscriber_id: int = SAMPLE_ID) -> str:
    """The value IDENTIFIER_SQL makes for one subscriber id, computed in Python."""
    s = str(subscriber_id)
    return {
        IdentifierKind.ACCOUNT: "8" + s.rjust(8, "0"),
        IdentifierKind.CONTRACT: "80" + s.rjust(10, "0"),
        IdentifierKind.LOGIN: "scale" + s,
        IdentifierKind.NICKNAME: "scale" + s,
        IdentifierKind.EMAIL: f"scale{s}@example.ru",
        IdentifierKind.PHONE: "+7999" + s.rjust(7, "0"),
    }[kind]


def check_database() -> None:
    """Refuse any database but PostgreSQL, whose generate_series the inserts are made of."""
    if db.engine.dialect.name != "postgresql":
        raise ScaleError("scale data is made inside PostgreSQL: set DATABASE_URL to one")


def check_tenant(tenant: Tenant) -> None:
    """Refuse a tenant whose login rules the generated values would not satisfy."""
    for identifier in tenant.config.login.identifiers:
        value = normalise(identifier.kind, sample_identifier(identifier.kind))
        if value is None or (identifier.pattern and not re.fullmatch(identifier.pattern, value)):
            raise ScaleError(
                f"{tenant.slug}: generated {identifier.kind.value} logins do not fit its pattern"
            )


def seed_scale(
    tenants: list[Tenant],
    subscribers: int,
    entries: int,
    deep: int = 0,
    profile: str = "test",
    progress: Callable[[int], None] | None = None,
) -> ScaleReport:
    """Add `subscribers` spread evenly over the tenants, `entries` ledger entries each, and
    one account of the first tenant with `deep` more; progress(n) after each chunk."""
    check_database()
    for tenant in tenants:
        check_tenant(tenant)
    started = time.perf_counter()
    report = ScaleReport()
    password_hash = passwords.hasher(profile).hash(SCALE_PASSWORD)
    superuser = db.session.scalar(
        sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    )
    share, extra = divmod(subscribers, len(tenants))
    for index, tenant in enumerate(tenants):
        count = share + (1 if index < extra else 0)
        for size in _chunks(count):
            _bulk_session(superuser)
            first = _next_id()
            _insert_chunk(tenant, first, size, entries, password_hash)
            db.session.commit()
            report.subscribers += size
            report.entries += size * entries
            report.by_tenant[tenant.slug] = report.by_tenant.get(tenant.slug, 0) + size
            if progress is not None:
                progress(size)
        if index == 0 and deep and count:
            report.deep_account = _deepen(tenant, deep)
            report.entries += deep
            db.session.commit()
    _advance_sequences()
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    report.seconds = time.perf_counter() - started
    return report


def _bulk_session(superuser: bool) -> None:
    """Settings for this chunk's transaction that make bulk inserts cheaper and no less
    correct: the commit need not wait for the disk (a crash loses at most the last chunk),
    and for a superuser the per-row foreign key checks are skipped, as pg_restore
    --disable-triggers does: every key a chunk writes comes from the same id series."""
    db.session.execute(sa.text("SET LOCAL synchronous_commit = off"))
    if superuser:
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))


def _chunks(count: int) -> Iterator[int]:
    while count > 0:
        yield min(CHUNK, count)
        count -= CHUNK


def _next_id() -> int:
    """One id past every subscriber, contract and account: a scale row's id is the same in
    all three tables, which lets each insert derive its keys without reading them back."""
    tables = ("subscriber", "contract", "account")
    # Table names from the tuple above, never from input.
    query = " UNION ALL ".join(f"SELECT coalesce(max(id), 0) FROM {t}" for t in tables)  # nosec B608
    return max(db.session.scalars(sa.text(query))) + 1


def _combos(tenant: Tenant) -> tuple[list[str | None], list[str]]:
    """(region, tariff) pairs that a subscriber of the tenant may have, as two lists."""
    regions = list(tenant.config.regions) or [None]
    pairs = [
        (region.code if region else None, tariff.code)
        for region in regions
        for tariff in tenant.tariffs_for(region)
    ]
    return [r for r, _ in pairs], [t for _, t in pairs]


def _insert_chunk(tenant: Tenant, first: int, size: int, entries: int, password_hash: str):
    regions, tariffs = _combos(tenant)
    params = {
        "tenant": tenant.slug,
        "first": first,
        "last": first + size - 1,
        "regions": regions,
        "tariffs": tariffs,
        "combos": len(tariffs),
        "hash": password_hash,
        "entries": entries,
    }
    ids = "FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS s"
    combo = "1 + (s % CAST(:combos AS integer))"
    statements = [
        f"""INSERT INTO subscriber (id, tenant, kind, surname, first_name, email, phone,
                region, shared_demo, created_at)
            SELECT s, :tenant, 'person', 'Нагрузочный', 'Абонент ' || s,
                {IDENTIFIER_SQL[IdentifierKind.EMAIL]}, {IDENTIFIER_SQL[IdentifierKind.PHONE]},
                (CAST(:regions AS text[]))[{combo}], false, now() AT TIME ZONE 'UTC' {ids}""",
        f"""INSERT INTO contract (id, tenant, subscriber_id, number, signed_on)
            SELECT s, :tenant, s, {IDENTIFIER_SQL[IdentifierKind.CONTRACT]}, DATE '2024-01-01'
            {ids}""",
        f"""INSERT INTO account (id, tenant, contract_id, number, balance, status,
                balance_updated_at)
            SELECT s, :tenant, s, {IDENTIFIER_SQL[IdentifierKind.ACCOUNT]}, 0, 'active',
                now() AT TIME ZONE 'UTC' {ids}""",
        f"""INSERT INTO service_point (tenant, account_id, address, tariff_code, active_since)
            SELECT :tenant, s, 'ул. Нагрузочная, ' || s,
                (CAST(:tariffs AS text[]))[{combo}], DATE '2024-01-01' {ids}""",
        f"""INSERT INTO credential (subscriber_id, tenant, password_hash, is_temporary,
                changed_at)
            SELECT s, :tenant, :hash, false, now() AT TIME ZONE 'UTC' {ids}""",
        *(
            f"""INSERT INTO login_identifier (tenant, subscriber_id, kind, value)
                SELECT :tenant, s, '{identifier.kind.value}', {IDENTIFIER_SQL[identifier.kind]}
                {ids}"""
            for identifier in tenant.config.login.identifiers
        ),
        # A month of history per account: a payment every 30th day, a day's charge between.
        f"""INSERT INTO ledger_entry (tenant, account_id, amount, kind, reference,
                description, created_at)
            SELECT :tenant, s,
                CASE WHEN k % 30 = 0 THEN 90000 ELSE -(1500 + s % 7 * 100) END,
                CASE WHEN k % 30 = 0 THEN 'payment' ELSE 'charge' END,
                'scale:' || s || ':' || k, '',
                now() AT TIME ZONE 'UTC' - (CAST(:entries AS integer) - k) * INTERVAL '1 day'
            {ids} CROSS JOIN generate_series(0, CAST(:entries AS integer) - 1) AS k""",
        """UPDATE account SET balance = totals.balance
            FROM (SELECT account_id, sum(amount) AS balance FROM ledger_entry
                  WHERE account_id BETWEEN :first AND :last GROUP BY account_id) AS totals
            WHERE account.id = totals.account_id""",
    ]
    for statement in statements:
        db.session.execute(sa.text(statement), params)


def _deepen(tenant: Tenant, deep: int) -> str:
    """Give the tenant's latest scale account `deep` more entries (a statement many pages
    long); its number."""
    account_id, number = db.session.execute(
        sa.text(
            "SELECT id, number FROM account WHERE tenant = :tenant AND number LIKE '8%' "
            "ORDER BY id DESC LIMIT 1"
        ),
        {"tenant": tenant.slug},
    ).one()
    params = {"tenant": tenant.slug, "account": account_id, "deep": deep}
    db.session.execute(
        sa.text(
            """INSERT INTO ledger_entry (tenant, account_id, amount, kind, reference,
                description, created_at)
            SELECT :tenant, CAST(:account AS integer), CASE WHEN k % 2 = 0 THEN 500 ELSE -500 END,
                CASE WHEN k % 2 = 0 THEN 'payment' ELSE 'charge' END,
                'scale-deep:' || CAST(:account AS integer) || ':' || k, '',
                now() AT TIME ZONE 'UTC' - (CAST(:deep AS integer) - k) * INTERVAL '1 minute'
            FROM generate_series(0, CAST(:deep AS integer) - 1) AS k"""
        ),
        params,
    )
    # Pairs of +5 and -5 roubles: the balance moves by 5 only when the count is odd.
    db.session.execute(
        sa.text("UPDATE account SET balance = balance + :odd WHERE id = :account"),
        {"account": account_id, "odd": 500 if deep % 2 else 0},
    )
    return number


def _advance_sequences() -> None:
    """Rows inserted with explicit ids leave the sequences behind: move them past."""
    for table in ("subscriber", "contract", "account"):
        db.session.execute(
            sa.text(
                # The three table names above, never from input.
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # nosec B608
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
