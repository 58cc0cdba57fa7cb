"""Requests to the ISP's staff: opening one with files, the thread, statuses, the notice."""

import pytest
import sqlalchemy as sa

from app.core.uploads import uploads_root
from app.extensions import db
from app.help import service
from app.help.models import HelpAttachment, HelpMessage, HelpRequest
from app.notify.models import QueuedMessage
from tests.conftest import CSRF_INPUT
from tests.web.help_steps import HTML, PDF, multipart, number_of, open_request, page_text
from tests.web.test_transfers import tiny_png

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
TYPED = "Интернет пропадает каждый вечер после 21:00, роутер перезагружал"


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(folder))
    return folder


@pytest.fixture
def owner(make_subscriber):
    return make_subscriber(
        tenant="netbynet",
        password=PASSWORD,
        logins={"contract": "NB-100200"},
        email="owner@example.ru",
        phone="+79215554317",
        locale="ru",
    )


@pytest.fixture
def browser(tenant_client, owner, uploads):
    client = tenant_client("netbynet.localhost")
    assert client.login("NB-100200", PASSWORD).status_code == 302
    return client


def rows(app, model):
    with app.app_context():
        found = db.session.scalars(sa.select(model).order_by(model.id)).all()
        db.session.expunge_all()
        return found


def answer(app, number: int, text="Перезагрузите роутер и проверьте кабель.", slug="netbynet"):
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants[slug]
        service.staff_reply(tenant, number, text, "operator-1", uploads_root(app))
        db.session.commit()


def status_of(browser, number: int) -> str:
    page = browser.get(f"/help/requests/{number}").get_data(as_text=True)
    return page.split('data-testid="request-status">', 1)[1].split('data-status="', 1)[1][:20]


def test_a_request_with_a_picture_and_a_pdf_is_filed_and_listed(app, browser, uploads):
    response = open_request(browser, TYPED, files=[(tiny_png(), "router.png"), (PDF, "act.pdf")])
    assert response.status_code == 302
    number = number_of(response)
    page = page_text(browser.get(f"/help/requests/{number}"))
    assert f"Request HR-{number:06d}" in page
    assert TYPED in page and "router.png" in page and "act.pdf" in page
    assert 'data-status="new"' in page
    listing = page_text(browser.get("/help/requests"))
    assert f"HR-{number:06d}" in listing and "Technical question" in listing
    stored = rows(app, HelpAttachment)
    assert [a.content_type for a in stored] == ["image/png", "application/pdf"]
    # Outside the web root, under random names that keep nothing of the subscriber's.
    files = sorted(p.name for p in (uploads / "netbynet").iterdir())
    assert len(files) == 2 and not {"router.png", "act.pdf"} & set(files)
    assert not str(uploads).startswith(app.static_folder)


def test_a_png_named_pdf_is_kept_as_the_picture_it_is(app, browser, uploads):
    response = open_request(browser, TYPED, files=[(tiny_png(), "scan.pdf")])
    assert response.status_code == 302
    (stored,) = rows(app, HelpAttachment)
    assert stored.content_type == "image/png" and stored.file_path.endswith(".png")
    download = browser.get(f"/help/attachments/{stored.id}")
    assert download.mimetype == "image/png"


@pytest.mark.parametrize(
    ("content", "name"),
    [(HTML, "photo.png"), (b"MZ\x90\x00" + b"\x00" * 60, "scan.pdf"), (b"just text", "a.jpg")],
    ids=["html-named-png", "exe-named-pdf", "text-named-jpg"],
)
def test_a_file_that_is_not_a_picture_or_pdf_is_refused_and_the_text_kept(
    app, browser, uploads, content, name
):
    response = open_request(browser, TYPED, files=[(content, name)])
    assert response.status_code == 200
    page = page_text(response)
    assert f"«{name}» is not one of the files we accept" in page
    assert TYPED in page
    assert rows(app, HelpRequest) == [] and not uploads.exists()


def test_a_file_over_the_tenants_size_is_refused_with_a_clear_message(app, browser, uploads):
    big = tiny_png() + b"\x00" * (5 * 1024 * 1024)
    response = open_request(browser, TYPED, files=[(big, "huge.png")])
    assert response.status_code == 200
    page = page_text(response)
    assert "«huge.png» is larger than 5 MB" in page and TYPED in page
    assert rows(app, HelpRequest) == []


