"""Shared fixtures: one app over the real tenants plus the test tenants, on SQLite or PostgreSQL."""

import contextvars
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db, limiter
from app.news import live as news_live
from app.sandbox import transport
from app.statements.service import forget_charts

ROOT = Path(__file__).resolve().parent.parent
TEST_TENANTS = ROOT / "tests" / "data" / "tenants"
ALL_TENANTS = os.pathsep.join([str(ROOT / "tenants"), str(TEST_TENANTS)])
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# The gateway test tenants' keys (tests/data/tenants/yoo-shop, tb-shop): without them the
# app refuses to start. Each gateway test points the tenant's API_URL at its fake.
GATEWAY_KEYS = {
    "PAYMENTS_YOO_SHOP_YOOKASSA_SHOP_ID": "100500",
    "PAYMENTS_YOO_SHOP_YOOKASSA_SECRET_KEY": "test_yookassa_secret",
    "PAYMENTS_TB_SHOP_TBANK_TERMINAL_KEY": "TestTerminalDEMO",
    "PAYMENTS_TB_SHOP_TBANK_PASSWORD": "test_tbank_password",
}
for _name, _value in GATEWAY_KEYS.items():
    os.environ.setdefault(_name, _value)


_sqlite_by_process: dict[int, str] = {}


@sa.event.listens_for(sa.engine.Engine, "do_connect")
def _postgres_without_fsync_waits(dialect, _record, _args, params) -> None:
    # A test database is thrown away: a commit need not wait for the disk. Locks,
    # isolation and what a commit makes visible are the same as with the default.
    if dialect.name == "postgresql":
        params.setdefault("options", "-c synchronous_commit=off")


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    # The same for SQLite: no fsync per commit, the rollback journal in memory; its
    # locking (one writer, readers blocked while it commits) is unchanged.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA journal_mode = MEMORY")
        cursor.close()


def database_url() -> str:
    """PostgreSQL when DATABASE_URL says so, else a fresh SQLite file for this process."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    # Per process, not per import: mutmut imports this once and forks its test runs, two
    # at a time; sharing one file, one run's cleanup would fail the other's tests.
    pid = os.getpid()
    if pid not in _sqlite_by_process:
        folder = tempfile.mkdtemp(prefix="portal-test-")
        _sqlite_by_process[pid] = f"sqlite:///{folder}/test.sqlite3"
    return _sqlite_by_process[pid]


def portal_settings(**extra) -> dict:
    """Settings every test app shares; extra ones override."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "PORTAL_TENANTS_DIR": ALL_TENANTS,
        "PORTAL_DEV_HOSTS": True,
        "PORTAL_ARGON2_PROFILE": "test",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        "PORTAL_RECOVERY_MIN_SECONDS": 0,
        "PORTAL_LINK_BASE": "https://{slug}.localhost",
        # Each job runs where it is enqueued, once the response is closed.
        "PORTAL_QUEUE_URL": "immediate",
    }
    settings.update(extra)
    return settings


def _reset_schema(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))


def portal_app(**settings):
    """The portal with the test settings; the sandbox bank posts its notifications through
    the app's own WSGI interface (the whole HTTP handling, no socket)."""
    application = create_app(portal_settings(**settings))

    def post_in_process(url: str, body: bytes, headers) -> int:
        parts = urlsplit(url)

        def post() -> int:
            with application.test_client() as bank:
                return bank.post(
                    parts.path,
                    data=body,
                    headers=dict(headers),
                    base_url=f"{parts.scheme}://{parts.netloc}",
                ).status_code

        # A context of its own, as the bank's request would arrive on another connection:
        # nothing of the request that triggered it (g, the login, the db session) leaks in.
        return contextvars.Context().run(post)

    transport.use(application, post_in_process)
    return application


def _dispose(application) -> None:
    with application.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture(scope="session")
def app():
    application = portal_app()
    _reset_schema(application)
    yield application
    _dispose(application)


@pytest.fixture
def make_app():
    """Build an extra app with other settings (e.g. another tenants folder); closed afterwards."""
    made = []

    def make(**settings):
        application = portal_app(**settings)
        made.append(application)
        return application

    yield make
    for application in made:
        _dispose(application)


