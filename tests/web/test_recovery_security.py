"""Recovery security: expiry, single use, guess limits, rate limits, no account enumeration."""

import re
import statistics
import time
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.core import verification
from app.core.verification import Challenge
from app.extensions import db
from app.persistence import utcnow
from tests.conftest import ATHOME_EMAIL, ATHOME_PASSWORD, ATHOME_PHONE

PASSWORD = ATHOME_PASSWORD
NEW = "Velvet-Harbor-2931"
PHONE = ATHOME_PHONE
EMAIL = ATHOME_EMAIL


def ask(client, contract: str, delivery: str = "sms_code", surname: str = "Петров"):
    return client.form(
        "/recover/via/identity",
        {
            "surname": surname,
            "first_name": "Иван",
            "contract_or_account": contract,
            "delivery": delivery,
        },
    )


def latest_code(sms) -> str:
    return re.search(r"\b(\d{6})\b", sms(PHONE)[0]).group(1)


def test_code_expires_after_ten_minutes(app, tenant_client, athome, sms, monkeypatch):
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"])
    later = utcnow() + timedelta(minutes=10, seconds=1)
    monkeypatch.setattr(verification, "utcnow", lambda: later)
    response = client.form("/recover/code", {"code": latest_code(sms)})
    assert response.status_code == 200
    assert "expired" in response.text or "истёк" in response.text or "истек" in response.text
    assert client.get("/recover/password").status_code == 302


def test_link_expires_after_an_hour(tenant_client, athome, mailbox, monkeypatch):
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"], delivery="email_link")
    path = urlsplit(mailbox.link(EMAIL)).path
    assert client.get(path).status_code == 200
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr(verification, "utcnow", lambda: later)
    assert client.get(path).status_code == 410


def test_a_link_works_once(tenant_client, athome, mailbox):
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"], delivery="email_link")
    path = urlsplit(mailbox.link(EMAIL)).path
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).text).group(1)
    assert client.form(path, {"new": NEW, "confirm": NEW}).status_code == 302
    assert client.get(path).status_code == 410
    again = {"csrf_token": token, "new": "Other-Harbor-9999", "confirm": "Other-Harbor-9999"}
    assert client.post(path, data=again).status_code == 410
    assert client.login("petrov_spb", NEW).status_code == 302


def test_a_verified_code_sets_one_password_only(tenant_client, athome, sms):
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"])
    client.form("/recover/code", {"code": latest_code(sms)})
    client.form("/recover/password", {"new": NEW, "confirm": NEW})
    assert client.get("/recover/password").status_code == 302


def test_five_wrong_guesses_lock_the_code(tenant_client, athome, sms):
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"])
    right = latest_code(sms)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(5):
        client.form("/recover/code", {"code": wrong})
    response = client.form("/recover/code", {"code": right})
    assert response.status_code == 200
    assert client.get("/recover/password").status_code == 302


def test_a_newer_code_invalidates_the_older(tenant_client, athome, sms):
    first_browser = tenant_client("athome.localhost")
    ask(first_browser, athome["contract"])
    first = latest_code(sms)
    second_browser = tenant_client("athome.localhost")
    ask(second_browser, athome["contract"])
    second = latest_code(sms)
    response = first_browser.form("/recover/code", {"code": first})
    assert response.status_code == 200
    assert "no longer valid" in response.text or "недействителен" in response.text
    assert first_browser.get("/recover/password").status_code == 302
    response = second_browser.form("/recover/code", {"code": second})
    assert response.headers["Location"] == "/recover/password"


def test_older_challenge_is_superseded_in_the_database(app, tenant_client, athome, sms, mailbox):
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"])
    ask(client, athome["contract"], delivery="email_link")
    with app.app_context():
        rows = db.session.scalars(sa.select(Challenge).order_by(Challenge.id)).all()
        assert [r.superseded for r in rows] == [True, False]


def test_secrets_are_stored_hashed(app, tenant_client, athome, sms):
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"])
    code = latest_code(sms)
    with app.app_context():
        challenge = db.session.scalar(sa.select(Challenge))
        stored = " ".join(str(v) for v in challenge.__dict__.values())
        assert code not in stored


def test_knowing_surname_and_contract_never_sets_a_password(tenant_client, athome):
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"])
    assert client.get("/recover/password").status_code == 302
    response = client.form("/recover/password", {"new": NEW, "confirm": NEW}, page="/recover/code")
    assert response.status_code == 302
    assert client.login("petrov_spb", NEW).status_code == 200


def test_sending_is_rate_limited_with_a_clear_wait(tenant_client, athome, sms):
    client = tenant_client("athome.localhost")
    for _ in range(3):
        assert ask(client, athome["contract"]).status_code == 302
    response = ask(client, athome["contract"])
    assert response.status_code == 429
    assert re.search(r"(try again in|Повторите через) \d+", response.text)
    assert len(sms(PHONE)) == 3