def test_more_files_than_the_tenant_allows_are_refused(app, browser, uploads):
    files = [(tiny_png(), f"{n}.png") for n in range(4)]
    response = open_request(browser, TYPED, files=files)
    assert response.status_code == 200
    page = page_text(response)
    assert "You may attach at most 3 files." in page and TYPED in page
    assert rows(app, HelpRequest) == []


def test_a_body_over_every_limit_returns_to_the_form_with_a_message(app, browser, uploads):
    # Past the largest body any ISP's limits allow (Электронный город: 5 files of 8 MB).
    huge = bytes(50 * 1024 * 1024)
    response = open_request(browser, TYPED, files=[(huge, "a.png")])
    assert response.status_code == 303
    page = page_text(browser.get(response.headers["Location"]))
    assert "too large together, so nothing was sent" in page


def test_empty_and_too_long_texts_are_named(app, browser, uploads):
    page = page_text(open_request(browser, "   "))
    assert "Please write what you would like to ask." in page
    long_text = "Очень длинно. " * 400
    response = open_request(browser, long_text)
    page = page_text(response)
    assert "at most 4000 fit" in page
    assert long_text.strip() in page  # nothing typed is lost
    assert rows(app, HelpRequest) == []


def test_good_files_must_be_chosen_again_when_the_text_is_wrong(browser, uploads):
    page = page_text(open_request(browser, "", files=[(tiny_png(), "ok.png")]))
    assert "Please choose the files again" in page


def test_a_subject_not_offered_is_refused(app, browser, uploads):
    response = open_request(browser, TYPED, subject="nonsense")
    assert response.status_code == 200
    assert rows(app, HelpRequest) == []


def test_the_subjects_are_the_tenants_own_in_the_page_language(tenant_client, browser):
    page = page_text(browser.get("/help/requests/new"))
    assert "Voluntary block" in page and "Feedback" in page
    browser.set_cookie("lang", "ru", domain=browser.host)
    page = page_text(browser.get("/help/requests/new"))
    assert "Добровольная блокировка" in page and "Обратная связь" in page


def test_staff_reply_is_shown_and_mailed_in_the_subscribers_language(app, browser, uploads):
    number = number_of(open_request(browser, TYPED))
    answer(app, number)
    page = page_text(browser.get(f"/help/requests/{number}"))
    assert "Перезагрузите роутер и проверьте кабель." in page
    assert 'data-status="answered"' in page
    assert "operator-1" not in page  # staff logins stay inside
    (notice,) = rows(app, QueuedMessage)
    assert (notice.channel, notice.recipient) == ("email", "owner@example.ru")
    # The subscriber's own language (ru), not the page's (en) or the operator's.
    assert f"HR-{number:06d}" in notice.subject and "ответ" in notice.subject.lower()
    assert f"https://netbynet.localhost/help/requests/{number}" in notice.body
    assert "Перезагрузите" not in notice.body  # the answer itself stays behind the login


def test_without_an_email_the_notice_goes_by_sms(app, make_subscriber, tenant_client, uploads):
    make_subscriber(
        tenant="netbynet", password=PASSWORD, logins={"contract": "NB-7"}, phone="+79215550000"
    )
    client = tenant_client("netbynet.localhost")
    assert client.login("NB-7", PASSWORD).status_code == 302
    number = number_of(open_request(client, TYPED))
    answer(app, number)
    (notice,) = rows(app, QueuedMessage)
    assert (notice.channel, notice.recipient) == ("sms", "+79215550000")
    assert f"HR-{number:06d}" in notice.body


def test_the_thread_statuses_close_and_reopen(app, browser, uploads):
    number = number_of(open_request(browser, TYPED))
    answer(app, number)
    assert status_of(browser, number).startswith("answered")
    reply = multipart(
        browser,
        f"/help/requests/{number}/reply",
        {"text": "Не помогло"},
        files=[(PDF, "speedtest.pdf")],
        page=f"/help/requests/{number}",
    )
    assert reply.status_code == 303
    assert status_of(browser, number).startswith("in_progress")
    page = page_text(browser.get(f"/help/requests/{number}"))
    assert page.index(TYPED) < page.index("Перезагрузите") < page.index("Не помогло")
    assert "speedtest.pdf" in page
    assert _press(browser, number, "close").status_code == 303
    assert status_of(browser, number).startswith("closed")
    refused = multipart(
        browser,
        f"/help/requests/{number}/reply",
        {"text": "ещё"},
        page=f"/help/requests/{number}",
    )
    assert refused.status_code == 303
    assert "Reopen it to write again" in page_text(browser.get(f"/help/requests/{number}"))
    assert [m.text for m in rows(app, HelpMessage)][-1] == "Не помогло"
    assert _press(browser, number, "reopen").status_code == 303
    assert status_of(browser, number).startswith("in_progress")


