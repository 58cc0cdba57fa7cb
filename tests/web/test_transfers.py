"""Payment to the wrong account: the subscriber asks staff to move it, with a receipt copy."""

import io
import os
import re
import shutil
import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.core.subscribers import Subscriber
from app.extensions import db
from app.notify.models import QueuedMessage
from app.transfers.models import TransferRequest
from tests.conftest import CSRF_INPUT

PASSWORD = "Sunny-Garden-77"
LOGIN = "petrov_spb"
EMAIL = "ivan.petrov@example.ru"
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
ROOT = Path(__file__).resolve().parents[2]


def tiny_png() -> bytes:
    """A real 1x1 white PNG, built byte by byte."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True)).replace("\xa0", " ")


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(folder))
    return folder


@pytest.fixture
def subscriber(make_subscriber):
    return make_subscriber(
        tenant="athome",
        password=PASSWORD,
        logins={"login": LOGIN},
        surname="Петров",
        first_name="Иван",
        patronymic="Сергеевич",
        phone="+79215554317",
    )


@pytest.fixture
def petrov(tenant_client, subscriber):
    client = english(tenant_client("athome.localhost"))
    assert client.login(LOGIN, PASSWORD).status_code == 302
    return client


def fields(**changes) -> dict:
    values = {
        "correct_account": "000001",
        "address": "Санкт-Петербург, ул. Бутлерова, д. 9, кв. 57",
        "full_name": "Петров Иван Сергеевич",
        "phone": "8 (921) 555-43-17",
        "paid_on": (date.today() - timedelta(days=3)).isoformat(),
        "amount": "1 500,50",
        "comment": "Ошибся одной цифрой: 000010",
    }
    values.update(changes)
    return values


def english(client):
    """Pages in English, so the assertions hold whatever the catalogues translate."""
    client.set_cookie("lang", "en", domain=client.host)
    return client


def send(client, receipt: bytes | None, filename: str = "", **changes):
    """Post the form as a browser does: multipart, with the page's CSRF token."""
    page = client.get("/transfers/new").get_data(as_text=True)
    data = {"csrf_token": CSRF_INPUT.search(page).group(1), **fields(**changes)}
    if receipt is not None:
        data["receipt"] = FileStorage(io.BytesIO(receipt), filename)
    # Encoded in memory: the test client would spool a big body to a file it never closes.
    boundary, body = encode_multipart(data)
    return client.post(
        "/transfers/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored(app) -> list[TransferRequest]:
    with app.app_context():
        rows = db.session.scalars(sa.select(TransferRequest).order_by(TransferRequest.id)).all()
        db.session.expunge_all()
        return rows


def give_email(app, subscriber_id: int) -> None:
    with app.app_context():
        db.session.get(Subscriber, subscriber_id).email = EMAIL
        db.session.commit()


def files_in(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_png_receipt_files_a_request_and_mails_a_confirmation(
    app, petrov, subscriber, uploads, mailbox
):
    give_email(app, subscriber["id"])
    response = send(petrov, tiny_png(), "чек оплаты.png")
    assert response.status_code == 302
    assert response.headers["Location"] == "/transfers/1"
    page = _text(petrov.get("/transfers/1"))
    assert "TR-000001" in page
    assert "Your request TR-000001 has been sent" in page
    assert f"A confirmation is on its way to {EMAIL}" in page
    assert "1,500.50" in page
    assert "Санкт-Петербург, ул. Бутлерова, д. 9, кв. 57" in page
    assert "+79215554317" in page  # the phone as typed, normalised
    assert "чек оплаты.png" in page

    (row,) = stored(app)
    assert row.tenant == "athome" and row.subscriber_id == subscriber["id"]
    assert row.account_id == subscriber["account_id"]
    assert row.amount == 150050 and row.content_type == "image/png"
    assert row.status == "submitted" and row.original_filename == "чек оплаты.png"
    # Kept outside the web root under a random name, in the tenant's own folder.
    (path,) = files_in(uploads)
    assert path.parent == uploads / "athome"
    assert path.read_bytes() == tiny_png()
    assert "чек" not in path.name and row.file_path == f"athome/{path.name}"

    letter = mailbox.last_text(EMAIL)
    assert "TR-000001" in letter and "At Home" in mailbox.to(EMAIL)[0]["Subject"]
    assert "https://athome.localhost/transfers/1" in letter


@pytest.mark.parametrize(
    ("content", "name", "kind", "suffix"),
    [
        (PDF, "receipt.PDF", "application/pdf", ".pdf"),
        (JPEG, "фото.jpeg", "image/jpeg", ".jpg"),
    ],
)
def test_pdf_and_jpeg_receipts_are_accepted(app, petrov, uploads, content, name, kind, suffix):
    assert send(petrov, content, name).status_code == 302
    (row,) = stored(app)
    assert row.content_type == kind and row.file_size == len(content)
    assert row.original_filename == name
    assert files_in(uploads)[0].suffix == suffix


def test_form_is_prefilled_from_the_subscriber(petrov, subscriber):
    page = petrov.get("/transfers/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'value="Петров Иван Сергеевич"' in page
    assert 'value="+79215554317"' in page
    assert f'value="{subscriber["account"]}"' in page
    # Every input has a visible label.
    for name in ("correct_account", "address", "full_name", "phone", "paid_on", "amount"):
        assert f'<label class="field-label" for="{name}"' in page
    assert '<label class="field-label" for="receipt"' in page


def test_a_text_file_named_pdf_is_refused_and_typing_kept(app, petrov, uploads):
    response = send(petrov, b"Just some text pretending to be a receipt\n", "receipt.pdf")
    assert response.status_code == 200
    page = _text(response)
    assert "This file is not a PNG or JPEG picture or a PDF document" in page
    assert 'aria-describedby="receipt-hint receipt-error"' in page
    assert 'value="Санкт-Петербург, ул. Бутлерова, д. 9, кв. 57"' in page
    assert "Ошибся одной цифрой: 000010" in page
    assert "only the file has to be chosen again" in page
    assert stored(app) == [] and files_in(uploads) == []


def test_a_six_megabyte_file_is_refused_with_a_clear_message(app, petrov, uploads):
    big = b"\x89PNG\r\n\x1a\n" + bytes(6 * 1024 * 1024)
    response = send(petrov, big, "photo.png")
    assert response.status_code == 200  # the form again, not a 413 error page
    page = _text(response)
    assert "The file is larger than 5 MB" in page
    assert 'value="1 500,50"' in page
    assert stored(app) == [] and files_in(uploads) == []


def test_a_body_over_the_server_limit_returns_to_the_form(app, petrov, uploads):
    huge = b"%PDF-" + bytes(app.config["MAX_CONTENT_LENGTH"] + 1)
    response = send(petrov, huge, "scan.pdf")
    assert response.status_code == 303
    page = _text(petrov.get(response.headers["Location"]))
    assert "The file was larger than 5 MB, so nothing was sent" in page
    assert stored(app) == []


def test_other_mistakes_are_named_and_the_file_must_be_chosen_again(app, petrov, uploads):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = send(
        petrov, tiny_png(), "r.png", amount="полторы тысячи", phone="12", paid_on=tomorrow
    )
    page = _text(response)
    assert "Please write the amount in roubles" in page
    assert "This does not look like a phone number" in page
    assert "The payment date cannot be in the future" in page
    assert "Please choose the file again" in page
    assert 'value="полторы тысячи"' in page
    assert stored(app) == [] and files_in(uploads) == []

    page = _text(send(petrov, tiny_png(), "r.png", paid_on="31.02.2026", address=""))
    assert "Please give the date as on the receipt" in page
    assert "Please fill in this field" in page
    page = _text(send(petrov, tiny_png(), "r.png", amount="0"))
    assert "The amount must be more than zero" in page
    page = _text(send(petrov, None))
    assert "Please attach a copy of the receipt" in page


def test_the_list_shows_each_request_with_status_and_dates(petrov, uploads):
    send(petrov, tiny_png(), "a.png", amount="100")
    send(petrov, PDF, "b.pdf", amount="250,75")
    page = _text(petrov.get("/transfers"))
    assert page.index("TR-000002") < page.index("TR-000001")  # newest first
    assert "100.00" in page and "250.75" in page
    assert page.count('data-status="submitted"') == 2
    assert page.count("<time") == 4  # sent and updated, for each


def test_another_subscriber_cannot_open_or_see_a_request(
    petrov, tenant_client, make_subscriber, uploads
):
    send(petrov, tiny_png(), "a.png")
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "sidorova"})
    other = english(tenant_client("athome.localhost"))
    other.login("sidorova", PASSWORD)
    assert other.get("/transfers/1").status_code == 404
    assert "TR-000001" not in _text(other.get("/transfers"))


def test_numbers_and_requests_are_per_tenant(tmp_path, make_app, make_subscriber, tenant_client):
    # A second tenant that takes transfer requests: the test tenant with the switch on.
    folder = tmp_path / "tenants" / "acme"
    shutil.copytree(ROOT / "tests" / "data" / "tenants" / "acme", folder)
    with (folder / "tenant.yaml").open("a", encoding="utf-8") as yaml:
        yaml.write("payments: {transfer_requests: true}\n")
    both = make_app(
        PORTAL_TENANTS_DIR=os.pathsep.join([str(ROOT / "tenants"), str(folder.parent)]),
        PORTAL_UPLOADS_DIR=str(tmp_path / "uploads"),
    )
    both.test_client_class = type(tenant_client("athome.localhost"))
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": LOGIN})
    acme_subscriber = make_subscriber(tenant="acme", password=PASSWORD)

    athome = both.test_client()
    athome.host = "athome.localhost"
    english(athome)
    athome.login(LOGIN, PASSWORD)
    send(athome, tiny_png(), "a.png", amount="111")
    send(athome, tiny_png(), "b.png", amount="222")
    acme = both.test_client()
    acme.host = "acme.localhost"
    english(acme)
    acme.login(acme_subscriber["account"], PASSWORD)
    assert send(acme, PDF, "c.pdf", amount="333").headers["Location"] == "/transfers/1"

    assert "333.00" in _text(acme.get("/transfers/1"))
    assert "111.00" in _text(athome.get("/transfers/1"))
    assert acme.get("/transfers/2").status_code == 404  # athome's TR-000002 is not acme's
    assert "222.00" not in _text(acme.get("/transfers"))
    assert (tmp_path / "uploads" / "acme").is_dir() and (tmp_path / "uploads" / "athome").is_dir()


def test_operator_cli_lists_and_changes_status_shown_to_the_subscriber(
    app, petrov, uploads, make_subscriber
):
    reached = make_subscriber(tenant="athome", balance=200_000)  # where the money went
    send(petrov, tiny_png(), "receipt.png")
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["transfers", "list", "--tenant", "athome"])
    assert listed.exit_code == 0
    assert "TR-000001  athome  submitted" in listed.output
    assert str(uploads / "athome") in listed.output and "receipt.png" in listed.output

    result = runner.invoke(args=["transfers", "set-status", "TR-000001", "in_review"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["transfers", "set-status", "TR-000001", "rejected"])
    assert refused.exit_code != 0 and "needs a note" in refused.output
    note = "Moved 1 500,50 ₽ to account 000001 on 22.11."
    result = runner.invoke(args=["transfers", "set-status", "tr-1", "done", "--note", note])
    assert result.exit_code != 0 and "only approving it moves the money" in result.output
    approve = ["transfers", "approve", "tr-1", "--from", reached["account"], "--note", note]
    result = runner.invoke(args=approve)
    assert result.exit_code == 0 and "TR-000001 (athome) is now done" in result.output

    page = _text(petrov.get("/transfers/1"))
    assert (
        'data-testid="transfer-status"><span class="status status-active" data-status="done"'
        in page
    )
    assert "Done: the money was moved" in page
    assert note in page
    assert page.count('class="transfer-event"') == 3  # sent, under review, done
    assert 'data-status="done"' in _text(petrov.get("/transfers"))
    missing = runner.invoke(args=["transfers", "set-status", "TR-000077", "done"])
    assert missing.exit_code != 0 and "no transfer request" in missing.output


def test_a_failed_confirmation_email_loses_nothing(app, petrov, subscriber, uploads, monkeypatch):
    give_email(app, subscriber["id"])
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", 9)  # discard port: nothing listens
    monkeypatch.setitem(app.config, "SMTP_RETRIES", 0)
    response = send(petrov, tiny_png(), "r.png")
    assert response.headers["Location"] == "/transfers/1"
    page = _text(petrov.get("/transfers/1"))
    # The e-mail waits in the queue for its next try; the subscriber is not told otherwise.
    assert "A confirmation is on its way" in page
    assert len(stored(app)) == 1 and len(files_in(uploads)) == 1
    with app.app_context():
        (queued,) = db.session.scalars(sa.select(QueuedMessage)).all()
        assert (queued.status, queued.attempts) == ("pending", 1)


def test_menu_item_only_where_the_isp_takes_transfer_requests(
    petrov, client, make_subscriber, tenant_client
):
    assert 'href="/transfers"' in petrov.get("/").get_data(as_text=True)
    acme = make_subscriber(password=PASSWORD)
    client.login(acme["account"], PASSWORD)
    assert "/transfers" not in client.get("/").get_data(as_text=True)
    for path in ("/transfers", "/transfers/new", "/transfers/1"):
        assert client.get(path).status_code == 404
    for slug in ("netbynet", "novotelecom", "tomtel", "iphome"):
        assert tenant_client(f"{slug}.localhost").get("/transfers/new").status_code == 404


def test_pages_need_a_login(tenant_client):
    response = tenant_client("athome.localhost").get("/transfers")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_post_without_the_csrf_token_is_refused(app, petrov, uploads):
    boundary, body = encode_multipart(
        {**fields(), "receipt": FileStorage(io.BytesIO(tiny_png()), "r.png")}
    )
    response = petrov.post(
        "/transfers/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert stored(app) == [] and files_in(uploads) == []


def test_too_many_requests_in_an_hour_are_refused(app, petrov, uploads, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_TRANSFER_LIMIT", "2 per hour")
    assert send(petrov, tiny_png(), "a.png").status_code == 302
    assert send(petrov, tiny_png(), "b.png").status_code == 302
    response = send(petrov, tiny_png(), "c.png")
    assert response.status_code == 429
    assert "Too many attempts" in _text(response)
    assert len(stored(app)) == 2


def test_requests_filed_at_the_same_moment_get_different_numbers(app, subscriber, uploads):
    import threading

    from app.transfers import service

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    tenant = app.extensions["tenancy"].tenants["athome"]
    details = service.Details(
        "000001", "ул. Тестовая, 1", "Петров", "+79215554317", date.today(), 100
    )
    barrier = threading.Barrier(8)
    numbers, errors = [], []

    def file_one():
        try:
            with app.app_context():
                barrier.wait()
                filed = service.create_request(
                    tenant, subscriber["id"], details, service.Receipt(PDF, "r.pdf"), uploads
                )
                db.session.commit()
                numbers.append(filed.number)
        except Exception as exc:  # a thread cannot fail the test itself: collect it
            errors.append(exc)

    threads = [threading.Thread(target=file_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 9))
