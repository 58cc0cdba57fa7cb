"""The console's home: who is here, in which ISP, and the sections their role opens."""

from flask import current_app, g, render_template, url_for

from app.tenancy.resolve import region_url

from . import bp, service
from .access import may, requires
from .roles import ROLE_NAMES, Permission, Role

# (endpoint, title, what it is for, the permission it reads) of each section, in the order
# the menu shows them; each console module declares its own with section().
SECTIONS: list[tuple[str, object, object, Permission]] = []


def section(endpoint: str, title, about, permission: Permission) -> None:
    """Declare a section of the console: listed on the home page and in the menu for whoever
    may read it."""
    SECTIONS.append((endpoint, title, about, permission))


def sections() -> list[tuple[str, object, object]]:
    """The sections the staff member at the console may open, for the menu and home."""
    return [(url_for(e), title, about) for e, title, about, p in SECTIONS if may(p)]


@bp.app_context_processor
def _console():
    staff = g.get("staff")
    if staff is None:
        return {}
    return {"console_sections": sections(), "staff_role_name": ROLE_NAMES[Role(staff.role)]}


@bp.route("/")
@requires(Permission.VIEW)
def home():
    registry = current_app.extensions["tenancy"]
    elsewhere = []
    for slug, role in service.tenants_of(g.staff.account_id):
        tenant = registry.tenants.get(slug)
        if tenant is not None and slug != g.tenant.slug:
            link = region_url(tenant, None, url_for("staff.login"))
            elsewhere.append((tenant, ROLE_NAMES.get(Role(role), role), link))
    return render_template("staff/home.html", elsewhere=elsewhere)
