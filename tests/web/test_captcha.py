"""The picture code on a real form: picture, recording, answers, single use, expiry, limits."""

import io
import re
import wave

import pytest
from flask import render_template_string
from wtforms import StringField
from wtforms.validators import DataRequired

from app.web.captcha import challenge, sound
from app.web.captcha.browser import LIFETIME
from app.web.captcha.forms import CaptchaForm
from tests.conftest import CSRF_INPUT, TEST_TENANTS, Client

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOST = "acme.localhost"
# How a script could read the code off the page if it were written there in words.
NUMBER_WORDS = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "ru": ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
    "hi": ("शून्य", "एक", "दो", "तीन", "चार", "पाँच", "छह", "सात", "आठ", "नौ"),
}
DEVANAGARI_DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")


class PhoneForm(CaptchaForm):
    """Shaped like the recovery form that uses it: a phone and the picture code."""

    phone = StringField("Mobile phone", validators=[DataRequired()])


PAGE = """{% extends "base.html" %}
{% from "macros/forms.html" import field %}
{% from "macros/captcha.html" import captcha_field %}
{% block content %}
<form method="post" novalidate>
  {{ form.hidden_tag() }}
  {{ field(form.phone) }}
  {{ captcha_field(form) }}
  <button type="submit" class="button button-primary">Send the code</button>
</form>
{% endblock %}"""


def phone_page():
    form = PhoneForm()
    if form.validate_on_submit():
        return f"accepted {form.phone.data}"
    return render_template_string(PAGE, form=form)


@pytest.fixture
def portal(make_app):
    # Its own app: the shared one has served requests, and Flask adds no routes after that.
    application = make_app(PORTAL_TENANTS_DIR=str(TEST_TENANTS))
    application.add_url_rule("/phone", "phone", phone_page, methods=["GET", "POST"])
    application.test_client_class = Client
    return application


@pytest.fixture
def spoken(monkeypatch) -> list[tuple[str, str]]:
    """Every (code, language) the recording route reads aloud, while still making the sound."""
    heard = []
    real = sound.speak_wav

    def speak_wav(code: str, locale: str) -> bytes:
        heard.append((code, locale))
        return real(code, locale)

    monkeypatch.setattr(sound, "speak_wav", speak_wav)
    return heard


def browser(portal, lang: str = "en", host: str = HOST) -> Client:
    client = portal.test_client()
    client.host = host
    client.set_cookie("lang", lang, domain=host)
    return client


def saved_challenge(client: Client) -> dict:
    with client.session_transaction() as session:
        return dict(session["captcha"])


def code_in_session(app, client: Client) -> str:
    """What a person reads in the picture, or hears: the code of this browser's challenge."""
    return challenge.picture_code(
        app.config["SECRET_KEY"].encode(), saved_challenge(client)["nonce"]
    )


class Visit:
    """A subscriber at the phone form: opens it, reads the challenge, submits it."""

    def __init__(self, portal, lang: str = "en"):
        self.portal = portal
        self.client = browser(portal, lang)
        self.page = self.client.get("/phone").text
        self.csrf = CSRF_INPUT.search(self.page).group(1)

    def saved(self) -> dict:
        return saved_challenge(self.client)

    def answer(self) -> str:
        return code_in_session(self.portal, self.client)

    def submit(self, **data) -> str:
        response = self.client.post("/phone", data={"csrf_token": self.csrf, **data})
        assert response.status_code == 200
        self.page = response.text
        return self.page


def label_of(page: str) -> str:
    return re.search(r'<label[^>]*for="captcha"[^>]*>([^<]*)</label>', page).group(1)


def captcha_block(page: str) -> str:
    return re.search(r'<div class="field captcha.*?<div class="captcha-switch">', page, re.S).group(
        0
    )