@pytest.fixture(autouse=True)
def _clean_state(request):
    # The tables are empty at each test's start: no tenant has staff-written news, and the
    # per-process knowledge of that (app.news.live) must not carry over from the last test.
    news_live.settle(live=False)
    # Ids start again with each test's empty tables: a chart kept for one test's account
    # would be another's (a restored database wants a restart for the same reason).
    forget_charts()
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name == "audit_entry":
                    _empty_audit_trail(conn)
                else:
                    conn.execute(table.delete())
        limiter.reset()


def _empty_audit_trail(conn) -> None:
    """Empty the append-only table between tests, past the triggers that keep it so."""
    # Most tests write no audit entry; dropping and re-creating the triggers changes the
    # schema, which every pooled SQLite connection then reads anew.
    if conn.execute(sa.text("SELECT 1 FROM audit_entry LIMIT 1")).first() is None:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("TRUNCATE audit_entry"))  # row triggers do not fire on TRUNCATE
        return
    triggers = conn.execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'trigger' AND tbl_name = 'audit_entry'"
        )
    ).all()
    for name, _sql in triggers:
        conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
    conn.execute(sa.text("DELETE FROM audit_entry"))
    for _name, sql in triggers:
        conn.execute(sa.text(sql))


class Client(FlaskClient):
    """A test client that fills in the CSRF token the way a browser submits a form."""

    host = "localhost"

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", f"http://{self.host}")
        # Read the whole answer and close it, as a server does: what the app runs once a
        # response is closed (sending the request's queued messages) has run on return.
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)

    def session_transaction(self, *args, **kwargs):
        kwargs.setdefault("base_url", f"http://{self.host}")
        return super().session_transaction(*args, **kwargs)

    def form(self, path: str, data: dict, page: str | None = None, **kwargs):
        """GET the page holding the form, then POST data with its CSRF token."""
        html = self.get(page or path).get_data(as_text=True)
        match = CSRF_INPUT.search(html)
        assert match, f"no CSRF token on {page or path}"
        return self.post(path, data={"csrf_token": match.group(1), **data}, **kwargs)

    def login(self, login: str, password: str, **extra):
        return self.form("/login", {"login": login, "password": password, **extra})


@pytest.fixture
def tenant_client(app, request) -> Callable[[str], Client]:
    """A client whose requests go to the given host, e.g. tenant_client('tomtel.localhost').

    A test module that sets PAGE_LANG = "en" reads every page in that language, whatever
    the tenant's default."""
    app.test_client_class = Client
    lang = getattr(request.module, "PAGE_LANG", None)

    def make(host: str) -> Client:
        client = app.test_client()
        client.host = host
        if lang:
            client.set_cookie("lang", lang, domain=host)
        return client

    return make


@pytest.fixture
def client(tenant_client) -> Client:
    return tenant_client("acme.localhost")


