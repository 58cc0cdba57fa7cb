"""An administrator provisions new contracts: one by the form, many from a CSV file."""

import io
import json
import re
from pathlib import Path

import sqlalchemy as sa

from app.core import audit
from app.core.subscribers import Account, Contract, ServicePoint, Subscriber
from app.extensions import db
from app.provisioning.models import ProvisioningEvent
from app.staff import import_run
from app.staff.roles import Role
from tests import network_receiver
from tests.conftest import wait_for_sent_messages
from tests.security.surface import database_state, surface, url
from tests.web.staff_steps import log_in, make_member

PAGE_LANG = "en"
HOST = "novotelecom.localhost"
MISTAKES = Path(__file__).parents[1] / "data" / "provision" / "mistakes.csv"
PERSON = {
    "kind": "person",
    "surname": "Петров",
    "first_name": "Иван",
    "patronymic": "",
    "phone": "+7 913 555-77-01",
    "email": "petrov@example.ru",
    "region": "nsk",
    "contract": "",
    "account": "",
    "points-0-address": "Новосибирск, ул. Ленина, 10, кв. 5",
    "points-0-tariff": "domashniy-100",
}


def _admin(app, tenant_client, tenant="novotelecom", host=HOST):
    admin = make_member(app, tenant, Role.ADMINISTRATOR)
    client = tenant_client(host)
    log_in(app, client, admin)
    return client


def _create(client, **changes):
    return client.form("/staff/provision/", {**PERSON, **changes})


def make_job(app, tenant_client, tenant="novotelecom", host=HOST) -> int:
    """A checked import of the mistakes file in a tenant: its id (for URL sweeps)."""
    client = _admin(app, tenant_client, tenant, host)
    answer = _upload(client, MISTAKES.read_bytes())
    return int(answer.headers["Location"].rsplit("/", 1)[1])


def _upload(client, data: bytes, name: str = "contracts.csv"):
    return client.form(
        "/staff/provision/import",
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_new_contract_logs_in_with_the_sms_password_and_must_change_it(app, tenant_client, sms):
    client = _admin(app, tenant_client)
    created = _create(client)
    page = created.get_data(as_text=True)
    assert created.status_code == 200, page
    contract = re.search(r'data-testid="contract">([^<]+)<', page).group(1)
    assert "Connection details" in page and contract in page
    texts = sms("+79135557701")
    assert len(texts) == 1 and contract in texts[0]
    password = re.search(r"пароль: (\S+)\.", texts[0]).group(1)  # in the ISP's language
    assert password not in page
    subscriber = tenant_client("nsk.novotelecom.localhost")
    answer = subscriber.login(contract, password)
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)
    assert subscriber.get("/").headers["Location"].startswith("/password")
    with app.app_context():
        entry = audit.entries("novotelecom", action="provisioning.contract_created")[0]
        assert entry.changes()[1]["contract"] == contract
        assert entry.subscriber_id is not None


def test_generated_numbers_follow_the_latest_ones(app, tenant_client, make_subscriber):
    make_subscriber(tenant="novotelecom")  # contract T-1, account 000001
    client = _admin(app, tenant_client)
    page = _create(client).get_data(as_text=True)
    assert 'data-testid="contract">T-2<' in page
    assert 'data-testid="account">000002<' in page


