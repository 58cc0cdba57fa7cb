"""Every URL that names something of a subscriber's is theirs alone, and no GET changes state.

The routes come from app.url_map and the values tried in them from the database: every id,
number and reference of one subscriber's rows is put into every parameter of every route,
by a second subscriber of the same ISP, by a subscriber of another ISP and by a visitor of
Томтел who has not logged in. Nothing of the first subscriber may show, and nothing may
change.

The chat's conversations are opened by a token in the browser's session, not by a login,
so each rule that keeps a stranger out has a stranger of its own: the neighbour holds the
owner's chat token (as from a copied cookie) and only the subscriber rule stops them; the
same neighbour holding the token of a Томтел visitor's chat, which has no subscriber, is
stopped only by the tenant rule; the Томтел visitor holds no token at all. A chat URL that
is not theirs is a 404, whatever the reason.
"""

from datetime import UTC, datetime

import pytest

from app.chat import service as chat_service
from tests.conftest import CSRF_INPUT
from tests.passkey_authenticator import SoftAuthenticator
from tests.web.help_steps import number_of, open_request
from tests.web.options_steps import switch_on
from tests.web.passkey_steps import add_passkey
from tests.web.test_payments_card import start_card_payment
from tests.web.test_payments_support import pay_with_card
from tests.web.test_transfers import send, tiny_png

from .surface import CHANGING, database_state, endpoint_of, surface, url

PASSWORD = "Sunny-Garden-77"
OWNER_NAME = "Владелецтайны"
# Parameters that are not owned things: the bank's own pages are reached by an unguessable
# operation id (a real acquirer's page is public the same way), a recovery link by its
# token, and files and provider names belong to nobody.
NOT_OWNED = {"operation_id", "token", "provider", "filename", "code"}
NOT_FOUND_OR_AWAY = {302, 303, 403, 404}
# Blueprints whose owned URLs answer a stranger 404 and nothing else: not even a 403 tells
# that the conversation exists.
ONLY_NOT_FOUND = {"chat"}
CHAT_ROUTES = {
    "/help/chat/<int:conversation_id>",
    "/help/chat/<int:conversation_id>/messages",
    "/help/chat/<int:conversation_id>/send",
    "/help/chat/<int:conversation_id>/end",
}
# 12:00 in Saint Petersburg: At Home's consultants answer 10:00–21:00.
CHAT_OPEN = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(app, make_subscriber, tenant_client, monkeypatch, tmp_path):
    """An athome subscriber with a paid and a pending card payment, a statement, a
    transfer request, a help request with a file, a passkey, the Turbo button on and a
    chat; a chat of a tomtel visitor who never logged in; a second athome subscriber and a
    tomtel one with nothing; and two linked tomtel contracts of the owner's."""
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", 0)
    monkeypatch.setattr(chat_service, "now", lambda: CHAT_OPEN)
    owner = make_subscriber(
        tenant="athome",
        password=PASSWORD,
        logins={"login": "owner-idor"},
        surname=OWNER_NAME,
        email="owner@example.ru",
        phone="+79215554317",
    )
    browser = tenant_client("athome.localhost")
    browser.set_cookie("lang", "en", domain=browser.host)
    assert browser.login("owner-idor", PASSWORD).status_code == 302
    pay_with_card(browser, start_card_payment(browser, "700"))
    start_card_payment(browser, "300")  # left pending on the bank's page
    assert send(browser, tiny_png(), "receipt.png").status_code == 302
    asked = open_request(browser, f"{OWNER_NAME}: a question", files=[(tiny_png(), "a.png")])
    assert number_of(asked) == 1
    assert add_passkey(browser, SoftAuthenticator(), name="owner-key").status_code == 200
    assert switch_on(browser, "turbo", owner["account"])[1].status_code == 302
    chats = {"owner": _start_chat(browser, f"{OWNER_NAME}: my chat")}
    visitor = tenant_client("tomtel.localhost")
    visitor.set_cookie("lang", "en", domain=visitor.host)
    chats["visitor"] = _start_chat(visitor, f"{OWNER_NAME}: a chat without login", OWNER_NAME)
    # Nothing of their own: not even a service point, whose id would open their own page.
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "neighbour"}, tariffs=())
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "555000999"}, tariffs=())
    _linked_tomtel_pair(make_subscriber, tenant_client)
    return {"owner": owner, "browser": browser, "chats": chats, "values": _values_in(app)}


def _start_chat(browser, text: str, name: str = "Owner") -> list:
    """Start a chat in this browser; the [id, token] its session holds."""
    started = browser.form("/help/chat", {"name": name, "text": text})
    assert started.status_code == 303, started.get_data(as_text=True)
    with browser.session_transaction() as session:
        return session["chat"][browser.host.split(".")[0]]


def _linked_tomtel_pair(make_subscriber, tenant_client) -> None:
    """Two Томтел contracts of the owner, linked: their ids open a switch and an unlink
    for the owner alone."""
    for account in ("555000111", "555000222"):
        make_subscriber(
            tenant="tomtel", password=PASSWORD, logins={"account": account}, surname=OWNER_NAME
        )
    browser = tenant_client("tomtel.localhost")
    assert browser.login("555000111", PASSWORD).status_code == 302
    linked = browser.form(
        "/contracts/link",
        {"password-login": "555000222", "password-password": PASSWORD},
        page="/contracts/",
    )
    assert linked.status_code == 303