@pytest.fixture
def make_subscriber(app):
    """Create a subscriber with a contract, an account and a password; returns its facts."""
    from app.auth import service as auth
    from app.core.subscribers import Account, Contract, ServicePoint, Subscriber
    from app.tenancy.schema import IdentifierKind

    counter = iter(range(1, 10_000))

    def make(
        tenant: str = "acme",
        password: str = "correct horse battery",
        temporary: bool = False,
        balance: int = 0,
        tariffs: tuple[str, ...] | None = None,
        logins: dict | None = None,
        status: str = "active",
        **fields,
    ) -> dict:
        n = next(counter)
        registry = app.extensions["tenancy"]
        t = registry.tenants[tenant]
        with app.app_context():
            fields.setdefault("surname", "Тестов")
            fields.setdefault("first_name", f"Тест{n}")
            subscriber = Subscriber(tenant=tenant, **fields)
            db.session.add(subscriber)
            db.session.flush()
            contract = Contract(
                tenant=tenant,
                subscriber_id=subscriber.id,
                number=f"T-{n}",
                signed_on=date(2025, 1, 1),
            )
            db.session.add(contract)
            db.session.flush()
            account_number = f"{n:06d}"
            account = Account(
                tenant=tenant, contract_id=contract.id, number=account_number, status=status
            )
            db.session.add(account)
            db.session.flush()
            codes = tariffs if tariffs is not None else (t.config.catalogue.tariffs[0].code,)
            for code in codes:
                db.session.add(
                    ServicePoint(
                        tenant=tenant,
                        account_id=account.id,
                        address=f"ул. Тестовая, {n}",
                        tariff_code=code,
                        active_since=date(2025, 1, 1),
                    )
                )
            if balance:
                from app.core.ledger import EntryKind, post_entry

                post_entry(tenant, account.id, balance, EntryKind.PAYMENT, f"test:{n}")
            auth.set_password(
                t, subscriber.id, password, "test", temporary=temporary, reason="issued"
            )
            wanted = logins if logins is not None else {"account": account_number}
            for kind, value in wanted.items():
                auth.add_identifier(t, subscriber.id, IdentifierKind(kind), value)
            db.session.commit()
            return {
                "id": subscriber.id,
                "account_id": account.id,
                "account": account_number,
                "contract": contract.number,
                "password": password,
            }

    return make


class Mailbox:
    """What a real local SMTP server (aiosmtpd) received during a test."""

    def __init__(self):
        self.messages: list = []
        self.settle = lambda: None

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        message.raw = envelope.original_content  # the bytes as sent, for signature checks
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list:
        self.settle()
        return self.arrived(address)

    def arrived(self, address: str) -> list:
        """What reached the server so far, without waiting for the queue to be sent: a
        message still queued keeps `to` waiting its whole timeout."""
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def last_text(self, address: str) -> str:
        (*_, message) = self.to(address)
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, address: str) -> str:
        match = re.search(r"https?://\S+", self.last_text(address))
        assert match, "no link in the e-mail"
        return match.group(0)


@pytest.fixture(scope="session")
def _smtp_server():
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    yield mailbox, port
    controller.stop()


# The recovery and message tests' At Home subscriber, with a login, a phone and an e-mail.
ATHOME_PASSWORD = "Sunny-Garden-77"
ATHOME_PHONE = "+79135551234"
ATHOME_EMAIL = "ivan.petrov@example.ru"


@pytest.fixture
def athome(make_subscriber):
    """An At Home subscriber every recovery flow can find."""
    return make_subscriber(
        tenant="athome",
        password=ATHOME_PASSWORD,
        logins={"login": "petrov_spb"},
        surname="Петров",
        first_name="Иван",
        phone=ATHOME_PHONE,
        email=ATHOME_EMAIL,
    )


def wait_for_sent_messages(app, timeout: float = 10.0) -> None:
    """Until no message of the queue is due or being sent: a live server sends a request's
    messages once its response is closed, which a browser does not wait for."""
    import time

    from app.notify.models import QueuedMessage, Status
    from app.persistence import utcnow

    deadline = time.monotonic() + timeout
    query = sa.select(sa.func.count()).where(
        QueuedMessage.status.in_([Status.PENDING, Status.SENDING]),
        QueuedMessage.next_attempt_at <= sa.bindparam("now"),
    )
    while time.monotonic() < deadline:
        with app.app_context():
            waiting = db.session.scalar(query, {"now": utcnow()})
            db.session.rollback()
        if not waiting:
            return
        time.sleep(0.05)


@pytest.fixture
def mailbox(app, _smtp_server, monkeypatch) -> Mailbox:
    """A clean inbox on a local SMTP server the app sends to."""
    box, port = _smtp_server
    box.messages.clear()
    monkeypatch.setattr(box, "settle", lambda: wait_for_sent_messages(app))
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    return box


@pytest.fixture
def sms(app):
    """Texts the SMS outbox holds for a phone, newest first."""
    from app.notify.service import sms_outbox

    def texts(phone: str) -> list[str]:
        wait_for_sent_messages(app)
        with app.app_context():
            return [m.text for m in sms_outbox(phone=phone)]

    return texts
