"""The form of a news item, a promotion or a notice: one title and text per locale."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

import app.news.service as news
from app.tenancy.locale import current_locale
from app.tenancy.registry import Tenant
from app.tenancy.schema import NewsKind
from app.tenancy.theming import locale_name
from app.web.forms import REQUIRED

KIND_NAMES = {
    NewsKind.NEWS: _l("News"),
    NewsKind.PROMOTION: _l("Promotion"),
    NewsKind.OFFER: _l("Offer"),
    NewsKind.OUTAGE: _l("Outage"),
    NewsKind.MAINTENANCE: _l("Maintenance"),
}
LOCAL = "%Y-%m-%dT%H:%M"


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewsForm(FlaskForm):
    kind = SelectField(_l("Kind"), validators=[REQUIRED])
    regions = _Checkboxes(
        _l("Regions"),
        validators=[Optional()],
        description=_l("None ticked: every region of the ISP."),
    )
    publish = DateTimeLocalField(
        _l("Published from"),
        format=LOCAL,
        validators=[REQUIRED],
        description=_l("Local time of the subscriber's region."),
    )
    expires = DateTimeLocalField(
        _l("Shown until"),
        format=LOCAL,
        validators=[Optional()],
        description=_l("Local time of the subscriber's region; empty: never expires."),
    )
    important = BooleanField(
        _l("Important: open it in the centre of the dashboard until the subscriber closes it")
    )

    def validate_expires(self, field) -> None:
        if field.data and self.publish.data and field.data <= self.publish.data:
            raise ValidationError(_l("The end must be after the start."))

    def locales(self) -> list[tuple[str, object, object]]:
        """(locale, its title field, its text field) of each language the ISP speaks."""
        return [(code, self[f"title_{code}"], self[f"text_{code}"]) for code in self._locales]

    def draft(self) -> news.Draft:
        """What the staff member wrote, as the news listing takes it."""
        return news.Draft(
            kind=self.kind.data,
            regions=tuple(self.regions.data or ()),
            title={code: title.data.strip() for code, title, _text in self.locales()},
            text={code: text.data.strip() for code, _title, text in self.locales()},
            publish=self.publish.data,
            expires=self.expires.data,
            important=bool(self.important.data),
        )


def news_form(tenant: Tenant, draft: news.Draft | None = None, **kwargs) -> NewsForm:
    """The form for this tenant's languages and regions, filled with draft when given."""
    locales = tuple(tenant.config.locales.available)

    class TenantNewsForm(NewsForm):
        _locales = locales

    for code in locales:
        language = locale_name(code)
        setattr(
            TenantNewsForm,
            f"title_{code}",
            StringField(
                _l("Title (%(language)s)", language=language),
                validators=[REQUIRED, Length(max=200)],
            ),
        )
        setattr(
            TenantNewsForm,
            f"text_{code}",
            TextAreaField(
                _l("Text (%(language)s)", language=language),
                validators=[REQUIRED, Length(max=4000)],
            ),
        )
    if draft is not None:
        kwargs.setdefault("kind", draft.kind)
        kwargs.setdefault("regions", list(draft.regions))
        kwargs.setdefault("publish", draft.publish)
        kwargs.setdefault("expires", draft.expires)
        kwargs.setdefault("important", draft.important)
        for code in locales:
            kwargs.setdefault(f"title_{code}", draft.title.get(code, ""))
            kwargs.setdefault(f"text_{code}", draft.text.get(code, ""))
    form = TenantNewsForm(**kwargs)
    form.kind.choices = [(kind.value, str(name)) for kind, name in KIND_NAMES.items()]
    form.regions.choices = [
        (r.code, tenant.text(r.name, current_locale())) for r in tenant.config.regions
    ]
    return form
