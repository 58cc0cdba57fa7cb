"""make bench: requests per second of the logged-in dashboard against a bare Flask page.

Both run under the same gunicorn settings on 127.0.0.1; rounds alternate between them and
the medians are compared. See bench/README.md.
"""

import os
import re
import statistics
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import load
import portal
import servers
from servers import BenchError

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_ACCOUNT = portal.Account("tomtel.localhost", "12345", "demo")
PORTAL_TARGET = "wsgi:app"
HELLO_TARGET = "hello:app"
COLUMN_LIST = re.compile(r"^SELECT .*? FROM ")


@dataclass(frozen=True)
class Plan:
    """How long and how hard to load each server."""

    rounds: int
    seconds: float
    connections: int
    warmup: float = 1.0


@dataclass(frozen=True)
class Round:
    """Requests per second of each server in one round."""

    dashboard: float
    hello: float


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def plan_from_env() -> Plan:
    """Rounds, seconds per measurement and connections: BENCH_ROUNDS/SECONDS/CONNECTIONS."""
    plan = Plan(
        rounds=_env_int("BENCH_ROUNDS", 5),
        seconds=float(os.environ.get("BENCH_SECONDS", 3)),
        connections=_env_int("BENCH_CONNECTIONS", 4),
    )
    if not (1 <= plan.rounds <= 9 and 1 <= plan.seconds <= 5 and 1 <= plan.connections <= 64):
        raise BenchError("keep BENCH_ROUNDS 1..9, BENCH_SECONDS 1..5, BENCH_CONNECTIONS 1..64")
    return plan


def account_from_env() -> portal.Account:
    """tomtel's demo subscriber, unless BENCH_TENANT_HOST/BENCH_LOGIN/BENCH_PASSWORD say else."""
    account = portal.Account(
        os.environ.get("BENCH_TENANT_HOST", DEFAULT_ACCOUNT.host),
        os.environ.get("BENCH_LOGIN", DEFAULT_ACCOUNT.login),
        os.environ.get("BENCH_PASSWORD", DEFAULT_ACCOUNT.password),
    )
    if account == DEFAULT_ACCOUNT and not _default_tenant_present():
        raise BenchError(
            "tenants/tomtel/demo.yaml is missing. Until it exists, run e.g.\n"
            "  PORTAL_TENANTS_DIR=tests/data/tenants BENCH_TENANT_HOST=acme.localhost "
            "BENCH_LOGIN=100001 BENCH_PASSWORD=acme-demo-1 make bench"
        )
    return account


def _default_tenant_present() -> bool:
    roots = os.environ.get("PORTAL_TENANTS_DIR", str(ROOT / "tenants")).split(os.pathsep)
    return any((Path(root) / "tomtel" / "demo.yaml").is_file() for root in roots if root)


def use_fresh_database(folder: Path) -> None:
    """Point this process and every child at a new SQLite file in folder."""
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["PORTAL_ENV"] = "development"
    # Seeding hashes every demo password; the dashboard never hashes, so the cheap profile
    # only shortens set-up (from ~12 s to well under 1 s) without touching what is measured.
    os.environ.setdefault("PORTAL_ARGON2_PROFILE", "test")
    if "PORTAL_TENANTS_DIR" in os.environ:
        os.environ["PORTAL_TENANTS_DIR"] = os.path.abspath(os.environ["PORTAL_TENANTS_DIR"])


def launch_servers(stack: ExitStack, logs: Path, host: str) -> list[servers.Server]:
    """The portal and the hello app under identical gunicorn settings; stopped by stack."""
    launched = []
    for name, target, folder, probe in (
        ("portal", PORTAL_TARGET, ROOT, (host, "/login")),
        ("hello", HELLO_TARGET, BENCH, ("localhost", "/")),
    ):
        server = servers.launch(name, target, folder, logs, probe)
        stack.callback(servers.stop, server)
        launched.append(server)
    return launched


def measure_rounds(plan: Plan, dashboard, hello: load.Target) -> list[Round]:
    """Warm both servers up, then alternate; dashboard() checks the page, returns its target."""
    for target in (dashboard(), hello):
        load.measure(target, plan.warmup, plan.connections)
    rounds = []
    for number in range(plan.rounds):
        page = dashboard()
        order = (page, hello) if number % 2 == 0 else (hello, page)
        rps = {id(t): load.measure(t, plan.seconds, plan.connections) for t in order}
        rounds.append(Round(rps[id(page)], rps[id(hello)]))
        print_row(str(number + 1), rounds[-1].dashboard, rounds[-1].hello)
    dashboard()
    return rounds


def print_row(label: str, dashboard: float, hello: float) -> None:
    """One line of the results table."""
    print(f"{label:<7}{dashboard:>14.1f}{hello:>12.1f}{dashboard / hello:>8.3f}", flush=True)


def dashboard_target(browser: portal.HttpSession, port: int):
    """A callable that checks the dashboard over HTTP, then gives wrk's target with the cookie."""

    def check_and_target() -> load.Target:
        portal.check_dashboard(browser)  # also picks up a session cookie the app rewrote
        headers = {"Host": browser.host, "User-Agent": portal.USER_AGENT}
        return load.Target(port, "/", {**headers, "Cookie": browser.cookie_header()})

    return check_and_target


def run(plan: Plan, account: portal.Account, folder: Path) -> tuple[list[Round], portal.QueryCount]:
    """Prepare the database, count the dashboard's SQL, then load both servers."""
    use_fresh_database(folder)
    app = portal.portal_app()
    portal.prepare_database(app)
    with ExitStack() as stack:
        site, hello = launch_servers(stack, folder, account.host)
        queries = portal.count_dashboard_queries(app, account)  # while gunicorn boots
        for server in (site, hello):
            servers.wait_ready(server)
        browser = portal.http_login(site.port, account)
        balance = portal.check_dashboard(browser)
        print(f"{account.host}: logged in as {account.login}, dashboard shows {balance}")
        print(f"load: {load.generator_name()}, {plan.connections} connections, ", end="")
        print(f"{plan.rounds} rounds x {plan.seconds:g} s, {servers.WORKERS} sync workers each\n")
        print(f"{'round':<7}{'dashboard rps':>14}{'hello rps':>12}{'ratio':>8}", flush=True)
        rounds = measure_rounds(
            plan,
            dashboard_target(browser, site.port),
            load.Target(hello.port, "/", {"User-Agent": portal.USER_AGENT}),
        )
    return rounds, queries


def short_sql(statement: str) -> str:
    """A statement on one line with its column list elided, e.g. SELECT … FROM a JOIN b …"""
    flat = " ".join(statement.split())
    return COLUMN_LIST.sub("SELECT … FROM ", flat, count=1)[:140]


def report(rounds: list[Round], queries: portal.QueryCount) -> None:
    """Medians, the SQL of one dashboard request, and the ratio as the last line."""
    dashboard = statistics.median(r.dashboard for r in rounds)
    hello = statistics.median(r.hello for r in rounds)
    print_row("median", dashboard, hello)
    print()
    print(
        f"SQL statements per dashboard request: {len(queries.statements)} "
        f"({queries.checkouts} pool checkout(s), each pre-pinged)"
    )
    for statement in queries.statements:
        print("  " + short_sql(statement))
    print(f"dashboard/hello ratio: {dashboard / hello:.2f}")


def main() -> int:
    """Run the benchmark; a BenchError is reported as one message and exit status 1."""
    try:
        plan, account = plan_from_env(), account_from_env()
        with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
            rounds, queries = run(plan, account, Path(folder))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    report(rounds, queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