def _values_in(app) -> dict[str, set]:
    """Every integer and short text of every row: the candidates for an owned thing's key."""
    ints, texts = set(), set()
    for rows in database_state(app).values():
        for row in rows:
            for value in row:
                if isinstance(value, bool):
                    continue
                if isinstance(value, int) and 0 < value < 2**31:
                    ints.add(value)
                elif isinstance(value, str) and 0 < len(value) <= 80 and "/" not in value:
                    texts.add(value)
    return {"int": ints, "default": texts | {str(i) for i in ints}}


def _owned_routes(app):
    for rule, method, params in surface(app):
        names = {name for _, name in params}
        if names and not names & NOT_OWNED:
            yield rule, method, params


def _stranger(tenant_client, host: str, login: str | None, chat: list | None):
    """A browser on host, logged in as login (None: a visitor), holding this chat's
    [id, token] if any; and a CSRF token of its session."""
    browser = tenant_client(host)
    browser.set_cookie("lang", "en", domain=host)
    if login is not None:
        assert browser.login(login, PASSWORD).status_code == 302
    if chat is not None:
        with browser.session_transaction() as session:
            session["chat"] = {host.split(".")[0]: chat}
    page = browser.get("/password" if login else "/login").text
    return browser, CSRF_INPUT.search(page).group(1)


def _allowed(app, rule: str) -> set[int]:
    blueprint = endpoint_of(app, rule).partition(".")[0]
    return {404} if blueprint in ONLY_NOT_FOUND else NOT_FOUND_OR_AWAY


def test_owned_routes_are_found(app):
    endpoints = {rule for rule, _, _ in _owned_routes(app)}
    assert {
        "/transfers/<int:number>",
        "/payments/result/<reference>",
        "/passkeys/<int:passkey_id>/remove",
        "/my-services/activations/<int:activation_id>/stop",
        "/help/requests/<int:number>",
        "/help/requests/<int:number>/reopen",
        "/help/attachments/<int:attachment_id>",
        "/contracts/<int:subscriber_id>/switch",
        "/contracts/<int:subscriber_id>/unlink",
        *CHAT_ROUTES,
    } <= endpoints
    # Every chat URL that names something is swept: a new one cannot slip by.
    named = {
        r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("chat.") and r.arguments
    }
    assert {rule for rule in named if rule not in CHAT_ROUTES} == {
        "/help/chat-static/<path:filename>"
    }


@pytest.mark.parametrize(
    ("host", "login", "holding"),
    [
        ("athome.localhost", "neighbour", "owner"),
        ("athome.localhost", "neighbour", "visitor"),
        ("tomtel.localhost", "555000999", "owner"),
        ("tomtel.localhost", None, None),
    ],
)
def test_nothing_of_the_owner_opens_for_anyone_else(
    app, world, tenant_client, host, login, holding
):
    held = world["chats"][holding] if holding else None
    stranger, token = _stranger(tenant_client, host, login, held)
    before = database_state(app)
    leaks = []
    for rule, method, params in _owned_routes(app):
        (converter, name), *more = params
        assert not more, f"{rule}: teach this test about several parameters"
        allowed = _allowed(app, rule)
        for value in sorted(world["values"][converter], key=str):
            path = url(rule, {name: value})
            if method in CHANGING:
                response = stranger.open(path, method=method, data={"csrf_token": token})
            else:
                response = stranger.get(path)
            # A not-found page may repeat the address asked for; that tells nothing.
            body = response.get_data(as_text=True).replace(str(value), "")
            if response.status_code not in allowed or OWNER_NAME in body:
                leaks.append(f"{method} {path}: {response.status_code}")
    assert not leaks, "\n".join(leaks)
    assert database_state(app) == before


def test_the_owner_opens_them(app, world):
    browser = world["browser"]
    opened, rules = 0, set()
    for rule, method, params in _owned_routes(app):
        (converter, name), *_ = params
        if method != "GET":
            continue
        for value in world["values"][converter]:
            if browser.get(url(rule, {name: value})).status_code == 200:
                opened += 1
                rules.add(rule)
    # Both payments' result lines, the transfer request, the help request and its file,
    # the chat and its feed: the strangers' 404 there is the ownership rule, not a closed
    # or switched-off chat.
    assert opened >= 7
    assert {r for r in CHAT_ROUTES if r.endswith(("<int:conversation_id>", "/messages"))} <= rules


def test_no_get_changes_anything(app, world):
    """Every GET route, with every candidate value, logged in and out, leaves the data as it was."""
    browser = world["browser"]
    anonymous = type(browser)(app, browser.response_wrapper, use_cookies=True)
    anonymous.host = browser.host
    before = database_state(app)
    for rule, method, params in surface(app):
        if method != "GET" or any(c == "path" for c, _ in params):
            continue
        choices = (
            [{}]
            if not params
            else [{params[0][1]: v} for v in sorted(world["values"][params[0][0]], key=str)]
        )
        for values in choices:
            for who in (browser, anonymous):
                response = who.get(url(rule, values))
                response.get_data()
                assert response.status_code < 500, (rule, values)
    changed = {t for t, rows in database_state(app).items() if rows != before[t]}
    assert not changed, f"a GET changed {sorted(changed)}"
