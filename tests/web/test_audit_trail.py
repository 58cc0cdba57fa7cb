"""The audit trail: each subscriber action leaves one entry with the right actor; the
subscriber reads their own on the Security page; staff search the ISP's, never another's."""

import re

import pytest
import sqlalchemy as sa

from app.core import audit
from app.core.audit import AuditEntry
from app.extensions import db
from app.payments import service as payments
from app.sandbox import bank
from app.staff.roles import Role
from tests.conftest import ATHOME_PASSWORD
from tests.web import help_steps, options_steps
from tests.web.staff_steps import log_in, make_member
from tests.web.test_payments_callback import URL as NOTIFY_URL
from tests.web.test_payments_callback import body as notification_body
from tests.web.test_profile import NEW_PHONE, _ask_phone, _code

PAGE_LANG = "en"
PASSWORD = "correct horse battery"


def entries(app, action: str | None = None, tenant: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = sa.select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        if tenant:
            query = query.where(AuditEntry.tenant == tenant)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def browser_of(tenant_client, make_subscriber, tenant="acme", **fields):
    facts = make_subscriber(tenant=tenant, password=PASSWORD, **fields)
    client = tenant_client(f"{tenant}.localhost")
    assert client.login(facts["account"], PASSWORD).status_code == 302
    return client, facts


# -- the walk: each action, one entry ------------------------------------------------------


def _login(app, tenant_client, make_subscriber, sms):
    _client, facts = browser_of(tenant_client, make_subscriber)
    return facts["id"], "login.succeeded", "subscriber"


def _password_change(app, tenant_client, make_subscriber, sms):
    client, facts = browser_of(tenant_client, make_subscriber)
    new = "a brand new pass phrase"
    done = client.form("/password", {"current": PASSWORD, "new": new, "confirm": new})
    assert done.status_code == 302, done.text[:2000]
    return facts["id"], "password.changed", "subscriber"


def _contact_change(app, tenant_client, make_subscriber, sms):
    facts = make_subscriber(
        tenant="athome", password=ATHOME_PASSWORD, logins={"login": "audit_walk"}
    )
    client = tenant_client("athome.localhost")
    assert client.login("audit_walk", ATHOME_PASSWORD).status_code == 302
    assert _ask_phone(client).status_code == 302
    code = _code(sms(NEW_PHONE)[0])
    assert client.form("/profile/contact/confirm", {"code": code}).status_code == 302
    return facts["id"], "contact.phone_changed", "subscriber"


def _tariff_order(app, tenant_client, make_subscriber, sms):
    facts = make_subscriber(
        tenant="novotelecom",
        password=PASSWORD,
        tariffs=("domashniy-100",),
        region="nsk",
        balance=100000,
        logins={"contract": "7009001"},
    )
    client = tenant_client("novotelecom.localhost")
    assert client.login("7009001", PASSWORD).status_code == 302
    page = client.get("/services/").text
    point = re.search(r"/services/points/(\d+)/tariff", page).group(1)
    done = client.form(
        f"/services/points/{point}/tariff", {"tariff": "domashniy-500", "timing": "next_month"}
    )
    assert done.status_code == 302, done.text[:2000]
    return facts["id"], "tariff.ordered", "subscriber"


def _option_on(app, tenant_client, make_subscriber, sms):
    client, facts = options_steps.cabinet(make_subscriber, tenant_client, "athome", 50_000)
    _page, done = options_steps.switch_on(client, "turbo", facts["account"])
    assert done.status_code == 302
    return facts["id"], "option.ordered", "subscriber"


def _payment(app, tenant_client, make_subscriber, sms):
    facts = make_subscriber(tenant="athome")
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["athome"]
        method = payments.method_by_code(tenant, "card")
        new = payments.NewPayment(
            facts["account_id"], method, 50000, payer_subscriber_id=facts["id"]
        )
        reference = payments.create_payment(tenant, new).reference
        db.session.commit()
        raw = notification_body(reference)
        headers = {"X-Sandbox-Signature": bank.sign("athome", raw)}
    answer = tenant_client("athome.localhost").post(
        NOTIFY_URL, data=raw, headers=headers | {"Content-Type": "application/json"}
    )
    assert answer.status_code == 200
    return facts["id"], "payment.credited", "system"


def _promised(app, tenant_client, make_subscriber, sms):
    facts = make_subscriber(
        tenant="athome", password=PASSWORD, logins={"login": "audit_promise"}, balance=-500
    )
    client = tenant_client("athome.localhost")
    assert client.login("audit_promise", PASSWORD).status_code == 302
    done = client.form("/promised-payment", {"account": facts["account"]})
    assert done.status_code == 302, done.text[:2000]
    return facts["id"], "promised.taken", "subscriber"


def _help_request(app, tenant_client, make_subscriber, sms):
    facts = make_subscriber(tenant="netbynet", password=PASSWORD, logins={"contract": "NB-901"})
    client = tenant_client("netbynet.localhost")
    assert client.login("NB-901", PASSWORD).status_code == 302
    assert help_steps.open_request(client).status_code in (302, 303)
    return facts["id"], "help.request_opened", "subscriber"


WALK = [
    _login,
    _password_change,
    _contact_change,
    _tariff_order,
    _option_on,
    _payment,
    _promised,
    _help_request,
]


@pytest.mark.parametrize("step", WALK, ids=lambda step: step.__name__.strip("_"))
def test_each_action_leaves_exactly_one_entry_with_its_actor(
    app, tenant_client, make_subscriber, sms, step
):
    subscriber_id, action, actor = step(app, tenant_client, make_subscriber, sms)
    (entry,) = entries(app, action)
    assert entry.subscriber_id == subscriber_id
    assert entry.actor_kind == actor
    if actor == "subscriber":
        assert entry.actor_id == subscriber_id and entry.network == "127.0.0.0/24"
    else:
        assert entry.actor_id is None


def test_a_failed_login_is_no_entry(app, tenant_client, make_subscriber):
    facts = make_subscriber(password=PASSWORD)
    tenant_client("acme.localhost").login(facts["account"], "wrong-password")
    assert [e.action for e in entries(app) if e.subscriber_id == facts["id"]] == ["password.issued"]


def test_logout_is_an_entry(app, tenant_client, make_subscriber):
    client, facts = browser_of(tenant_client, make_subscriber)
    client.form("/logout", {}, page="/")
    (logout,) = entries(app, "logout")
    assert logout.subscriber_id == facts["id"] and logout.actor_kind == "subscriber"


def test_what_the_network_enforces_is_an_entry_besides_the_order(
    app, tenant_client, make_subscriber
):
    client, facts = options_steps.cabinet(make_subscriber, tenant_client, "athome", 50_000)
    options_steps.switch_on(client, "turbo", facts["account"])
    (speed,) = entries(app, "service.speed_changed")
    assert speed.subscriber_id == facts["id"] and speed.actor_kind == "subscriber"
    assert speed.changes()[1]["code"] == "turbo"
    # Stopped early: the subscriber's word and the network's.
    page = client.get("/my-services").text
    activation = re.search(r"/my-services/activations/(\d+)/stop", page).group(1)
    client.form(f"/my-services/activations/{activation}/stop", {}, page="/my-services")
    (stopped,) = entries(app, "option.stopped")
    assert stopped.changes() == ({"code": "turbo", "status": "active"}, {"status": "ended"})
    assert len(entries(app, "service.speed_changed")) == 2


# -- the subscriber's Security page --------------------------------------------------------


def test_the_subscriber_sees_their_own_entries_and_not_anothers(
    app, tenant_client, make_subscriber
):
    mine, me = browser_of(tenant_client, make_subscriber)
    _theirs, other = browser_of(tenant_client, make_subscriber)
    with app.app_context():
        audit.record("acme", "tariff.ordered", subscriber_id=other["id"], after={"tariff": "zzz"})
        staff = audit.Actor("staff", 77, "Мария Операторова", "10.0.0.0/24")
        audit.record("acme", "contact.email_changed", me["id"], after={"email": "x@y.ru"}, by=staff)
        db.session.commit()
    page = mine.get("/security/").text
    section = page[page.index("Who changed what") :]
    assert "Logged in" in section and "E-mail changed" in section and "x@y.ru" in section
    assert "ISP staff member" in section and "Мария" not in page  # the name stays inside
    assert "the system" in section  # the first password, issued by the ISP's system
    assert "zzz" not in page and "Tariff change ordered" not in section
    # The newest first.
    assert section.index("E-mail changed") < section.index("Logged in")


def test_the_page_shows_the_last_fifty_and_links_to_more(app, tenant_client, make_subscriber):
    client, me = browser_of(tenant_client, make_subscriber)
    with app.app_context():
        for n in range(60):
            audit.record("acme", "profile.language_changed", me["id"], after={"language": f"l{n}"})
        db.session.commit()
    page = client.get("/security/").text
    assert page.count("Language changed") == 50 and "l59" in page and "l9<" not in page
    assert 'href="/security/changes?page=2"' in page
    older = client.get("/security/changes?page=2").text
    assert "Language changed" in older and "l0" in older and "l59" not in older


def test_the_changes_page_needs_a_login(tenant_client):
    answer = tenant_client("acme.localhost").get("/security/changes")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


# -- the staff search ----------------------------------------------------------------------


@pytest.fixture
def trail(app, make_subscriber):
    """Entries of two acme subscribers, a staff member and the system, and one of athome."""
    one = make_subscriber(tenant="acme")
    two = make_subscriber(tenant="acme")
    far = make_subscriber(tenant="athome")
    with app.app_context():
        who = audit.Actor("subscriber", one["id"], "Один", "1.2.3.0/24")
        audit.record("acme", "tariff.ordered", one["id"], before={"tariff": "a"}, by=who)
        audit.record("acme", "password.changed", two["id"])
        db.session.commit()
    return {"one": one, "two": two, "far": far}


def search(client, **args) -> str:
    answer = client.get("/staff/audit", query_string=args)
    assert answer.status_code == 200, answer.text[:2000]
    return answer.text


def test_staff_search_filters_and_never_shows_another_tenant(app, tenant_client, trail):
    member = make_member(app, "acme", Role.ADMINISTRATOR)
    client = tenant_client("acme.localhost")
    log_in(app, client, member)
    with app.app_context():
        audit.record("athome", "tariff.ordered", trail["far"]["id"], after={"tariff": "far-away"})
        db.session.commit()
    everything = search(client)
    assert "tariff.ordered" in everything and "password.changed" in everything
    assert "far-away" not in everything
    by_account = search(client, subscriber=trail["one"]["account"])
    assert "tariff.ordered" in by_account and "password.changed" not in by_account
    by_contract = search(client, subscriber=trail["two"]["contract"])
    assert "password.changed" in by_contract and "tariff.ordered" not in by_contract
    by_id = search(client, subscriber=f"#{trail['one']['id']}")
    assert "tariff.ordered" in by_id and "password.changed" not in by_id
    # Another ISP's subscriber is nobody here.
    assert "No subscriber of this ISP" in search(client, subscriber=f"#{trail['far']['id']}")
    assert "password.changed" not in search(client, kind="subscriber")
    assert "tariff.ordered" not in search(client, kind="system")
    assert "tariff." in search(client, action="tariff.")
    assert "password.changed" not in search(client, action="tariff.")
    # The console's own login is the staff member's entry.
    by_member = search(client, member=str(member.id))
    assert "staff.logged_in" in by_member and "tariff.ordered" not in by_member
    assert "No entries match" in search(client, since="2001-01-01", until="2001-01-02")
    assert "tariff.ordered" in search(client, since="2001-01-01")
    # Who, from where, before → after, in the ISP's timezone.
    row = by_account[by_account.index("<tbody") :]
    assert "Один" in row and "1.2.3.0/24" in row and "tariff: a" in row
    assert "Europe/" in everything or "Asia/" in everything


def test_staff_search_pages(app, tenant_client, make_subscriber):
    member = make_member(app, "acme", Role.ADMINISTRATOR)
    one = make_subscriber(tenant="acme")
    with app.app_context():
        for n in range(55):
            audit.record("acme", "profile.language_changed", one["id"], after={"language": f"x{n}"})
        db.session.commit()
    client = tenant_client("acme.localhost")
    log_in(app, client, member)
    first = search(client, action="profile.")
    assert first.count("profile.language_changed") == 50 and "page=2" in first
    second = search(client, action="profile.", page=2)
    assert second.count("profile.language_changed") == 5 and "x0" in second


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ACCOUNTANT])
def test_only_who_may_audit_opens_it(app, tenant_client, role):
    member = make_member(app, "acme", role)
    client = tenant_client("acme.localhost")
    log_in(app, client, member)
    assert client.get("/staff/audit").status_code == 403