def test_each_field_says_what_is_wrong(app, tenant_client):
    client = _admin(app, tenant_client)
    answer = _create(
        client,
        surname="",
        first_name="",
        phone="12345",
        email="not-an-address",
        region="",
        contract="bad number!",
        **{"points-0-address": "", "points-0-tariff": ""},
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for field_id in ("surname", "first_name", "phone", "email", "region", "contract"):
        assert f'id="{field_id}-error"' in page, field_id
    assert 'id="points-0-address-error"' in page and 'id="points-0-tariff-error"' in page
    assert "Please enter a mobile number" in page and 'href="#points-0-tariff"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Subscriber.id))) == 0


def test_a_taken_contract_number_is_refused(app, tenant_client, make_subscriber):
    make_subscriber(tenant="novotelecom")
    client = _admin(app, tenant_client)
    answer = _create(client, contract="t-1")
    assert answer.status_code == 422
    assert "already taken" in answer.get_data(as_text=True)


def test_a_business_tariff_is_for_organisations_only(app, tenant_client):
    client = _admin(app, tenant_client)
    answer = _create(client, **{"points-0-tariff": "biznes-100"})
    assert answer.status_code == 422
    assert "Business tariffs are for organisations only." in answer.get_data(as_text=True)
    company = _create(
        client, kind="organisation", organisation="ООО «Ромашка»", surname="", first_name=""
    )
    assert company.status_code == 200, company.get_data(as_text=True)


def test_a_tariff_of_another_region_is_refused(app, tenant_client):
    client = _admin(app, tenant_client)
    answer = _create(client, region="iskitim", **{"points-0-tariff": "domashniy-500"})
    assert "not offered in the region" in answer.get_data(as_text=True)


def test_another_service_point_is_added_without_script(app, tenant_client):
    client = _admin(app, tenant_client)
    more = _create(client, add_point="1")
    assert 'id="points-1-address"' in more.get_data(as_text=True)


def test_the_dry_run_reports_every_problem_by_line_and_column(app, tenant_client, make_subscriber):
    make_subscriber(tenant="novotelecom")  # holds contract T-1
    client = _admin(app, tenant_client)
    answer = _upload(client, MISTAKES.read_bytes())
    assert answer.status_code == 303
    with app.app_context():
        job = import_run.recent(app.extensions["tenancy"].tenants["novotelecom"])[0]
        found = {(line, column, code) for line, column, code, _p in json.loads(job.problems)}
        assert job.total == 2 and job.lines == 8
    assert found == {
        (2, "contract", "in_file"),
        (4, "contract", "in_file"),
        (3, "phone", "phone"),
        (5, "tariff", "tariff"),
        (6, "surname", "required"),
        (6, "region", "region"),
        (7, "contract", "number_taken"),
        (7, "tariff", "business"),
    }
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Import 2 rows" in page and "The same value is on line 4 of this file too." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Contract.id))) == 1


def test_the_import_creates_the_valid_rows_once(app, tenant_client, make_subscriber, sms):
    make_subscriber(tenant="novotelecom")
    client = _admin(app, tenant_client)
    job_url = _upload(client, MISTAKES.read_bytes()).headers["Location"]
    started = client.form(f"{job_url}/start", {}, page=job_url)
    assert started.status_code == 303
    state = client.get(f"{job_url}/progress").get_json()
    assert state["percent"] == 100 and state["created"] == 2 and state["status"] == "done"
    with app.app_context():
        numbers = set(db.session.scalars(sa.select(Contract.number)))
    assert numbers == {"T-1", "P-1007", "P-1009"}
    assert len(sms("+79135550109")) == 1
    again = _upload(client, MISTAKES.read_bytes()).headers["Location"]
    assert (
        "Import"
        not in client.get(again)
        .get_data(as_text=True)
        .split("Problems")[0]
        .split("Nothing is created yet.")[1]
    )
    client.form(f"{again}/start", {}, page=again)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Contract.id))) == 3


def _large_job(app, tenant_client, rows: int = 45):
    lines = ["surname,first_name,phone,region,contract,account,address,tariff"]
    lines += [
        f"Иванов,Иван{n},+7 913 556-00-{n:02d},nsk,B-{n},B{n},ул. {n},domashniy-100"
        for n in range(rows)
    ]
    client = _admin(app, tenant_client)
    job_url = _upload(client, "\n".join(lines).encode()).headers["Location"]
    client.form(f"{job_url}/start", {}, page=job_url)
    return client, job_url


def _contracts(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Contract.id)))


def _continue(client, job_url, **kwargs):
    return client.form(f"{job_url}/continue", {}, page=job_url, **kwargs)


def test_a_large_file_goes_in_chunks_posted_by_the_page(app, tenant_client):
    client, job_url = _large_job(app, tenant_client)
    first = client.get(f"{job_url}/progress").get_json()
    assert first["done"] == import_run.CHUNK and first["status"] == "running"
    # Reading the progress or the page again takes nothing further.
    client.get(job_url)
    assert client.get(f"{job_url}/progress").get_json() == first
    assert _contracts(app) == import_run.CHUNK
    answer = _continue(client, job_url, headers={"Accept": "application/json"})
    assert answer.get_json()["done"] == 2 * import_run.CHUNK
    assert _continue(client, job_url, headers={"Accept": "application/json"}).get_json() == {
        "status": "done",
        "done": 45,
        "total": 45,
        "percent": 100,
        "created": 45,
        "skipped": 0,
    }
    assert _contracts(app) == 45
    with app.app_context():
        assert len(audit.entries("novotelecom", action="provisioning.import_continued")) == 3


def test_without_script_the_button_continues_and_the_page_says_how_far(app, tenant_client):
    client, job_url = _large_job(app, tenant_client)
    page = client.get(job_url).get_data(as_text=True)
    assert "Continue the import" in page and 'data-field="percent">44<' in page
    answer = _continue(client, job_url)
    assert answer.status_code == 303 and answer.headers["Location"].endswith(job_url)
    page = client.get(job_url).get_data(as_text=True)
    assert 'data-field="percent">88<' in page


