"""The picture-code field and a base form that handles its «new code» button."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from . import browser
from .challenge import CODE_LENGTH
from .picture import HEIGHT, WIDTH

PICTURE_LABEL = _l("Code from the picture")
MESSAGES = {
    browser.Verdict.WRONG: _l("The code is wrong. Please try again."),
    browser.Verdict.EXPIRED: _l("Time is up. Please enter the new code."),
}
EMPTY_MESSAGE = _l("Please fill in this field.")


class CaptchaField(StringField):
    """A code shown as a picture and offered as a recording; checked once.

    The challenge is issued when the field is rendered (``field.challenge``), so a form
    that is only read, or that redirects, issues nothing.
    """

    code_length = CODE_LENGTH
    picture_size = (WIDTH, HEIGHT)

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label or PICTURE_LABEL, validators, **kwargs)
        self.renew = False
        self._challenge: browser.Challenge | None = None

    @property
    def renew_name(self) -> str:
        """Name of the button that asks for a new code."""
        return f"{self.name}_new"

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        self.renew = bool(formdata and formdata.get(self.renew_name))

    def pre_validate(self, form) -> None:
        typed = (self.data or "").strip()
        verdict = browser.verify(typed)
        self._challenge = None  # used up: the re-rendered form shows a new one
        if verdict is browser.Verdict.PASSED:
            return
        raise StopValidation(MESSAGES[verdict] if typed else EMPTY_MESSAGE)

    @property
    def challenge(self) -> browser.Challenge:
        """The challenge shown with this field, issued on first use."""
        if self._challenge is None:
            self._challenge = browser.issue()
        return self._challenge

    def _value(self) -> str:
        # Every rendering has a new challenge, so an earlier answer is never filled back in.
        return ""


class CaptchaForm(FlaskForm):
    """Base for a form with a picture code: subclass it and add the form's own fields."""

    captcha = CaptchaField()

    def validate(self, extra_validators=None) -> bool:
        """Validate, unless the subscriber only pressed «New code»."""
        # That button re-renders the form with another code and the values typed so far;
        # it is not a submission, so no field should complain yet.
        if self.captcha.renew:
            return False
        return super().validate(extra_validators)
