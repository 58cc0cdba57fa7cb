"""Per-tenant look: template overrides, colours, logo, menu and the helpers templates use."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date as format_babel_date
from babel.dates import get_day_names
from flask import Flask, current_app, g, has_request_context, request, url_for
from flask.templating import Environment
from flask_babel import format_date, format_datetime
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, TemplateNotFound

from .help_schema import WEEKDAYS
from .locale import current_locale
from .names import feature_name

OVERRIDE_SEPARATOR = "::"


class TenantOverrideLoader(BaseLoader):
    """Loads '<slug>::<name>' from tenants/<slug>/templates/<name>."""

    def __init__(self, app: Flask):
        self.app = app

    def get_source(self, environment, template):
        slug, sep, name = template.partition(OVERRIDE_SEPARATOR)
        tenant = self.app.extensions["tenancy"].tenants.get(slug) if sep else None
        if tenant is None:
            raise TemplateNotFound(template)
        return FileSystemLoader(str(tenant.folder / "templates")).get_source(environment, name)


class TenantEnvironment(Environment):
    """Swaps in a tenant's own copy of a template (also for extends and include).

    The override is loaded under a tenant-prefixed name, so Jinja's template cache keeps
    one entry per tenant and never serves one ISP's template to another.
    """

    def get_template(self, name, parent=None, globals=None):
        if isinstance(name, str) and has_request_context():
            tenant = g.get("tenant")
            if tenant is not None and name in tenant.template_overrides:
                name = f"{tenant.slug}{OVERRIDE_SEPARATOR}{name}"
        return super().get_template(name, parent, globals)


def _always(tenant) -> bool:
    return True


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object
    order: int
    visible: Callable = _always
    # Other sections' pages this entry stands for: their own entries leave the menu, and
    # this one is marked current on their pages (one entry per thing a subscriber seeks).
    covers: tuple[str, ...] = ()

    def current(self, endpoint: str | None) -> str | None:
        """aria-current for the page at endpoint: «page» on its own page, «true» within it."""
        if endpoint is None:
            return None
        if endpoint == self.endpoint:
            return "page"
        blueprints = {e.partition(".")[0] for e in (self.endpoint, *self.covers)}
        return "true" if endpoint.partition(".")[0] in blueprints else None


def add_menu_item(
    app: Flask,
    endpoint: str,
    label,
    order: int,
    visible: Callable = _always,
    covers: tuple[str, ...] = (),
):
    """Show a section in the cabinet menu; visible(tenant) hides it where an ISP lacks it;
    covers names the endpoints whose own entries this one replaces."""
    items = app.extensions.setdefault("menu", [])
    items.append(MenuItem(endpoint, label, order, visible, covers))
    items.sort(key=lambda item: item.order)


def menu_for(app: Flask, tenant) -> list[MenuItem]:
    """The tenant's menu: the sections it has, less those another entry covers."""
    shown = [m for m in app.extensions.get("menu", []) if m.visible(tenant)]
    covered = {endpoint for m in shown for endpoint in m.covers}
    return [m for m in shown if m.endpoint not in covered]


@dataclass(frozen=True)
class MenuLink:
    item: MenuItem
    url: str
    label: str

    def current(self, endpoint: str | None) -> str | None:
        """aria-current for the page at endpoint (see MenuItem.current)."""
        return self.item.current(endpoint)


def menu_links() -> tuple[MenuLink, ...]:
    """The cabinet menu of the request's tenant in its language, built once per tenant,
    language and mount point: every page shows it, and building it costs a URL and a
    translation per item."""
    tenant = g.tenant
    # Per application, and checked against the tenant object: an app whose tenants are
    # loaded again (or a test's own app) never sees another's menu. Bounded: slugs and
    # languages come from config, the mount point from the server.
    built = current_app.extensions.setdefault("menu_links", {})
    key = (tenant.slug, current_locale(), request.script_root)
    found = built.get(key)
    if found is None or found[0] is not tenant:
        links = tuple(
            MenuLink(m, url_for(m.endpoint), str(m.label)) for m in menu_for(current_app, tenant)
        )
        found = built[key] = (tenant, links)
    return found[1]


@lru_cache(maxsize=4096)
def _date_text(day: date, fmt: str, locale: str) -> str:
    return format_babel_date(day, fmt, locale=locale)


def dateformat(value, fmt: str | None = None) -> str:
    """A date in the current language, as Flask-Babel's filter writes it; a page shows the
    same few dates on every visit (a chart's ends, due dates), so their texts are kept."""
    if type(value) is not date:
        return format_date(value, fmt)  # a datetime is moved into the page's timezone first
    return _date_text(value, fmt or "medium", current_locale())


def local_datetime(moment, fmt: str = "medium") -> str:
    """An aware datetime shown in the region's timezone and the current language."""
    return format_datetime(moment, fmt)


@lru_cache(maxsize=256)
def _hours_text(hours, locale: str) -> str:
    names = get_day_names("abbreviated", "stand-alone", locale)
    runs: list[list[int]] = []
    for day in sorted(WEEKDAYS.index(d) for d in hours.days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    # Three days and more in a row read as a range, «пн–пт»; two as a list, «сб, вс».
    parts = [
        f"{names[run[0]]}–{names[run[-1]]}" if len(run) > 2 else ", ".join(names[d] for d in run)
        for run in runs
    ]
    return f"{', '.join(parts)} {hours.opens}–{hours.closes}"


def hours(value) -> str:
    """Opening hours (help_schema.Hours) in the current language, e.g. «пн–пт 09:00–18:00»."""
    return _hours_text(value, current_locale())


def text(value) -> str:
    """ISP text from YAML in the current language."""
    tenant = g.get("tenant")
    return tenant.text(value, current_locale()) if tenant else ""


@cache
def locale_name(code: str) -> str:
    """A language's name in that language, as a switcher should show it."""
    return Locale.parse(code).get_display_name(code).capitalize()


@cache
def brand_css(colours) -> str:
    """CSS custom properties of a tenant's colours."""
    pairs = type(colours).model_fields
    return ";".join(f"--{name.replace('_', '-')}:{getattr(colours, name)}" for name in pairs)


def tenant_feature_name(key: str) -> str:
    """The request's ISP's name of a shared feature (tenant.yaml `names:`), in templates."""
    return feature_name(g.get("tenant"), key)


def _context() -> dict:
    tenant = g.get("tenant")
    if tenant is None:
        return {"tenant": None}
    return {
        "tenant": tenant,
        "region": g.get("region"),
        "brand": tenant.config.branding,
        "menu": menu_links(),
        "current_locale": current_locale(),
        "logo_url": url_for("tenant_static", filename=tenant.config.branding.logo),
    }


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([TenantOverrideLoader(app), app.jinja_loader])
    app.context_processor(_context)
    app.add_template_filter(local_datetime)
    app.add_template_filter(dateformat)
    app.add_template_filter(text)
    app.add_template_filter(hours)
    app.add_template_global(locale_name)
    app.add_template_global(brand_css)
    app.add_template_global(tenant_feature_name, "feature_name")
