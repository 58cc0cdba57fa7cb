"""«My contracts» on Томтел: linking one person's contracts by password or by an SMS code,
switching between them from the header without a password, unlinking, and what is refused."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import linked
from app.core.devices import LoginEvent, LoginSession
from app.extensions import db
from app.persistence import utcnow
from app.statements.service import forget_charts
from tests.conftest import CSRF_INPUT

ANY_TOKEN = re.compile(r'name="[\w-]*csrf_token"[^>]*value="[^"]+"')

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
OTHER_PASSWORD = "Birch-Forest-1987"
HOST = "tomtel.localhost"
NEUTRAL = "The login or password of that contract is incorrect."
CODE_SENT = "If that contract has a phone on record, we sent a code to it by SMS."


@pytest.fixture
def person(make_subscriber, tenant_client):
    """A Томтел subscriber logged in, and a second contract of theirs with its own cabinet."""
    mine = make_subscriber(
        tenant="tomtel", password=PASSWORD, logins={"account": "701000001"}, surname="Первов"
    )
    other = make_subscriber(
        tenant="tomtel",
        password=OTHER_PASSWORD,
        logins={"account": "701000002", "contract": "700000000002"},
        surname="Второв",
        phone="+79130000002",
    )
    browser = tenant_client(HOST)
    assert browser.login("701000001", PASSWORD).status_code == 302
    return mine, other, browser


def link_by_password(browser, login: str, password: str):
    return browser.form(
        "/contracts/link",
        {"password-login": login, "password-password": password},
        page="/contracts/",
    )


def group_of(app, subscriber_id: int, tenant: str = "tomtel") -> set[int]:
    with app.app_context():
        return set(linked.group_ids(tenant, subscriber_id))


def switch(browser, subscriber_id: int, page: str = "/contracts/"):
    return browser.form(f"/contracts/{subscriber_id}/switch", {}, page=page)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_link_by_password_lists_both_and_tells_the_holder(app, person, sms):
    mine, other, browser = person
    response = link_by_password(browser, "701000002", OTHER_PASSWORD)
    assert response.status_code == 303
    assert group_of(app, mine["id"]) == {mine["id"], other["id"]}
    page = text(browser.get("/contracts/"))
    assert "The contract is linked." in page
    assert "Второв" in page and other["contract"] in page and other["account"] in page
    assert f"/contracts/{other['id']}/switch" in page
    (notice,) = sms("+79130000002")
    assert f"your contract {other['contract']} was linked to another personal account" in notice
    assert "change the password" in notice


def test_any_login_the_tenant_accepts_names_the_contract(app, person):
    mine, other, browser = person
    assert link_by_password(browser, "700000000002", OTHER_PASSWORD).status_code == 303
    assert other["id"] in group_of(app, mine["id"])


def test_a_wrong_password_and_an_unknown_login_read_the_same(app, person):
    mine, _other, browser = person
    wrong = link_by_password(browser, "701000002", "not-the-password")
    unknown = link_by_password(browser, "709999999", OTHER_PASSWORD)
    assert wrong.status_code == unknown.status_code == 422
    for response in (wrong, unknown):
        assert NEUTRAL in text(response)

    # Nothing else on the two pages differs but the forms' tokens (each signed with the
    # second it was made in) and what was typed.
    def bare(response, typed):
        return ANY_TOKEN.sub("", text(response)).replace(typed, "")

    assert bare(wrong, "701000002") == bare(unknown, "709999999")
    assert group_of(app, mine["id"]) == set()


def test_tries_are_limited_even_for_the_right_password_then(app, person):
    mine, _other, browser = person
    for _ in range(5):
        assert link_by_password(browser, "701000002", "not-the-password").status_code == 422
    spent = link_by_password(browser, "701000002", OTHER_PASSWORD)
    assert spent.status_code == 429
    assert "Too many attempts. Please try again in" in text(spent)
    assert group_of(app, mine["id"]) == set()


def test_the_limit_counts_per_asking_cabinet_whatever_the_login(app, person):
    _mine, _other, browser = person
    for n in range(5):
        link_by_password(browser, f"70900000{n}", "whatever-it-is")
    assert link_by_password(browser, "701000002", OTHER_PASSWORD).status_code == 429


def test_link_by_a_code_sent_to_the_contracts_phone(app, person, sms):
    mine, other, browser = person
    sent = browser.form("/contracts/code", {"code-login": "701000002"}, page="/contracts/")
    assert sent.status_code == 303 and sent.headers["Location"] == "/contracts/code"
    page = text(browser.get("/contracts/code"))
    assert CODE_SENT in page and "0000002" not in page  # the phone is not shown, not even masked
    (message,) = sms("+79130000002")
    assert other["contract"] in message
    code = re.search(r"\b(\d{6})\b", message).group(1)
    wrong = browser.form("/contracts/code/confirm", {"code": "000000"}, page="/contracts/code")
    assert wrong.status_code == 422 and "The code is incorrect." in text(wrong)
    right = browser.form("/contracts/code/confirm", {"code": code}, page="/contracts/code")
    assert right.status_code == 303
    assert group_of(app, mine["id"]) == {mine["id"], other["id"]}
    with app.app_context():
        proof = db.session.scalar(
            sa.select(linked.CabinetLink.proof).where(
                linked.CabinetLink.subscriber_id == other["id"]
            )
        )
    assert proof == "code"


def test_a_code_for_a_login_that_names_nobody_looks_the_same(app, person, sms):
    mine, _other, browser = person
    sent = browser.form("/contracts/code", {"code-login": "709999999"}, page="/contracts/")
    assert sent.status_code == 303 and sent.headers["Location"] == "/contracts/code"
    assert CODE_SENT in text(browser.get("/contracts/code"))
    for code in ("000000", "123456"):
        response = browser.form("/contracts/code/confirm", {"code": code}, page="/contracts/code")
        assert response.status_code == 422
    assert group_of(app, mine["id"]) == set()


def test_a_code_asked_by_one_cabinet_links_nothing_for_another(
    app, person, make_subscriber, tenant_client, sms
):
    _mine, other, browser = person
    browser.form("/contracts/code", {"code-login": "701000002"}, page="/contracts/")
    code = re.search(r"\b(\d{6})\b", sms("+79130000002")[0]).group(1)
    with browser.session_transaction() as state:
        handle = state["cabinets_link_code"]
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701000009"})
    thief = tenant_client(HOST)
    thief.login("701000009", PASSWORD)
    with thief.session_transaction() as state:
        state["cabinets_link_code"] = handle
    response = thief.form("/contracts/code/confirm", {"code": code}, page="/contracts/code")
    assert response.status_code == 422
    assert group_of(app, other["id"]) == set()


def test_linking_yourself_is_refused(app, person):
    mine, _other, browser = person
    link_by_password(browser, "701000001", PASSWORD)
    assert "This is the contract you are logged in to." in text(browser.get("/contracts/"))
    by_code = browser.form("/contracts/code", {"code-login": "701000001"}, page="/contracts/")
    assert by_code.status_code == 422
    assert group_of(app, mine["id"]) == set()


def test_the_shared_demo_account_is_refused_on_either_side(
    app, person, make_subscriber, tenant_client
):
    mine, _other, browser = person
    demo = make_subscriber(
        tenant="tomtel", password="demo-demo-demo", logins={"account": "12345"}, shared_demo=True
    )
    link_by_password(browser, "12345", "demo-demo-demo")
    page = text(browser.get("/contracts/"))
    assert "The shared demo account cannot be linked with other contracts." in page
    assert group_of(app, mine["id"]) == set()
    visitor = tenant_client(HOST)
    assert visitor.login("12345", "demo-demo-demo").status_code == 302
    page = text(visitor.get("/contracts/"))
    assert "it cannot be linked with other contracts" in page
    refused = link_by_password(visitor, "701000002", OTHER_PASSWORD)
    assert refused.status_code == 403
    assert group_of(app, demo["id"]) == set()


def test_no_more_than_max_linked(app, person, make_subscriber):
    mine, other, browser = person
    limit = app.extensions["tenancy"].tenants["tomtel"].config.profile.linked_cabinets.max_linked
    for n in range(limit):
        make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": f"70200000{n}"})
    for n in range(limit):
        assert link_by_password(browser, f"70200000{n}", PASSWORD).status_code == 303
    assert len(group_of(app, mine["id"])) == limit + 1
    assert "No more contracts can be linked" in text(browser.get("/contracts/"))
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    assert other["id"] not in group_of(app, mine["id"])


def test_another_tenants_login_links_nothing(app, person, make_subscriber):
    mine, _other, browser = person
    make_subscriber(tenant="acme", password=PASSWORD, logins={"account": "701000077"})
    response = link_by_password(browser, "701000077", PASSWORD)
    assert response.status_code == 422 and NEUTRAL in text(response)
    assert group_of(app, mine["id"]) == set()


def test_groups_merge_when_one_person_proved_both(app, person, make_subscriber, tenant_client):
    mine, other, browser = person
    third = make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701000003"})
    fourth = make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701000004"})
    assert link_by_password(browser, "701000002", OTHER_PASSWORD).status_code == 303
    elsewhere = tenant_client(HOST)
    elsewhere.login("701000003", PASSWORD)
    assert link_by_password(elsewhere, "701000004", PASSWORD).status_code == 303
    assert link_by_password(browser, "701000003", PASSWORD).status_code == 303
    everyone = {mine["id"], other["id"], third["id"], fourth["id"]}
    assert group_of(app, fourth["id"]) == everyone


def test_switch_opens_the_other_contract_without_a_password(app, person):
    mine, other, browser = person
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    response = switch(browser, other["id"], page="/")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    dashboard = text(browser.get("/"))
    assert other["account"] in dashboard and "Второв" in dashboard
    assert "You are now in the personal account of another contract." in dashboard
    # And back again, from the header of the other contract's page.
    assert switch(browser, mine["id"], page="/").status_code == 303
    assert "Первов" in text(browser.get("/"))


def test_switch_is_recorded_and_ends_the_old_session(app, person):
    _mine, other, browser = person
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    switch(browser, other["id"])
    with app.app_context():
        sessions = db.session.execute(sa.select(LoginSession.subscriber_id, LoginSession.method))
        assert sorted(sessions) == [(other["id"], "switch")]
        events = db.session.scalars(
            sa.select(LoginEvent.method).where(LoginEvent.subscriber_id == other["id"])
        ).all()
    assert "switch" in events
    assert "Switched from a linked contract" in text(browser.get("/security/"))


def test_switch_to_a_cabinet_not_in_the_group_is_refused(
    app, person, make_subscriber, tenant_client
):
    mine, other, browser = person
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    stranger = make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701000005"})
    foreign = make_subscriber(tenant="acme", password=PASSWORD, logins={"account": "701000006"})
    for target in (stranger["id"], foreign["id"], mine["id"]):
        response = switch(browser, target)
        assert response.status_code == 403, target
        assert "not linked with the one you are logged in to" in text(response)
    assert "Первов" in text(browser.get("/"))  # still in their own cabinet
    # A cabinet of the group cannot reach one of another group either.
    elsewhere = tenant_client(HOST)
    elsewhere.login("701000005", PASSWORD)
    assert switch(elsewhere, other["id"]).status_code == 403


def test_after_unlinking_the_old_page_switches_no_more(app, person):
    mine, other, browser = person
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    old_page = text(browser.get("/contracts/"))
    token = CSRF_INPUT.search(old_page).group(1)
    unlinked = browser.form(f"/contracts/{other['id']}/unlink", {}, page="/contracts/")
    assert unlinked.status_code == 303
    assert group_of(app, mine["id"]) == set()  # a group of one is no group
    response = browser.post(f"/contracts/{other['id']}/switch", data={"csrf_token": token})
    assert response.status_code == 403
    assert "Первов" in text(browser.get("/"))


def test_unlinking_the_current_cabinet_from_its_group(app, person, make_subscriber):
    mine, other, browser = person
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701000003"})
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    link_by_password(browser, "701000003", PASSWORD)
    unlinked = browser.form(f"/contracts/{mine['id']}/unlink", {}, page="/contracts/")
    assert unlinked.status_code == 303
    assert group_of(app, mine["id"]) == set()
    assert len(group_of(app, other["id"])) == 2
    assert switch(browser, other["id"]).status_code == 403


def test_a_stranger_cannot_unlink_someone_elses_group(app, person, make_subscriber, tenant_client):
    mine, other, browser = person
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701000005"})
    stranger = tenant_client(HOST)
    stranger.login("701000005", PASSWORD)
    response = stranger.form(f"/contracts/{other['id']}/unlink", {}, page="/contracts/")
    assert response.status_code == 403
    assert group_of(app, mine["id"]) == {mine["id"], other["id"]}


def test_the_switched_session_has_not_proved_the_password(app, person):
    _mine, other, browser = person
    assert 'data-testid="passkey-confirm"' not in text(browser.get("/passkeys/"))
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    switch(browser, other["id"])
    page = text(browser.get("/passkeys/"))
    assert 'data-testid="passkey-confirm"' in page and "data-passkey-register" not in page
    token = CSRF_INPUT.search(page).group(1)
    # Its own password proves it; the first cabinet's does not.
    browser.post("/passkeys/confirm", data={"csrf_token": token, "password": PASSWORD})
    assert 'data-testid="passkey-confirm"' in text(browser.get("/passkeys/"))
    browser.post("/passkeys/confirm", data={"csrf_token": token, "password": OTHER_PASSWORD})
    assert "data-passkey-register" in text(browser.get("/passkeys/"))


def test_switching_keeps_the_absolute_limit_of_the_login(app, person):
    _mine, other, browser = person
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    began = utcnow() - timedelta(hours=3)
    with app.app_context():
        db.session.execute(sa.update(LoginSession).values(created_at=began))
        db.session.commit()
    switch(browser, other["id"])
    with app.app_context():
        (started,) = db.session.scalars(sa.select(LoginSession.created_at)).all()
    assert abs(started - began) < timedelta(seconds=1)
    absolute = app.config["PORTAL_SESSION_ABSOLUTE"]
    with app.app_context():
        db.session.execute(sa.update(LoginSession).values(created_at=utcnow() - absolute))
        db.session.commit()
    # Past the first login's absolute limit, switching back and forth opens nothing.
    assert browser.get("/").status_code == 302


def test_the_header_offers_the_switch_only_to_a_linked_cabinet(app, person):
    _mine, other, browser = person
    assert "Switch contract" not in text(browser.get("/"))
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    page = text(browser.get("/"))
    assert "Switch contract" in page
    assert f'action="/contracts/{other["id"]}/switch"' in page
    assert other["contract"] in page


def _statements(app, browser, path: str = "/") -> list[str]:
    # Each request draws its chart afresh, so the counts compare like with like.
    forget_charts()
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        assert browser.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return seen


def test_an_unlinked_cabinet_pays_no_query_for_the_switch(app, person):
    _mine, other, browser = person
    before = _statements(app, browser)
    about_links = [s for s in before if "cabinet_link" in s]
    # Only the session's own query asks, as one EXISTS column.
    assert len(about_links) == 1 and "login_session" in about_links[0]
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    after = _statements(app, browser)
    # Linked, the header's list costs its queries; unlinked again, the page is as before.
    assert len(after) > len(before)
    browser.form(f"/contracts/{other['id']}/unlink", {}, page="/contracts/")
    assert len(_statements(app, browser)) == len(before)


def test_the_page_is_not_offered_where_the_isp_does_not(make_subscriber, tenant_client):
    make_subscriber(tenant="acme", password=PASSWORD, logins={"account": "701000011"})
    browser = tenant_client("acme.localhost")
    browser.login("701000011", PASSWORD)
    assert browser.get("/contracts/").status_code == 404
    assert "My contracts" not in text(browser.get("/"))


def test_the_menu_offers_the_page_on_tomtel(person):
    _mine, _other, browser = person
    assert 'href="/contracts/"' in text(browser.get("/"))


def test_a_new_password_of_the_linked_contract_unlinks_it(app, person, tenant_client):
    mine, other, browser = person
    link_by_password(browser, "701000002", OTHER_PASSWORD)
    holder = tenant_client(HOST)
    assert holder.login("701000002", OTHER_PASSWORD).status_code == 302
    changed = holder.form(
        "/password",
        {"current": OTHER_PASSWORD, "new": "Quiet-Meadow-4417", "confirm": "Quiet-Meadow-4417"},
    )
    assert changed.status_code == 302
    # Whoever linked it knowing the old password reaches it no more.
    assert group_of(app, mine["id"]) == set()
    assert switch(browser, other["id"]).status_code == 403