# -- every state-changing POST of the cabinet leaves an entry ------------------------------

# Each non-staff POST endpoint and the entries its success leaves (one of them at least).
RECORDS = {
    "auth.login": ("login.succeeded",),
    "auth.logout": ("logout",),
    "auth.change_password": ("password.changed",),
    "recovery.new_password": ("password.reset",),
    "recovery.link": ("password.reset",),
    "recovery.confirm_contact_code": ("contact.phone_confirmed", "contact.email_confirmed"),
    "recovery.switch_off": ("recovery.switched_off",),
    "registration.link": ("password.registered",),
    "profile.confirm_contact": ("contact.phone_changed", "contact.email_changed"),
    "profile.change_login": ("login_name.changed",),
    "set_language": ("profile.language_changed",),
    "notify.choose": ("notices.channel_chosen",),
    "notify.quiet_hours": ("notices.quiet_hours_set",),
    # An e-mail's unsubscribe link turns that notice's e-mail off, as the centre would.
    "notify_public.unsubscribe_confirm": ("notices.channel_chosen",),
    "notify_public.unsubscribe_one_click": ("notices.channel_chosen",),
    "security.end_session": ("session.ended",),
    "security.end_others": ("session.ended_others",),
    "passkeys.register_verify": ("passkey.added",),
    "passkeys.remove": ("passkey.removed",),
    "passkeys.login_verify": ("login.succeeded",),
    "cabinets.link_by_password": ("cabinet.linked",),
    "cabinets.confirm_code": ("cabinet.linked",),
    "cabinets.switch": ("login.switched",),
    "cabinets.unlink": ("cabinet.unlinked",),
    "services.change_tariff": ("tariff.ordered",),
    "services.confirm_code": ("tariff.ordered",),
    "services.cancel_change": ("tariff.cancelled",),
    "options.option_confirm": ("option.ordered", "pause.asked"),
    "options.stop": ("option.stopped", "option.cancelled", "pause.resumed", "pause.cancelled"),
    "options.change_ip": ("option.address_changed",),
    "payments.pay": ("payment.started",),
    "payments.guest_confirm": ("payment.started",),
    "payments.other_confirm": ("payment.started",),
    "payments.notify": ("payment.credited", "payment.failed"),
    "payments.autopay_page": ("autopay.switched_on", "autopay.changed"),
    "payments.autopay_off": ("autopay.switched_off",),
    "payments.autopay_remove_card": ("autopay.card_removed",),
    "billing.promised_take": ("promised.taken",),
    "billing.promised_confirm": ("promised.taken",),
    "transfers.new": ("transfer.asked",),
    "help.new": ("help.request_opened",),
    "help.reply": ("help.replied",),
    "help.close": ("help.closed",),
    "help.reopen": ("help.reopened",),
    "help.visit_new": ("visit.booked",),
    "help.visit_reschedule": ("visit.moved",),
    "help.visit_cancel": ("visit.cancelled",),
    "help.callback_form": ("callback.asked",),
    "chat.start": ("chat.started",),
}