def test_form_shows_a_picture_a_labelled_recording_a_label_and_a_new_code_button(portal):
    page = Visit(portal).page
    img = re.search(r"<img class=\"captcha-image\"[^>]*>", page).group(0)
    assert 'src="/captcha/image.png?v=' in img
    assert 'alt="Picture with a code of 6 digits"' in img
    player = re.search(r"<audio [^>]*>", page).group(0)
    assert "controls" in player and 'preload="none"' in player and "autoplay" not in player
    assert 'src="/captcha/audio.wav?v=' in player
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', player).group(1)
    assert re.search(rf'id="{labelled_by}">Or listen to the code:<', page)
    assert label_of(page) == "Code from the picture"
    assert 'aria-describedby="captcha-hint"' in page and "The code is 6 digits." in page
    assert 'inputmode="numeric"' in page
    assert re.search(r'name="captcha_new" value="1"[^>]*>New code<', page)
    # Enter in a field presses the first submit button: it must not be «New code».
    first_button = re.search(r"<button[^>]*>", page.split("<form")[2]).group(0)
    assert "captcha_new" not in first_button


def test_the_picture_and_the_recording_are_urls_of_the_same_challenge(portal):
    page = Visit(portal).page
    image_tag = re.search(r"image\.png\?v=([^\"&]+)", page).group(1)
    audio_tag = re.search(r"audio\.wav\?v=([^\"&]+)", page).group(1)
    assert image_tag == audio_tag


@pytest.mark.parametrize("lang", ["en", "ru", "hi"])
def test_nothing_on_the_page_tells_the_code(portal, lang):
    for _ in range(5):
        visit = Visit(portal, lang)
        code, page = visit.answer(), visit.page
        assert code not in page
        assert code.translate(DEVANAGARI_DIGITS) not in page
        block = captcha_block(page)
        for words in NUMBER_WORDS.values():
            assert " ".join(words[int(d)] for d in code) not in page
            # Not a single number word near the field: the page gives no digit of it.
            assert not any(re.search(rf"(?<!\w){w}(?!\w)", block, re.I) for w in words), block
        # No question to answer either, in any language.
        assert "question" not in block and "?" not in label_of(page)


def test_right_code_passes(portal):
    visit = Visit(portal)
    assert visit.submit(phone="+79130000001", captcha=visit.answer()) == "accepted +79130000001"


def test_code_may_be_typed_with_spaces_or_in_devanagari_digits(portal):
    visit = Visit(portal, lang="hi")
    typed = " ".join(visit.answer().translate(DEVANAGARI_DIGITS))
    assert visit.submit(phone="+79130000001", captcha=typed) == "accepted +79130000001"


def test_loading_the_picture_and_the_recording_keeps_the_challenge_the_form_shows(portal):
    visit = Visit(portal)
    nonce = visit.saved()["nonce"]
    image = visit.client.get(re.search(r'src="(/captcha/image\.png[^"]*)"', visit.page).group(1))
    assert image.data.startswith(PNG_MAGIC)
    recording = visit.client.get(
        re.search(r'src="(/captcha/audio\.wav[^"]*)"', visit.page).group(1)
    )
    assert recording.status_code == 200 and recording.mimetype == "audio/wav"
    assert visit.saved()["nonce"] == nonce
    assert visit.submit(phone="+79130000001", captcha=visit.answer()).startswith("accepted")


def test_wrong_code_fails_uses_the_challenge_up_and_keeps_the_phone(portal):
    visit = Visit(portal)
    right, nonce = visit.answer(), visit.saved()["nonce"]
    wrong = "".join(str((int(d) + 1) % 10) for d in right)
    page = visit.submit(phone="+79130000001", captcha=wrong)
    assert "The code is wrong. Please try again." in page
    assert 'aria-describedby="captcha-hint captcha-error"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="+79130000001"' in page
    assert f'value="{wrong}"' not in page
    assert visit.saved()["nonce"] != nonce, "the re-rendered form has a new challenge"
    assert "accepted" not in visit.submit(phone="+79130000001", captcha=right)


