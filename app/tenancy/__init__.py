"""The multi-tenant core: which ISP a request is for, in which region and language."""

import os
from pathlib import Path

from flask import Flask

from . import locale, resolve, theming
from .registry import Registry, load_registry


def catalogue_locales(translations: Path) -> set[str]:
    """Locales that have a message catalogue, and so may be offered to subscribers."""
    return {p.parent.parent.name for p in translations.glob("*/LC_MESSAGES/messages.po")}


def tenant_roots(setting: str) -> list[Path]:
    """PORTAL_TENANTS_DIR may list several folders (os.pathsep-separated), e.g. a reseller's."""
    return [Path(part) for part in setting.split(os.pathsep) if part]


def init_app(app: Flask) -> Registry:
    """Load every tenant (refusing bad config) and hook host resolution into requests."""
    registry = load_registry(
        tenant_roots(app.config["PORTAL_TENANTS_DIR"]),
        catalogue_locales(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])),
        dev_hosts=app.config["PORTAL_DEV_HOSTS"],
    )
    app.extensions["tenancy"] = registry
    resolve.init_app(app)
    # Babel first: theming's filters replace some of its own.
    locale.init_app(app)
    theming.init_app(app)
    return registry


def registry_of(app: Flask) -> Registry:
    """The tenant registry loaded for this application."""
    return app.extensions["tenancy"]
