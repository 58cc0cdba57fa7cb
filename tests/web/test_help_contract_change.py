"""A change of name or address on the contract: asked from the profile as a help request
with its own subject, a text to complete and a document attached."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help.models import HelpAttachment, HelpRequest
from app.tenancy.help_schema import Requests, Subject
from tests.web.help_steps import PDF, multipart, number_of

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def browser(tenant_client, make_subscriber, uploads):
    make_subscriber(tenant="netbynet", password=PASSWORD, logins={"contract": "NB-300400"})
    client = tenant_client("netbynet.localhost")
    assert client.login("NB-300400", PASSWORD).status_code == 302
    return client


def test_the_profile_links_to_a_prefilled_request(browser):
    profile = browser.get("/profile/").text
    link = re.search(r'href="([^"]+)">Request a change of name or address<', profile).group(1)
    assert link == "/help/requests/new?subject=contract_data"
    form = browser.get(link).text
    assert re.search(
        r'<option selected value="contract_data">|value="contract_data" selected', form
    )
    assert "Please change my name / address in the contract" in form
    assert 'type="file"' in form


def test_the_change_is_sent_with_a_document(app, browser):
    text = "Прошу изменить фамилию: Иванова → Петрова. Свидетельство о браке приложено."
    response = multipart(
        browser,
        "/help/requests/new",
        {"subject": "contract_data", "text": text},
        files=[(PDF, "svidetelstvo.pdf")],
    )
    assert response.status_code == 302
    number = number_of(response)
    with app.app_context():
        filed = db.session.scalar(sa.select(HelpRequest).where(HelpRequest.number == number))
        assert (filed.kind, filed.subject) == ("question", "contract_data")
        [attached] = db.session.scalars(sa.select(HelpAttachment)).all()
        assert attached.content_type == "application/pdf"
    listing = browser.get("/help/requests").text
    assert "Change of name or address in the contract" in listing


def test_a_plain_new_request_is_not_prefilled(browser):
    form = browser.get("/help/requests/new").text
    assert "Please change my name / address" not in form


def test_its_code_must_differ_from_the_subjects():
    with pytest.raises(ValueError, match="code of its own"):
        Requests(contract_change=Subject(code="other", name={"ru": "x", "en": "x", "hi": "x"}))
