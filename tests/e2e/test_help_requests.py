"""A request to the ISP's staff, as a person sends it: NetByNet's «Обратная связь» and
Электронный город's «Бесплатная помощь», with a file, an answer, a reply, close and reopen;
every state audited by axe on desktop and phone."""

import struct
import zlib

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.core.uploads import uploads_root
from app.extensions import db
from app.help import service
from app.notify.models import QueuedMessage
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e
QUESTION = "Интернет пропадает каждый вечер после 21:00. Роутер перезагружал."
ANSWER = "На вашей линии были работы, сейчас всё восстановлено. Проверьте, пожалуйста."


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(tmp_path / "uploads"))


def _answer(app, slug: str, number: int) -> None:
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants[slug]
        service.staff_reply(tenant, number, ANSWER, "operator", uploads_root(app))
        db.session.commit()


def _status(page):
    return page.get_by_test_id("request-status")


@pytest.mark.parametrize("isp", ["netbynet", "novotelecom"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_request_end_to_end(app, isp, device, demo, portal, open_page, uploads):
    slug = isp
    who = demo.login(slug, own=True)
    tenant = who.tenant
    section = tenant.text(tenant.config.help.requests.name, "ru")
    page = open_page(device)
    audit = Audit()

    portal.open(page, slug, "/help/contacts")
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Contacts"))
    phone = tenant.contacts(None).phones[0].number
    expect(page.get_by_role("link", name=phone).first).to_be_visible()
    audit.check(page, f"{slug} contacts, logged out")

    portal.open(page, slug, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    portal.menu(page).get_by_role("link", name=section, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(section)
    audit.check(page, f"{slug} requests, none yet")

    page.get_by_role("link", name=portal.t(page, "New request")).click()
    subjects = tenant.config.help.requests.subjects
    page.get_by_label(portal.t(page, "Subject")).select_option(
        label=tenant.text(subjects[0].name, "ru")
    )
    # An empty text first: the form says what is wrong and keeps the subject.
    page.get_by_role("button", name=portal.t(page, "Send the request")).click()
    expect(
        page.get_by_text(portal.t(page, "Please write what you would like to ask."))
    ).to_be_visible()
    audit.check(page, f"{slug} new request, empty text")

    page.get_by_label(portal.t(page, "Your message")).fill(QUESTION)
    page.get_by_label(portal.t(page, "Files (optional)")).set_input_files(
        [{"name": "router.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    page.get_by_role("button", name=portal.t(page, "Send the request")).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("HR-")
    expect(page.get_by_text(QUESTION)).to_be_visible()
    expect(page.get_by_role("link", name="router.png")).to_be_visible()
    expect(_status(page)).to_have_text(portal.t(page, "New"))
    audit.check(page, f"{slug} request sent")
    number = int(heading.inner_text().rsplit("-", 1)[1])

    _answer(app, slug, number)
    # The list says in words that a reply is new, the menu counts it; opening reads it.
    portal.menu(page).get_by_role("link", name=section, exact=True).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"HR-{number:06d}"))
    expect(row.get_by_test_id("new-reply")).to_have_text(portal.t(page, "new reply"))
    expect(portal.menu(page).get_by_test_id("menu-count")).to_contain_text("1")
    audit.check(page, f"{slug} requests, a new reply")
    row.get_by_role("link", name=f"HR-{number:06d}").click()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.get_by_test_id("new-reply")).to_be_visible()
    expect(_status(page)).to_have_text(portal.t(page, "Answered"))
    audit.check(page, f"{slug} request answered")
    page.reload()
    expect(page.get_by_test_id("new-reply")).to_have_count(0)
    expect(page.get_by_test_id("menu-count")).to_have_count(0)
    with app.app_context():
        sent_to = db.session.scalars(sa.select(QueuedMessage.recipient)).all()
    assert sent_to and set(sent_to) <= {who.person.email, _e164(who.person.phone)}

    page.get_by_label(portal.t(page, "Your message")).fill("Спасибо, заработало.")
    page.get_by_role("button", name=portal.t(page, "Send the reply")).click()
    expect(page.get_by_text("Спасибо, заработало.")).to_be_visible()
    expect(_status(page)).to_have_text(portal.t(page, "In progress"))

    page.get_by_role(
        "button", name=portal.t(page, "Close the request: my question is settled")
    ).click()
    expect(_status(page)).to_have_text(portal.t(page, "Closed"))
    audit.check(page, f"{slug} request closed")
    page.get_by_role("button", name=portal.t(page, "Reopen the request")).click()
    expect(_status(page)).to_have_text(portal.t(page, "In progress"))

    page.get_by_role("link", name=section).first.click()
    expect(page.get_by_role("link", name=f"HR-{number:06d}")).to_be_visible()
    audit.check(page, f"{slug} requests, one")
    audit.assert_clean()


def _e164(phone: str | None) -> str | None:
    from app.core.identifiers import e164

    return e164(phone, "RU") if phone else None