def test_a_request_never_answered_reopens_as_new(browser, uploads):
    number = number_of(open_request(browser, TYPED))
    _press(browser, number, "close")
    _press(browser, number, "reopen")
    assert status_of(browser, number).startswith("new")


def test_a_reply_with_empty_text_is_named_and_files_kept_out(app, browser, uploads):
    number = number_of(open_request(browser, TYPED))
    response = multipart(
        browser, f"/help/requests/{number}/reply", {"text": ""}, page=f"/help/requests/{number}"
    )
    assert response.status_code == 200
    assert "Please write what you would like to ask." in page_text(response)
    assert len(rows(app, HelpMessage)) == 1


def _press(browser, number: int, action: str):
    page = browser.get(f"/help/requests/{number}").get_data(as_text=True)
    token = CSRF_INPUT.search(page).group(1)
    return browser.post(f"/help/requests/{number}/{action}", data={"csrf_token": token})


def test_opening_is_rate_limited_with_the_text_kept(app, browser, uploads):
    for _ in range(5):  # netbynet's open_limit: the schema's 5 per hour
        assert open_request(browser, TYPED).status_code == 302
    response = open_request(browser, "Шестой раз")
    assert response.status_code == 429
    page = page_text(response)
    assert "Please try again in" in page and "Шестой раз" in page
    assert len(rows(app, HelpRequest)) == 5


def test_pages_need_a_login_but_contacts_do_not(tenant_client):
    client = tenant_client("netbynet.localhost")
    for path in ("/help/requests", "/help/requests/new", "/help/requests/1", "/help/attachments/1"):
        assert client.get(path).status_code == 302, path
    assert client.get("/help/contacts").status_code == 200


def test_cli_lists_and_answers(app, browser, uploads):
    number = number_of(open_request(browser, TYPED))
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["help", "list", "--tenant", "netbynet"])
    assert listed.exit_code == 0 and f"HR-{number:06d}  netbynet  new  technical" in listed.output
    taken = runner.invoke(args=["help", "status", f"HR-{number:06d}", "in_progress"])
    assert taken.exit_code == 0, taken.output
    assert status_of(browser, number).startswith("in_progress")
    replied = runner.invoke(args=["help", "reply", str(number), "--text", "Мастер приедет завтра"])
    assert replied.exit_code == 0, replied.output
    assert "Мастер приедет завтра" in page_text(browser.get(f"/help/requests/{number}"))
    assert status_of(browser, number).startswith("answered")
    assert [m.channel for m in rows(app, QueuedMessage)] == ["email"]
    unknown = runner.invoke(args=["help", "reply", "999", "--text", "x"])
    assert unknown.exit_code != 0 and "no help request" in unknown.output


def test_menu_names_the_section_as_the_isp_does(tenant_client, browser, make_subscriber):
    assert 'href="/help/requests">Feedback<' in browser.get("/").get_data(as_text=True)
    make_subscriber(tenant="novotelecom", password=PASSWORD, logins={"contract": "EG-1"})
    client = tenant_client("novotelecom.localhost")
    assert client.login("EG-1", PASSWORD).status_code == 302
    assert 'href="/help/requests">Free help<' in client.get("/").get_data(as_text=True)


def test_files_together_over_the_servers_usual_limit_are_taken(app, browser, uploads):
    # Three files of 4 MB: more than the 10 MB the rest of the portal accepts in one body.
    files = [(PDF + bytes(4 * 1024 * 1024), f"scan-{n}.pdf") for n in range(3)]
    assert app.config["MAX_CONTENT_LENGTH"] < 3 * 4 * 1024 * 1024
    assert open_request(browser, TYPED, files=files).status_code == 302
    assert len(rows(app, HelpAttachment)) == 3


def test_without_email_or_phone_the_answer_waits_in_the_cabinet(
    app, make_subscriber, tenant_client, uploads
):
    make_subscriber(tenant="netbynet", password=PASSWORD, logins={"contract": "NB-9"})
    client = tenant_client("netbynet.localhost")
    assert client.login("NB-9", PASSWORD).status_code == 302
    number = number_of(open_request(client, TYPED))
    answer(app, number)
    assert rows(app, QueuedMessage) == []
    assert "Перезагрузите роутер" in page_text(client.get(f"/help/requests/{number}"))