def test_destination_limit_is_silent(tenant_client, athome, sms):
    client = tenant_client("athome.localhost")
    typed = [athome["contract"], athome["account"]]
    for value in typed * 3:
        assert ask(client, value).status_code == 302
    assert len(sms(PHONE)) == 5  # the sixth request looked the same but sent nothing


def _without_tokens(html: str) -> str:
    return re.sub(r'value="[^"]*"', "", html)


def test_existing_and_missing_accounts_get_the_same_answers(tenant_client, athome, sms):
    real = tenant_client("athome.localhost")
    fake = tenant_client("athome.localhost")
    a = ask(real, athome["contract"])
    b = ask(fake, "NO-SUCH-1")
    assert (a.status_code, a.headers["Location"]) == (b.status_code, b.headers["Location"])
    assert _without_tokens(real.get("/recover/code").text) == _without_tokens(
        fake.get("/recover/code").text
    )
    wrong_a = real.form("/recover/code", {"code": "000000"})
    wrong_b = fake.form("/recover/code", {"code": "000000"})
    assert _without_tokens(wrong_a.text) == _without_tokens(wrong_b.text)


def test_timing_does_not_tell_accounts_apart(app, tenant_client, athome, sms, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_RECOVERY_MIN_SECONDS", 0.25)

    def timed(client, contract: str) -> float:
        client.get("/recover/via/identity")
        started = time.monotonic()
        ask(client, contract)
        return time.monotonic() - started

    # One untimed round first (templates compile, caches fill), then the two kinds taken in
    # turn, so whatever else the machine does slows both alike; medians, so one pause of
    # the scheduler decides nothing.
    timed(tenant_client("athome.localhost"), athome["contract"])
    timed(tenant_client("athome.localhost"), "NO-0")
    real, fake = [], []
    for n in range(1, 6):
        real.append(timed(tenant_client("athome.localhost"), athome["contract"]))
        fake.append(timed(tenant_client("athome.localhost"), f"NO-{n}"))
    assert min(real + fake) >= 0.25
    assert abs(statistics.median(real) - statistics.median(fake)) < 0.1, (real, fake)


def test_other_tenants_accounts_are_not_found(tenant_client, make_subscriber, sms):
    subscriber = make_subscriber(
        tenant="tomtel", password=PASSWORD, phone=PHONE, logins={"account": "701000111"}
    )
    client = tenant_client("netbynet.localhost")
    client.form(
        "/recover/via/phone",
        {"region": "spb", "phone": PHONE, "account": subscriber["account"], "delivery": "sms_code"},
    )
    assert sms(PHONE) == []


def test_a_link_from_one_tenant_is_dead_on_another(tenant_client, athome, mailbox):
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"], delivery="email_link")
    path = urlsplit(mailbox.link(EMAIL)).path
    assert tenant_client("tomtel.localhost").get(path).status_code == 410


def test_links_use_the_configured_host_not_the_request(tenant_client, make_subscriber, mailbox):
    subscriber = make_subscriber(
        tenant="netbynet",
        password=PASSWORD,
        phone=PHONE,
        email=EMAIL,
        region="spb",
        logins={"contract": "781000111"},
    )
    client = tenant_client("spb.netbynet.localhost")
    client.form(
        "/recover/via/phone",
        {
            "region": "spb",
            "phone": PHONE,
            "account": subscriber["account"],
            "delivery": "email_link",
        },
        headers={"X-Forwarded-Host": "evil.example"},
    )
    assert mailbox.link(EMAIL).startswith("https://netbynet.localhost/recover/link/")


def test_recovery_ends_every_open_session(tenant_client, athome, sms):
    logged_in = tenant_client("athome.localhost")
    logged_in.login("petrov_spb", PASSWORD)
    client = tenant_client("athome.localhost")
    ask(client, athome["contract"])
    client.form("/recover/code", {"code": latest_code(sms)})
    client.form("/recover/password", {"new": NEW, "confirm": NEW})
    assert logged_in.get("/").status_code == 302


def test_a_failed_delivery_is_not_told_and_is_retried(app, tenant_client, athome, monkeypatch):
    from app.notify.delivery import DeliveryError
    from app.notify.models import QueuedMessage

    def down(*args, **kwargs):
        raise DeliveryError("gateway down")

    monkeypatch.setattr(app.extensions["notify.sms"], "send", down)
    client = tenant_client("athome.localhost")
    response = ask(client, athome["contract"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/recover/code"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Challenge)) == 1
        (queued,) = db.session.scalars(sa.select(QueuedMessage)).all()
        assert (queued.status, queued.attempts) == ("pending", 1)
        assert queued.next_attempt_at > utcnow()


def test_changing_the_recovery_phone_needs_the_current_password(tenant_client, athome, sms):
    client = tenant_client("athome.localhost")
    client.login("petrov_spb", PASSWORD)
    new_phone = "+79135550000"
    response = client.form(
        "/recover/contacts",
        {"contact-channel": "sms", "contact-value": new_phone, "contact-current": "guess"},
    )
    assert response.status_code == 200 and sms(new_phone) == []
    client.form(
        "/recover/contacts",
        {"contact-channel": "sms", "contact-value": "8 913 555 00 00", "contact-current": PASSWORD},
    )
    code = re.search(r"\b(\d{6})\b", sms(new_phone)[0]).group(1)
    client.form("/recover/contacts/confirm", {"code": code})
    assert "+79135550000" in client.get("/recover/contacts").text


def _issue(subscriber_id, secret: str, purpose="reset", channel="email", lifetime=None):
    return verification.issue(
        "athome",
        subscriber_id,
        purpose,
        "test",
        channel,
        EMAIL if channel == "email" else PHONE,
        lifetime or timedelta(hours=1),
        secret,
    )


def test_a_link_token_opens_only_its_own_challenge(app, athome):
    token = verification.new_token()
    with app.app_context():
        issued = _issue(athome["id"], token)
        _issue(athome["id"], "123456", purpose="contact", channel="sms")
        db.session.commit()
        outcome, found = verification.by_link_token("athome", token, "reset")
        assert (outcome, found.handle) == (verification.Outcome.OK, issued.handle)
        gone = (verification.Outcome.GONE, None)
        assert verification.by_link_token("athome", verification.new_token(), "reset") == gone
        assert verification.by_link_token("athome", token, "contact") == gone
        # A code sent by SMS is no link: guessing it there would skip the guess count.
        assert verification.by_link_token("athome", "123456", "contact") == gone


def test_a_link_says_expired_and_a_decoy_says_gone(app, athome):
    with app.app_context():
        _issue(athome["id"], "old-token", lifetime=-timedelta(seconds=1))
        _issue(None, "decoy-token")
        db.session.commit()
        expired = verification.by_link_token("athome", "old-token", "reset")
        assert expired == (verification.Outcome.EXPIRED, None)
        decoy = verification.by_link_token("athome", "decoy-token", "reset")
        assert decoy == (verification.Outcome.GONE, None)


def test_a_new_challenge_retires_only_the_same_subscribers_live_ones(app, athome, make_subscriber):
    other = make_subscriber(tenant="athome", logins={})
    with app.app_context():
        mine = _issue(athome["id"], "token-1")
        contact = _issue(athome["id"], "token-2", purpose="contact")
        theirs = verification.issue(
            "athome", other["id"], "reset", "test", "email", EMAIL, timedelta(hours=1), "token-3"
        )
        _issue(athome["id"], "token-4")  # a newer reset link for the same subscriber
        db.session.commit()
        retired = {c.handle: c.superseded for c in db.session.scalars(sa.select(Challenge))}
        assert retired[mine.handle] is True
        assert retired[contact.handle] is False  # another purpose
        assert retired[theirs.handle] is False  # another subscriber
        used = _issue(athome["id"], "token-5", purpose="contact")
        verification.use(db.session.scalar(sa.select(Challenge).filter_by(handle=used.handle)))
        db.session.commit()
        _issue(athome["id"], "token-6", purpose="contact")
        db.session.commit()
        spent = db.session.scalar(sa.select(Challenge).filter_by(handle=used.handle))
        assert spent.superseded is False  # a used one stays as it was: used


def test_the_last_allowed_wrong_guess_locks_and_expiry_is_inclusive(app, athome, monkeypatch):
    with app.app_context():
        issued = _issue(athome["id"], "123456", channel="sms")
        db.session.commit()
        outcomes = [verification.check_code("athome", issued.handle, "000000", 3) for _ in "abc"]
        assert outcomes == [
            verification.Outcome.WRONG,
            verification.Outcome.WRONG,
            verification.Outcome.LOCKED,
        ]
        fresh = _issue(athome["id"], "654321", channel="sms", lifetime=timedelta(minutes=10))
        db.session.commit()
        challenge = db.session.scalar(sa.select(Challenge).filter_by(handle=fresh.handle))
        monkeypatch.setattr(verification, "utcnow", lambda: challenge.expires_at)
        assert verification.check_code("athome", fresh.handle, "654321", 3) == (
            verification.Outcome.EXPIRED
        )


def test_codes_use_all_six_digits():
    codes = {verification.new_code() for _ in range(200)}
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert max(int(code) for code in codes) > 100_000


def test_a_spent_sending_budget_says_how_many_minutes_are_left(app):
    rules = [("3 per hour", "+79130000001"), ("20 per hour", "198.51.100.7")]
    with app.test_request_context():
        assert [verification.over_limit(rules) for _ in range(3)] == [None, None, None]
        assert 59 <= verification.over_limit(rules) <= 60  # the hour's window, in minutes
        assert verification.over_limit([("3 per hour", "+79130000002")]) is None