def test_empty_answer_asks_to_fill_it_in(portal):
    visit = Visit(portal)
    nonce = visit.saved()["nonce"]
    assert "Please fill in this field." in visit.submit(phone="+79130000001", captcha="")
    assert visit.saved()["nonce"] != nonce


def test_a_passed_challenge_cannot_be_used_again_with_an_old_cookie(portal):
    visit = Visit(portal)
    right = visit.answer()
    old_cookie = visit.client.get_cookie("session", domain=HOST).value
    assert visit.submit(phone="+79130000001", captcha=right).startswith("accepted")
    # The session is a cookie the client may send again; the check must still be single use.
    visit.client.set_cookie("session", old_cookie, domain=HOST)
    page = visit.submit(phone="+79130000001", captcha=right)
    assert "Time is up. Please enter the new code." in page


def test_expired_challenge_fails_with_the_expiry_message(portal):
    visit = Visit(portal)
    right = visit.answer()
    with visit.client.session_transaction() as session:
        session["captcha"] = {**session["captcha"], "at": session["captcha"]["at"] - LIFETIME - 1}
    page = visit.submit(phone="+79130000001", captcha=right)
    assert "Time is up. Please enter the new code." in page
    assert "accepted" not in page


def test_new_code_issues_a_new_one_without_errors(portal):
    visit = Visit(portal)
    old_tag = re.search(r"image\.png\?v=([^\"]+)", visit.page).group(1)
    old_code = visit.answer()
    page = visit.submit(phone="+79130000001", captcha="", captcha_new="1")
    assert re.search(r"image\.png\?v=([^\"]+)", page).group(1) != old_tag
    assert re.search(r"audio\.wav\?v=([^\"]+)", page).group(1) != old_tag
    assert "field-error" not in page and "accepted" not in page
    assert 'value="+79130000001"' in page
    new_code = visit.answer()
    if new_code != old_code:  # one chance in a million that they are the same digits
        assert "accepted" not in visit.submit(phone="+79130000001", captcha=old_code)
        visit.submit(phone="+79130000001", captcha="", captcha_new="1")
    assert visit.submit(phone="+79130000001", captcha=visit.answer()).startswith("accepted")


