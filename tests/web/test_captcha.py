"""The picture code on a real form: image, answers, single use, expiry, the question mode."""

import re

import pytest
from flask import render_template_string
from wtforms import StringField
from wtforms.validators import DataRequired

from app.web.captcha import challenge
from app.web.captcha.browser import LIFETIME
from app.web.captcha.forms import CaptchaForm
from tests.conftest import CSRF_INPUT, TEST_TENANTS, Client

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOST = "acme.localhost"


class PhoneForm(CaptchaForm):
    """Shaped like the recovery form that will use it: a phone and the picture code."""

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


def browser(portal, lang: str = "en") -> Client:
    client = portal.test_client()
    client.host = HOST
    client.set_cookie("lang", lang, domain=HOST)
    return client


class Visit:
    """A subscriber at the phone form: opens it, reads the challenge, submits it."""

    def __init__(self, portal, lang: str = "en"):
        self.portal = portal
        self.client = browser(portal, lang)
        self.page = self.client.get("/phone").text
        self.csrf = CSRF_INPUT.search(self.page).group(1)

    def saved(self) -> dict:
        with self.client.session_transaction() as session:
            return dict(session["captcha"])

    def answer(self) -> str:
        """What a person reads in the picture, or the sum the question asks for."""
        saved = self.saved()
        key = self.portal.config["SECRET_KEY"].encode()
        if saved["mode"] == "picture":
            return challenge.picture_code(key, saved["nonce"])
        return str(sum(challenge.question_terms(key, saved["nonce"])))

    def submit(self, **data) -> str:
        response = self.client.post("/phone", data={"csrf_token": self.csrf, **data})
        assert response.status_code == 200
        self.page = response.text
        return self.page


def label_of(page: str) -> str:
    return re.search(r'<label[^>]*for="captcha"[^>]*>([^<]*)</label>', page).group(1)


def test_form_shows_a_picture_with_alt_text_a_label_and_the_switches(portal):
    page = Visit(portal).page
    img = re.search(r"<img class=\"captcha-image\"[^>]*>", page).group(0)
    assert 'src="/captcha/image.png?v=' in img
    assert 'alt="Picture with a code of 5 characters"' in img
    assert label_of(page) == "Code from the picture"
    assert 'aria-describedby="captcha-hint"' in page
    assert re.search(r'name="captcha_mode" value="picture"[^>]*>Show another picture<', page)
    assert re.search(r'name="captcha_mode" value="question"[^>]*>Answer a question instead<', page)
    # Enter in a field presses the first submit button: it must not be a switch.
    first_button = re.search(r"<button[^>]*>", page.split("<form")[2]).group(0)
    assert "captcha_mode" not in first_button


def test_right_code_passes(portal):
    visit = Visit(portal)
    assert visit.submit(phone="+79130000001", captcha=visit.answer()) == "accepted +79130000001"


def test_picture_code_ignores_case_and_spaces(portal):
    visit = Visit(portal)
    typed = " ".join(visit.answer().lower())
    assert visit.submit(phone="+79130000001", captcha=typed) == "accepted +79130000001"


def test_loading_the_picture_keeps_the_challenge_the_form_shows(portal):
    visit = Visit(portal)
    nonce = visit.saved()["nonce"]
    image = visit.client.get(re.search(r'src="(/captcha/image\.png[^"]*)"', visit.page).group(1))
    assert image.data.startswith(PNG_MAGIC)
    assert visit.saved()["nonce"] == nonce
    assert visit.submit(phone="+79130000001", captcha=visit.answer()).startswith("accepted")


def test_wrong_code_fails_uses_the_challenge_up_and_keeps_the_phone(portal):
    visit = Visit(portal)
    right, nonce = visit.answer(), visit.saved()["nonce"]
    page = visit.submit(phone="+79130000001", captcha="WRONG")
    assert "The code is wrong. Please try again." in page
    assert 'aria-describedby="captcha-hint captcha-error"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="+79130000001"' in page
    assert 'value="WRONG"' not in page
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


