"""Seeing the money: the statement, its CSV, receipts, the bank receipt and the balance chart."""

import re
import shutil
import statistics
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from app.core.ledger import EntryKind, LedgerEntry, post_entry
from app.core.subscribers import Account
from app.extensions import db
from app.statements import history
from app.statements.chart import balance_series
from app.statements.qr import parse_payload

PASSWORD = "Sunny-Garden-77"
ACME_ZONE = ZoneInfo("Asia/Krasnoyarsk")  # UTC+7, no daylight saving
TOMSK = ZoneInfo("Asia/Tomsk")


def text_of(response) -> str:
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", page).replace("\xa0", " ").replace("\u202f", " ")


def local(day: date, hour: int, minute: int = 0, zone=ACME_ZONE) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)


def today(zone=ACME_ZONE) -> date:
    return datetime.now(zone).date()


def post(app, subscriber, entries, tenant="acme") -> list[int]:
    """Post (moment, kopecks, kind, reference[, description]) through the ledger."""
    ids = []
    with app.app_context():
        for moment, amount, kind, reference, *description in entries:
            entry = post_entry(
                tenant, subscriber["account_id"], amount, kind, reference, *description, at=moment
            )
            ids.append(entry.id)
        db.session.commit()
    return ids


@pytest.fixture
def ivan(app, make_subscriber, client):
    """An acme subscriber, logged in, reading English, with a month of history."""
    facts = make_subscriber(password=PASSWORD, surname="Иванов", first_name="Иван")
    day = today()
    facts["ids"] = post(
        app,
        facts,
        [
            (local(day - timedelta(days=40), 10), 100000, EntryKind.PAYMENT, "old-pay"),
            (local(day - timedelta(days=5), 3), -2000, EntryKind.CHARGE, "ch-5", "daily fee"),
            (local(day - timedelta(days=2), 12), 123456, EntryKind.PAYMENT, "bank:77", "card"),
            (local(day - timedelta(days=1), 9), 60000, EntryKind.PROMISED_CREDIT, "pp-1"),
            (local(day - timedelta(days=1), 10), -500, EntryKind.CORRECTION, "=cmd|calc", "=1+2"),
        ],
    )
    client.login(facts["account"], PASSWORD)
    client.set_cookie("lang", "en", domain="acme.localhost")
    return facts


def references(response) -> list[str]:
    return re.findall(
        r'data-testid="entry" data-reference="([^"]*)"', response.get_data(as_text=True)
    )


def test_statement_is_in_the_menu_and_shows_the_last_30_days_newest_first(client, ivan):
    dashboard = client.get("/").get_data(as_text=True)
    assert 'href="/statement"' in re.search(r'<nav class="main-menu".*?</nav>', dashboard, re.S)[0]
    response = client.get("/statement")
    assert response.status_code == 200
    assert references(response) == ["=cmd|calc", "pp-1", "bank:77", "ch-5"]  # not the 40-day-old
    page = text_of(response)
    kinds = re.findall(r'data-testid="entry-kind">([^<]*)<', page)
    assert kinds == ["Correction", "Promised payment", "Payment", "Charge"]
    assert "1,234.56" in page and "daily fee" in page


def test_totals_of_the_period_and_of_a_kind(client, ivan):
    page = text_of(client.get("/statement"))
    assert re.search(r'data-testid="credits">₽1,834.56<', page)
    assert re.search(r'data-testid="debits">-₽25.00<', page)
    assert re.search(r'data-testid="net">₽1,809.56<', page)
    response = client.get(f"/statement?account={ivan['account']}&kind=payments")
    assert references(response) == ["bank:77"]
    assert 'data-testid="count">1<' in text_of(response)
    response = client.get(f"/statement?account={ivan['account']}&kind=refunds")
    assert references(response) == ["=cmd|calc"]
    assert re.search(r'data-testid="net">-₽5.00<', text_of(response))