def test_image_route_draws_a_png_and_keeps_no_plain_code(tenant_client, app):
    client = tenant_client("novotelecom.localhost")
    response = client.get("/captcha/image.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(PNG_MAGIC)
    assert response.headers["Cache-Control"] == "no-store"
    saved = saved_challenge(client)
    code = code_in_session(app, client)
    assert set(saved) == {"nonce", "at", "tenant"} and saved["tenant"] == "novotelecom"
    assert code not in repr(saved)
    cookie = client.get_cookie("session", domain="novotelecom.localhost").value
    assert code not in app.session_interface.get_signing_serializer(app).loads(cookie).__repr__()


@pytest.mark.parametrize("path", ["/captcha/image.png", "/captcha/audio.wav"])
def test_picture_and_sound_only_answer_on_a_tenant_host(tenant_client, path):
    assert tenant_client("nobody.localhost").get(path).status_code == 400


def test_the_recording_is_a_wav_of_the_code_in_the_page_language(tenant_client, app, spoken):
    client = tenant_client("novotelecom.localhost")
    client.set_cookie("lang", "ru", domain="novotelecom.localhost")
    response = client.get("/captcha/audio.wav")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.headers["Cache-Control"] == "no-store"
    with wave.open(io.BytesIO(response.data)) as recording:
        seconds = recording.getnframes() / recording.getframerate()
        assert recording.getnchannels() == 1
        frames = recording.readframes(recording.getnframes())
    # Six digits with pauses between them: several seconds, and not silence.
    assert seconds > 4
    assert max(frames) - min(frames) > 64
    assert spoken == [(code_in_session(app, client), "ru")]
    # The picture drawn next is of the same code.
    assert client.get("/captcha/image.png").status_code == 200
    assert saved_challenge(client)["nonce"] and spoken[0][0] == code_in_session(app, client)


def test_another_session_or_tenant_hears_another_code(tenant_client, app, spoken):
    first = tenant_client("novotelecom.localhost")
    second = tenant_client("novotelecom.localhost")
    for client in (first, second):
        assert client.get("/captcha/audio.wav").status_code == 200
    assert spoken[0][0] == code_in_session(app, first)
    assert spoken[1][0] == code_in_session(app, second)
    assert spoken[0][0] != spoken[1][0]
    # The same session cookie carried to another ISP's site brings no challenge along: that
    # site reads a code of its own, and the first site's code is not accepted there.
    cookie = first.get_cookie("session", domain="novotelecom.localhost").value
    first.set_cookie("session", cookie, domain="tomtel.localhost")
    first.host = "tomtel.localhost"
    assert first.get("/captcha/audio.wav").status_code == 200
    assert saved_challenge(first)["tenant"] == "tomtel"
    assert spoken[2][0] == code_in_session(app, first) != spoken[0][0]


def test_picture_and_recording_share_one_limit_per_tenant_and_address(make_app):
    portal = make_app(PORTAL_CAPTCHA_IMAGE_LIMIT="3 per minute")
    portal.test_client_class = Client

    def client_of(host: str) -> Client:
        client = portal.test_client()
        client.host = host
        client.environ_base["REMOTE_ADDR"] = "198.51.100.23"
        return client

    here = client_of("novotelecom.localhost")
    assert [here.get(p).status_code for p in ("/captcha/image.png", "/captcha/audio.wav")] == [
        200,
        200,
    ]
    assert here.get("/captcha/image.png").status_code == 200
    assert here.get("/captcha/audio.wav").status_code == 429
    assert here.get("/captcha/image.png").status_code == 429
    # Another ISP's site has its own budget for the same address.
    elsewhere = client_of("tomtel.localhost")
    assert elsewhere.get("/captcha/audio.wav").status_code == 200


def test_codes_are_six_digits_and_vary():
    key = b"k"
    codes = {challenge.picture_code(key, f"nonce-{n}") for n in range(200)}
    assert len(codes) == 200
    assert all(len(code) == challenge.CODE_LENGTH == 6 and code.isascii() for code in codes)
    assert set("".join(codes)) == set("0123456789")


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("482913", True),
        (" 48 29 13 ", True),
        ("४८२९१३", True),
        ("48291", False),
        ("4829130", False),
    ],
)
def test_code_matches_digits_in_any_script_and_spacing(typed, right):
    assert challenge.code_matches("482913", typed) is right


def test_every_language_has_its_own_spoken_digits(app):
    with app.test_request_context():
        folders = {locale: sound.voice_folder(locale) for locale in ("ru", "hi", "en")}
        assert sound.voice_folder("de") == folders["en"]
    assert len(set(folders.values())) == 3
    for locale, folder in folders.items():
        for digit in challenge.ALPHABET:
            with wave.open(f"{folder}/{digit}/espeak.wav") as recording:
                assert recording.getframerate() == sound.RATE and recording.getsampwidth() == 1
                assert recording.getnframes() > sound.RATE // 10, (locale, digit)


def test_without_espeak_ng_the_library_reads_the_code_in_english(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_CAPTCHA_VOICES", str(tmp_path))
    monkeypatch.setattr(sound, "_espeak", lambda: None)
    with app.test_request_context():
        assert sound.voice_folder("ru") == sound.DATA_DIR
        with wave.open(io.BytesIO(sound.speak_wav("123456", "ru"))) as recording:
            assert recording.getnframes() > 0
    assert not any(tmp_path.iterdir())


def test_a_voice_that_cannot_be_recorded_falls_back_to_english(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_CAPTCHA_VOICES", str(tmp_path))
    monkeypatch.setitem(sound.VOICES, "ru", "no-such-voice")
    with app.test_request_context():
        assert sound.voice_folder("ru") == str(tmp_path / "en")
    # Nothing half-made is left behind for the language that failed.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en"]