def test_the_page_script_posts_with_the_token_in_a_header(app, tenant_client):
    client, job_url = _large_job(app, tenant_client)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(job_url).text).group(1)
    json_asked = {"Accept": "application/json"}
    refused = client.post(f"{job_url}/continue", headers=json_asked)
    assert refused.status_code == 400 and _contracts(app) == import_run.CHUNK
    answer = client.post(f"{job_url}/continue", headers={**json_asked, "X-CSRFToken": token})
    assert answer.status_code == 200 and answer.get_json()["done"] == 2 * import_run.CHUNK


def test_no_console_read_changes_a_running_import(app, tenant_client):
    client, job_url = _large_job(app, tenant_client)
    auditor = make_member(app, "novotelecom", Role.AUDITOR, email="auditor@staff.example")
    reader = tenant_client(HOST)
    log_in(app, reader, auditor)
    job_id = job_url.rsplit("/", 1)[1]
    before = database_state(app)
    for rule, method, params in surface(app):
        if method != "GET" or not rule.startswith("/staff") or rule == "/staff/logout":
            continue
        path = url(rule, {name: job_id for _, name in params})
        for who in (client, reader):
            assert who.get(path).status_code < 500, path
    changed = {t for t, rows in database_state(app).items() if rows != before[t]}
    assert not changed, f"a GET changed {sorted(changed)}"


def test_an_auditor_reads_the_progress_but_takes_no_chunk(app, tenant_client):
    _client, job_url = _large_job(app, tenant_client)
    auditor = make_member(app, "novotelecom", Role.AUDITOR, email="auditor@staff.example")
    reader = tenant_client(HOST)
    log_in(app, reader, auditor)
    page = reader.get(job_url).get_data(as_text=True)
    assert "Continue the import" not in page
    assert reader.get(f"{job_url}/progress").get_json()["done"] == import_run.CHUNK
    assert _continue(reader, job_url).status_code == 403
    assert _contracts(app) == import_run.CHUNK


def test_each_new_service_point_is_told_to_the_network(app, tenant_client, monkeypatch):
    receiver = network_receiver.Receiver()
    monkeypatch.setenv("NOVOTELECOM_PROVISIONING_URL", f"{receiver.url}/novotelecom")
    monkeypatch.setenv("NOVOTELECOM_PROVISIONING_SECRET", network_receiver.SECRET)
    try:
        client = _admin(app, tenant_client)
        second = {
            "points-1-address": "Новосибирск, ул. Ленина, 12",
            "points-1-tariff": "domashniy-100",
        }
        created = _create(client, **second)
        assert created.status_code == 200, created.get_data(as_text=True)
        wait_for_sent_messages(app)
        with app.app_context():
            events = db.session.scalars(sa.select(ProvisioningEvent)).all()
            points = db.session.scalars(sa.select(ServicePoint).order_by(ServicePoint.id)).all()
            assert [e.event for e in events] == ["point-added", "point-added"]
            assert {e.point_id for e in events} == {p.id for p in points}
            assert {e.details["address"] for e in events} == {p.address for p in points}
            assert all(e.details["tariff"] == "domashniy-100" for e in events)
        arrived = [a.event for a in receiver.arrivals]
        assert all(a.verified for a in receiver.arrivals)
        assert sorted(e["event"] for e in arrived) == ["point-added", "point-added"]
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def test_an_imported_contract_is_told_to_the_network(app, tenant_client, make_subscriber):
    make_subscriber(tenant="novotelecom")
    client = _admin(app, tenant_client)
    job_url = _upload(client, MISTAKES.read_bytes()).headers["Location"]
    client.form(f"{job_url}/start", {}, page=job_url)
    with app.app_context():
        accounts = db.session.scalars(
            sa.select(ProvisioningEvent.account_number).where(
                ProvisioningEvent.event == "point-added"
            )
        ).all()
        numbers = set(
            db.session.scalars(
                sa.select(Account.number)
                .join(Contract, Contract.id == Account.contract_id)
                .where(Contract.number.in_(["P-1007", "P-1009"]))
            )
        )
    assert set(accounts) == numbers and len(accounts) >= 2


def test_another_tenants_import_is_not_found(app, tenant_client):
    theirs = make_job(app, tenant_client, "netbynet", "netbynet.localhost")
    client = _admin(app, tenant_client)
    assert client.get(f"/staff/provision/imports/{theirs}").status_code == 404
    assert client.get(f"/staff/provision/imports/{theirs}/progress").status_code == 404
    assert (
        client.form(
            f"/staff/provision/imports/{theirs}/start", {}, page="/staff/provision/import"
        ).status_code
        == 404
    )