def test_the_period_is_in_local_days_of_the_region(app, client, ivan):
    # 17:30 UTC on 1 March is already 00:30 on 2 March in Krasnoyarsk.
    post(app, ivan, [(datetime(2026, 3, 1, 17, 30, tzinfo=UTC), 700, EntryKind.PAYMENT, "night")])
    march_2 = client.get(
        f"/statement?account={ivan['account']}&date_from=2026-03-02&date_to=2026-03-02"
    )
    march_1 = client.get(
        f"/statement?account={ivan['account']}&date_from=2026-03-01&date_to=2026-03-01"
    )
    assert references(march_2) == ["night"]
    assert references(march_1) == []
    assert "3/2/26, 12:30 AM" in text_of(march_2)
    assert "No operations in this period." in text_of(march_1)


def test_a_wrong_period_is_explained_next_to_the_field_and_kept(client, ivan):
    response = client.get(
        f"/statement?account={ivan['account']}&date_from=2026-03-10&date_to=2026-03-01"
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "The end of the period must not be before its start." in page
    assert 'aria-describedby="date_to-error"' in page and 'id="date_to-error"' in page
    assert 'value="2026-03-10"' in page and 'value="2026-03-01"' in page
    response = client.get(f"/statement?account={ivan['account']}&date_from=31.02.2026")
    assert response.status_code == 400
    assert "Enter a date such as 2025-01-31." in text_of(response)


def test_another_subscribers_account_and_receipts_stay_hidden(app, client, ivan, make_subscriber):
    other = make_subscriber(password=PASSWORD)
    (their_payment,) = post(app, other, [(local(today(), 0, 1), 5000, EntryKind.PAYMENT, "theirs")])
    assert client.get(f"/statement?account={other['account']}").status_code == 404
    assert client.get(f"/statement/receipt/{their_payment}").status_code == 404
    assert client.get(f"/statement/receipt/{their_payment}.pdf").status_code == 404
    assert "theirs" not in text_of(client.get(f"/statement/export.csv?account={ivan['account']}"))


def test_csv_is_the_same_selection_for_excel(client, ivan):
    args = f"account={ivan['account']}&kind=all"
    response = client.get(f"/statement/export.csv?{args}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Date and time;Operation;Description;Amount;Reference"
    payment_day = today() - timedelta(days=2)
    assert f"{payment_day.isoformat()} 12:00:00;Payment;card;1234.56;" in lines
    assert lines[4].endswith(";Charge;daily fee;-20.00;")
    # A value that would run as a formula in a spreadsheet is kept as text.
    assert lines[1].endswith(";Correction;'=1+2;-5.00;")
    assert len([line for line in lines if line]) == 5  # header + the same 4 as the page


@pytest.mark.parametrize(("lang", "amount"), [("ru", "1234,56"), ("hi", "1234.56")])
def test_csv_amounts_use_the_languages_decimal_sign(client, ivan, lang, amount):
    client.set_cookie("lang", lang, domain="acme.localhost")
    text = client.get(f"/statement/export.csv?account={ivan['account']}&kind=payments").get_data()
    assert f";card;{amount};" in text.decode("utf-8-sig")


def test_a_tampered_page_link_shows_the_first_page(client, ivan):
    for bogus in ("x", "99999999999999999999-1", "-1-", "1-2-3"):
        response = client.get(f"/statement?account={ivan['account']}&older={bogus}")
        assert response.status_code == 200
        assert references(response) == ["=cmd|calc", "pp-1", "bank:77", "ch-5"]


LEDGER_COLUMNS = "tenant, account_id, amount, kind, reference, description, created_at"


def bulk_ledger(app, account_id: int, count: int) -> list[int]:
    """count entries of one account, three per timestamp so the id must break ties.

    Straight through the driver (executemany on SQLite, COPY on PostgreSQL): the ORM
    would spend most of the test building 100,000 objects.
    """
    start = (datetime.now(UTC) - timedelta(days=20)).replace(tzinfo=None, microsecond=0)
    rows = [
        (
            "acme",
            account_id,
            -100 if n % 10 else 50000,
            "charge" if n % 10 else "payment",
            f"bulk:{n}",
            "",
            start + timedelta(seconds=(n // 3) * 5),
        )
        for n in range(count)
    ]
    with app.app_context():
        raw = db.session.connection().connection.driver_connection
        cursor = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY ledger_entry ({LEDGER_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("ANALYZE ledger_entry")  # as autovacuum would after a load
        else:
            # SQLAlchemy keeps SQLite datetimes as text in this exact shape.
            text_rows = [(*row[:6], row[6].strftime("%Y-%m-%d %H:%M:%S.%f")) for row in rows]
            cursor.executemany(
                f"INSERT INTO ledger_entry ({LEDGER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                text_rows,
            )
        cursor.close()
        total = sum(row[2] for row in rows)
        db.session.execute(sa.update(Account).where(Account.id == account_id).values(balance=total))
        db.session.commit()
        newest_first = (LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
        query = sa.select(LedgerEntry.id).where(LedgerEntry.account_id == account_id)
        return list(db.session.scalars(query.order_by(*newest_first)))


def cursor_at(entry_id: int) -> history.Cursor:
    return history.Cursor.of(db.session.get(LedgerEntry, entry_id))


def walk(selection, cursor, pages: int):
    """Follow «Older» for up to `pages` pages: the ids seen, the last page, the median time."""
    seen, times = [], []
    for _ in range(pages):
        started = time.perf_counter()
        result = history.page(selection, older_than=cursor)
        times.append(time.perf_counter() - started)
        seen += [e.id for e in result.entries]
        cursor = result.older
        if cursor is None:
            break
    return seen, result, statistics.median(times)


def test_paging_100_000_entries_by_key_is_fast_and_exact(app, make_subscriber, tenant_client):
    facts = make_subscriber(password=PASSWORD)
    ids = bulk_ledger(app, facts["account_id"], 100_000)
    selection = history.Selection(
        facts["account_id"], today() - timedelta(days=30), today(), "Asia/Krasnoyarsk"
    )
    medians = []
    with app.app_context():
        # The first pages, pages deep in the middle and the last pages, each walked by
        # «Older» cursors, must be exactly the next rows of the newest-first order.
        for begin, pages in ((0, 200), (60_000, 200), (95_000, 101)):
            cursor = None if begin == 0 else cursor_at(ids[begin - 1])
            seen, result, seconds = walk(selection, cursor, pages)
            medians.append(seconds)
            assert seen == ids[begin : begin + 50 * pages]
        assert result.older is None and len(seen) == 5_000  # the very end, nothing skipped
        back = history.page(selection, newer_than=history.Cursor.parse(result.newer.token()))
        started = time.perf_counter()
        sums = history.totals(selection)
        totals_time = time.perf_counter() - started
    first, middle, last = (m * 1000 for m in medians)
    timing = f"median page {first:.1f} / {middle:.1f} / {last:.1f} ms"
    timing += f", totals {totals_time * 1000:.1f} ms"
    print(f"\n100,000 entries: {timing}")
    # By key, a page deep in the table costs what the first one does (OFFSET would read the
    # 95,000 rows before it, dozens of times slower). Medians, against the same run's first
    # pages: a busy machine slows every page alike and one scheduler pause moves no median.
    assert max(middle, last) < 3 * first + 5, timing
    assert first < 200, timing
    assert [e.id for e in back.entries] == ids[-100:-50]
    assert sums.count == 100_000 and sums.credits == 10_000 * 50000

    client = tenant_client("acme.localhost")
    client.login(facts["account"], PASSWORD)
    first = client.get("/statement")
    older_link = re.search(r'<a rel="next" href="([^"]+)"', first.get_data(as_text=True))[1]
    second = client.get(older_link.replace("&amp;", "&"))
    newer_link = re.search(r'<a rel="prev" href="([^"]+)"', second.get_data(as_text=True))[1]
    assert len(references(first)) == len(references(second)) == 50
    assert not set(references(first)) & set(references(second))
    assert references(client.get(newer_link.replace("&amp;", "&"))) == references(first)


def test_a_payment_receipt_names_the_isp_the_payer_and_the_money(client, ivan):
    payment_id = ivan["ids"][2]
    page = text_of(client.get(f"/statement/receipt/{payment_id}"))
    assert "Payment receipt" in page and "Acme Telecom" in page and "ООО «Акме Телеком»" in page
    assert "Иванов Иван" in page
    assert f'data-testid="receipt-account">{ivan["account"]}<' in page
    assert 'data-testid="receipt-operation">Payment — card<' in page
    assert "bank:77" not in page  # a ledger reference is nothing a person can quote
    assert 'data-testid="receipt-amount">₽1,234.56<' in page
    assert "12:00" in page  # local time of the payment
    charge_id = ivan["ids"][1]
    assert client.get(f"/statement/receipt/{charge_id}").status_code == 404  # only payments


def pdf_text(pdf: bytes, tmp_path) -> str:
    assert pdf.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext missing: run scripts/ensure-system-packages"
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [pdftotext, "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", out.stdout.decode("utf-8"))


def test_receipt_pdf_keeps_cyrillic_and_devanagari(app, client, ivan, tmp_path):
    payment_id = ivan["ids"][2]
    client.set_cookie("lang", "hi", domain="acme.localhost")
    response = client.get(f"/statement/receipt/{payment_id}.pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.get_data(), tmp_path)
    with app.test_request_context(), force_locale("hi"):
        title = gettext("Payment receipt")
    assert title in text  # the Hindi title, in whatever words the catalogue has
    assert "एक्मे टेलीकॉम" in text  # the ISP's Hindi name, shaped, not boxes
    assert "ООО «Акме Телеком»" in text and "Иванов Иван" in text
    assert "1,234.56" in text
    assert "bank:77" not in text


@pytest.fixture
def tomtel_ivan(app, make_subscriber, tenant_client):
    """A tomtel subscriber on «Оптимум 300»; tomtel publishes bank requisites."""
    facts = make_subscriber(
        tenant="tomtel",
        password=PASSWORD,
        surname="Иванов",
        first_name="Иван",
        patronymic="Иванович",
        tariffs=("optimum-300",),
        logins={"account": "555000111"},
        balance=20000,
    )
    client = tenant_client("tomtel.localhost")
    client.login("555000111", PASSWORD)
    client.set_cookie("lang", "en", domain="tomtel.localhost")
    facts["client"] = client
    return facts


def qr_payload(page: str) -> dict:
    return parse_payload(re.search(r'data-payload="([^"]+)"', page)[1].replace("&#34;", '"'))


def test_bank_receipt_form_pd4_with_the_gost_qr_code(app, tomtel_ivan):
    client = tomtel_ivan["client"]
    response = client.get("/statement/bank-receipt")
    assert response.status_code == 200
    page = text_of(response)
    assert "Извещение" in page and "Квитанция" in page and "Форма № ПД-4" in page
    assert "ООО «Томтел»" in page and "40702810964000012345" in page and "046902606" in page
    assert 'data-testid="pd4-payer">Иванов Иван Иванович<' in page
    monthly = app.extensions["tenancy"].tenants["tomtel"].tariffs["optimum-300"].monthly_fee
    fields = qr_payload(response.get_data(as_text=True))
    assert fields["Sum"] == str(monthly)  # in credit: a month's fee is suggested
    assert fields["PersAcc"] == tomtel_ivan["account"] and fields["LastName"] == "Иванов"
    assert fields["Purpose"] == "Оплата услуг связи" and fields["PayeeINN"] == "7017123456"
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg"' in page
        and "<title>Payment QR code</title>" in page
    )


def test_bank_receipt_suggests_the_debt_and_takes_a_typed_amount(app, tomtel_ivan):
    client = tomtel_ivan["client"]
    post(app, tomtel_ivan, [(datetime.now(UTC), -65050, EntryKind.CHARGE, "big")], "tomtel")
    response = client.get("/statement/bank-receipt")
    assert qr_payload(response.get_data(as_text=True))["Sum"] == "45050"
    assert 'value="450.50"' in text_of(response)
    typed = client.get(f"/statement/bank-receipt?account={tomtel_ivan['account']}&amount=1 000,5")
    assert qr_payload(typed.get_data(as_text=True))["Sum"] == "100050"
    assert "1000 руб. 50 коп." in text_of(typed)
    blank = client.get(f"/statement/bank-receipt?account={tomtel_ivan['account']}&amount=")
    assert "Sum" not in qr_payload(blank.get_data(as_text=True))


def test_bank_receipt_refuses_an_amount_that_is_not_money(tomtel_ivan):
    client = tomtel_ivan["client"]
    for typed, message in (
        ("12abc", "Enter an amount in roubles, e.g. 650 or 650.50."),
        ("0,01", "Enter an amount from"),
    ):
        response = client.get(
            f"/statement/bank-receipt?account={tomtel_ivan['account']}&amount={typed}"
        )
        assert response.status_code == 400
        page = text_of(response)
        assert message in page and f'value="{typed}"' in page
        assert 'aria-describedby="amount-hint amount-error"' in page
        assert "Извещение" not in page


def test_bank_receipt_pdf(tomtel_ivan, tmp_path):
    client = tomtel_ivan["client"]
    response = client.get(
        f"/statement/bank-receipt.pdf?account={tomtel_ivan['account']}&amount=600"
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.get_data(), tmp_path)
    assert "Извещение" in text and "Квитанция" in text and "ООО «Томтел»" in text
    assert "600 руб. 00 коп." in text and "Иванов Иван Иванович" in text


def test_no_requisites_no_bank_receipt(client, ivan):
    assert client.get("/statement/bank-receipt").status_code == 404
    assert "/statement/bank-receipt" not in client.get("/").get_data(as_text=True)


def test_end_of_day_balances_follow_the_local_day(app, make_subscriber):
    facts = make_subscriber()
    day = today() - timedelta(days=3)
    post(
        app,
        facts,
        [
            (local(day - timedelta(days=200), 12), 50000, EntryKind.PAYMENT, "p1"),
            (local(day, 23, 30), -80000, EntryKind.CHARGE, "late"),  # the 3rd day back …
            (local(day + timedelta(days=1), 0, 30), 10000, EntryKind.PAYMENT, "early"),  # … the 2nd
        ],
    )
    with app.app_context():
        last = {facts["account"]: today()}
        series = balance_series("acme", facts["id"], last, "Asia/Krasnoyarsk")[facts["account"]]
    assert len(series.days) == 90 and series.days[-1] == today()
    by_day = dict(zip(series.days, series.balances, strict=True))
    assert by_day[day - timedelta(days=1)] == 50000
    assert by_day[day] == -30000
    assert by_day[day + timedelta(days=1)] == -20000 == series.today
    assert series.lowest() == (-30000, day) and series.highest()[0] == 50000


def count_queries(app, action) -> int:
    with app.app_context():
        engine = db.engine
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_dashboard_draws_the_90_day_chart_in_few_queries(app, client, ivan):
    client.get("/")  # warm up
    responses = []
    queries = count_queries(app, lambda: responses.append(client.get("/")))
    page = text_of(responses[0])
    print(f"\ndashboard: {queries} SQL statements")
    assert queries <= 6, f"{queries} SQL statements for the dashboard"
    assert 'role="img"' in page and "Balance over the last 90 days" in page
    assert re.search(r"<svg[^>]*aria-labelledby=\"chart-svg-title-1 chart-summary-1\"", page)
    summary = re.search(r'data-testid="chart-summary">(.*?)</figcaption>', page)[1]
    assert "highest ₽2,809.56" in summary and "today ₽2,809.56" in summary
    # Before the first payment 40 days ago the account held nothing.
    assert "Lowest ₽0.00" in summary
    assert re.search(r'class="chart-line" d="M[\d., L]+"', page)
    assert 'data-testid="balance"' in page and 'data-testid="days-left"' in page
    assert f'href="/statement?account={ivan["account"]}"' in page