def test_show_another_picture_issues_a_new_one_without_errors(portal):
    visit = Visit(portal)
    old_tag = re.search(r"image\.png\?v=([^\"]+)", visit.page).group(1)
    nonce = visit.saved()["nonce"]
    page = visit.submit(phone="+79130000001", captcha="", captcha_mode="picture")
    assert visit.saved()["mode"] == "picture" and visit.saved()["nonce"] != nonce
    assert re.search(r"image\.png\?v=([^\"]+)", page).group(1) != old_tag
    assert "field-error" not in page
    assert 'value="+79130000001"' in page


def test_question_mode_accepts_digits_and_is_remembered(portal):
    visit = Visit(portal)
    nonce = visit.saved()["nonce"]
    page = visit.submit(phone="+79130000001", captcha_mode="question")
    assert visit.saved()["mode"] == "question" and visit.saved()["nonce"] != nonce
    assert "field-error" not in page and 'value="+79130000001"' in page
    assert "captcha-image" not in page
    first, second = challenge.question_terms(
        portal.config["SECRET_KEY"].encode(), visit.saved()["nonce"]
    )
    words = challenge.NUMBER_WORDS["en"]
    assert label_of(page) == f"What is {words[first]} plus {words[second]}?"
    assert "Answer in digits or in words." in page
    assert re.search(r'name="captcha_mode" value="picture"[^>]*>Show a picture instead<', page)
    assert visit.submit(phone="+79130000001", captcha=visit.answer()).startswith("accepted")
    # The next form this browser opens asks a question again.
    visit.page = visit.client.get("/phone").text
    assert visit.saved()["mode"] == "question"
    assert "captcha-image" not in visit.page


def test_question_mode_accepts_the_answer_in_russian_words(portal):
    visit = Visit(portal, lang="ru")
    visit.submit(phone="+79130000001", captcha_mode="question")
    ru_words = challenge.NUMBER_WORDS["ru"]
    assert any(f" {word} " in label_of(visit.page) for word in ru_words)
    in_words = ru_words[int(visit.answer())].capitalize()
    assert visit.submit(phone="+79130000001", captcha=in_words).startswith("accepted")


def test_question_is_asked_in_hindi_words_on_a_hindi_page(portal):
    visit = Visit(portal, lang="hi")
    visit.submit(phone="+79130000001", captcha_mode="question")
    label = label_of(visit.page)
    assert sum(word in label for word in challenge.NUMBER_WORDS["hi"]) >= 1
    assert not re.search(r"\d", label)


def test_image_route_draws_a_png_and_keeps_no_plain_code(tenant_client, app):
    client = tenant_client("novotelecom.localhost")
    response = client.get("/captcha/image.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(PNG_MAGIC)
    assert response.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        saved = dict(session["captcha"])
    code = challenge.picture_code(app.config["SECRET_KEY"].encode(), saved["nonce"])
    assert set(saved) == {"mode", "nonce", "at"}
    assert code not in repr(saved)
    cookie = client.get_cookie("session", domain="novotelecom.localhost").value
    assert code not in app.session_interface.get_signing_serializer(app).loads(cookie).__repr__()


def test_image_route_only_answers_on_a_tenant_host(tenant_client):
    assert tenant_client("nobody.localhost").get("/captcha/image.png").status_code == 400


@pytest.mark.parametrize("typed", ["10", "десять", " Десять. ", "ten", "TEN", "दस", "१०"])
def test_a_sum_of_ten_may_be_written_in_digits_or_words(typed):
    assert challenge.read_number(typed) == 10


@pytest.mark.parametrize("typed", ["", "eleven", "10 10", "9" * 5000])
def test_what_is_not_a_small_number_is_not_read_as_one(typed):
    assert challenge.read_number(typed) is None


def test_codes_use_only_unambiguous_characters():
    key = b"k"
    codes = {challenge.picture_code(key, f"nonce-{n}") for n in range(200)}
    assert len(codes) == 200
    assert all(len(code) == challenge.CODE_LENGTH for code in codes)
    assert not set("".join(codes)) & set("0O1Il")


def test_cyrillic_lookalikes_typed_on_a_russian_keyboard_count_as_latin():
    assert challenge.code_matches("ABCEH", "авсен")
    assert not challenge.code_matches("ABCEH", "ABCE")
