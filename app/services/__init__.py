"""Services: the catalogue of tariffs and options, and changing a service point's tariff."""

from flask import Blueprint, Flask

bp = Blueprint(
    "services",
    __name__,
    url_prefix="/services",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def init_app(app: Flask) -> None:
    from app.tenancy.names import FeatureName
    from app.tenancy.theming import add_menu_item

    from . import models, routes  # noqa: F401  (tables and views register on import)

    app.register_blueprint(bp)
    # One entry for the tariff and the subscriber's options: «Тарифы и услуги» next to
    # «Мои услуги» left people guessing which holds what; the two pages link to each other.
    add_menu_item(
        app,
        "services.catalogue",
        FeatureName("services"),
        order=15,
        covers=("options.my_services",),
    )