# POST endpoints whose success changes nothing a subscriber holds, and why.
EXEMPT = {
    # A code or link is sent; the change it proves is recorded when it is used.
    "profile.start_phone": "sends a code",
    "profile.start_email": "sends a code",
    # (where the ISP sends a temporary password instead, password.temporary is recorded)
    "recovery.ask": "sends a recovery code or link",
    "recovery.code": "checks the code; the new password it opens is the entry",
    "recovery.confirm_contact_start": "sends a code",
    "registration.start": "sends a registration link",
    "cabinets.send_code": "sends a code",
    "passkeys.confirm_password": "proves the password for the next step only",
    # Challenges for the browser's authenticator: the passkey itself is recorded.
    "passkeys.register_options": "a challenge",
    "passkeys.login_options": "a challenge",
    # A preview to confirm: the order is recorded by the confirming POST.
    "options.option_quote": "a price to confirm",
    "payments.guest": "the payment's details to confirm",
    "payments.other": "the payment's details to confirm",
    # Reads: an archive of the subscriber's data, a notice marked as read.
    "profile.download_data": "a download",
    "news.seen": "a notice marked as read in this browser",
    # The chat keeps each message and its end itself; its start is an entry.
    "chat.send": "a message, kept by the chat",
    "chat.end": "the end of a conversation, kept by the chat",
    # The sandbox bank's own pages stand in for the bank: its callback is the entry.
    "sandbox.pay": "the bank",
    "sandbox.otp": "the bank",
    "sandbox.cancel": "the bank",
    "sandbox.code": "the bank",
    "sandbox.decline": "the bank",
    "sandbox.phone": "the bank",
    # The SMS gateway reports what became of texts sent; no subscriber's setting changes.
    "notify_public.smsru_status": "delivery reports of texts sent",
    # The ISP's network posts usage figures; no subscriber's setting changes.
    "usage.import_usage": "usage records from the ISP's systems",
}


