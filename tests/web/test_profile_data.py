"""«Your data»: a ZIP of everything kept about the subscriber, and nothing about anyone else."""

import csv
import io
import json
import re
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa

from app.core.ledger import EntryKind, post_entry
from app.core.subscribers import ServicePoint
from app.extensions import db
from app.options.models import Activation
from app.payments.models import Payment
from app.persistence import utcnow
from app.services.models import TariffChange
from tests.conftest import ATHOME_PASSWORD

PAGE_LANG = "en"


def _facts(app, who: dict, reference: str, payer_id: int | None = None, payer_email=None):
    """An option, a tariff change and a payment on who's account."""
    with app.app_context():
        point = db.session.scalar(
            sa.select(ServicePoint).where(ServicePoint.account_id == who["account_id"])
        )
        tenant = point.tenant
        db.session.add_all(
            [
                Activation(
                    tenant=tenant,
                    account_id=who["account_id"],
                    point_id=point.id,
                    code=f"opt-{reference}",
                    kind="turbo",
                    status="active",
                    starts_at=utcnow(),
                ),
                TariffChange(
                    tenant=tenant,
                    account_id=who["account_id"],
                    point_id=point.id,
                    from_code=point.tariff_code,
                    to_code=f"to-{reference}",
                    timing="now",
                    effective_on=date(2026, 1, 1),
                    status="applied",
                ),
                Payment(
                    tenant=tenant,
                    reference=reference,
                    account_id=who["account_id"],
                    payer_subscriber_id=payer_id or who["id"],
                    method="card",
                    amount=12345,
                    provider="sandbox",
                    payer_email=payer_email,
                ),
            ]
        )
        post_entry(tenant, who["account_id"], 12345, EntryKind.PAYMENT, f"payment:{reference}")
        db.session.commit()


@pytest.fixture
def others(app, make_subscriber, athome):
    """A neighbour in the same tenant and a subscriber of another, each with their own facts;
    the neighbour also paid into Petrov's account."""
    neighbour = make_subscriber(
        tenant="athome", surname="Соседов", email="neighbour@example.ru", balance=777
    )
    stranger = make_subscriber(tenant="tomtel", surname="Чужаков", email="stranger@example.ru")
    _facts(app, athome, "MINE-1")
    _facts(app, neighbour, "NEIGHBOUR-1")
    _facts(app, stranger, "STRANGER-1")
    _facts(app, athome, "GIFT-1", payer_id=neighbour["id"], payer_email="neighbour@example.ru")
    return neighbour, stranger


def _download(tenant_client, login="petrov_spb", password=ATHOME_PASSWORD):
    client = tenant_client("athome.localhost")
    client.login(login, password)
    response = client.form("/profile/data.zip", {}, page="/profile/")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_zip_holds_everything_of_the_subscriber(app, tenant_client, athome, others):
    archive = _download(tenant_client)
    names = set(archive.namelist())
    assert {"README.txt", "data.json"} <= names
    data = json.loads(archive.read("data.json"))
    expected = {
        "subscriber",
        "contract",
        "account",
        "service_point",
        "ledger_entry",
        "option_activation",
        "tariff_change",
        "payment",
        "login_session",
        "login_event",
        "login_identifier",
    }
    assert expected <= set(data), expected - set(data)
    assert {f"csv/{table}.csv" for table in expected} <= names
    assert data["subscriber"][0]["surname"] == "Петров"
    assert data["subscriber"][0]["email"] == "ivan.petrov@example.ru"
    assert {p["reference"] for p in data["payment"]} == {"MINE-1", "GIFT-1"}
    assert {o["code"] for o in data["option_activation"]} == {"opt-MINE-1", "opt-GIFT-1"}
    assert {e["reference"] for e in data["ledger_entry"]} == {"payment:MINE-1", "payment:GIFT-1"}
    assert data["login_identifier"][0]["value"] == "petrov_spb"
    assert len(data["login_session"]) == 1 and data["login_event"][0]["success"] is True
    rows = list(csv.DictReader(io.StringIO(archive.read("csv/payment.csv").decode("utf-8-sig"))))
    assert sorted(r["amount"] for r in rows) == ["12345", "12345"]


def test_nothing_of_another_subscriber_or_tenant(tenant_client, athome, others):
    archive = _download(tenant_client)
    blob = "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    for foreign in ("Соседов", "Чужаков", "NEIGHBOUR-1", "STRANGER-1", "neighbour@", "stranger@"):
        assert foreign not in blob, foreign
    data = json.loads(archive.read("data.json"))
    gift = next(p for p in data["payment"] if p["reference"] == "GIFT-1")
    assert gift["payer_subscriber_id"] is None and gift["payer_email"] is None
    assert {row["tenant"] for rows in data.values() for row in rows} == {"athome"}
    ids = {row.get("subscriber_id") for rows in data.values() for row in rows} - {None}
    assert ids == {athome["id"]}


def test_secrets_are_not_in_it(tenant_client, athome):
    archive = _download(tenant_client)
    data = json.loads(archive.read("data.json"))
    assert "password_hash" not in data.get("credential", [{}])[0]
    assert "token_hash" not in data["login_session"][0]
    assert "recovery_challenge" not in data


def test_it_needs_a_login_and_a_form_token(tenant_client, athome):
    anonymous = tenant_client("athome.localhost")
    assert anonymous.post("/profile/data.zip").status_code in (302, 400)
    client = tenant_client("athome.localhost")
    client.login("petrov_spb", ATHOME_PASSWORD)
    assert client.post("/profile/data.zip").status_code == 400


def test_the_shared_demo_gives_no_data(tenant_client, make_subscriber):
    # Its sessions and logins are every visitor's.
    demo = make_subscriber(tenant="athome", logins={"login": "demo"}, shared_demo=True)
    client = tenant_client("athome.localhost")
    client.login("demo", demo["password"])
    assert "data.zip" not in client.get("/profile/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/profile/").text).group(1)
    assert client.post("/profile/data.zip", data={"export-csrf_token": token}).status_code == 403