# Codes made of an area and a word: the file that builds them, e.g. f"{area}.{done}".
BUILT = {"option": "options/engine.py", "pause": "options/engine.py"}


def _sources() -> dict[str, str]:
    from pathlib import Path

    import app as package

    root = Path(package.__file__).parent
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in root.rglob("*.py")
        if str(p.relative_to(root)) != "audit_feed/service.py"  # words for each code, no record
    }


def _recorded_somewhere(action: str, sources: dict[str, str]) -> bool:
    area, _dot, word = action.partition(".")
    if any(f'"{action}"' in text or f'f"{area}.{{' in text for text in sources.values()):
        return True
    return area in BUILT and f'"{word}"' in sources[BUILT[area]]


def test_every_cabinet_post_that_changes_something_leaves_an_entry(app):
    import app.audit_feed.service as words

    posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.endpoint.startswith("staff.")
    }
    unlisted = posts - RECORDS.keys() - EXEMPT.keys()
    assert not unlisted, f"POST endpoints neither recording nor exempt: {sorted(unlisted)}"
    assert not (RECORDS.keys() & EXEMPT.keys())
    assert not (RECORDS.keys() | EXEMPT.keys()) - posts, "listed endpoints that are gone"
    sources = _sources()
    for endpoint, actions in RECORDS.items():
        for action in actions:
            assert action in words.ACTIONS, f"{action} ({endpoint}) has no words"
            assert _recorded_somewhere(action, sources), f"{action} ({endpoint}) is never recorded"
