"""Rules a tenant's config must keep beyond its types: references, translations, contrast."""

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from .schema import CHOICE_KINDS, Colours, FindBy, TenantConfig, Text

Problem = tuple[tuple, str]


def tenant_problems(config: TenantConfig, folder: Path, catalogues: set[str]) -> list[Problem]:
    """Every rule broken by one tenant's config, as (key path, message) pairs."""
    problems: list[Problem] = []
    problems += _locale_problems(config, catalogues)
    problems += _text_problems(config, set(config.locales.available))
    problems += _reference_problems(config)
    problems += _asset_problems(config, folder)
    problems += _contrast_problems(config.branding.colours)
    return problems


def _locale_problems(config: TenantConfig, catalogues: set[str]) -> Iterator[Problem]:
    available = config.locales.available
    for i, locale in enumerate(available):
        if locale not in catalogues:
            yield ("locales", "available", i), f"no translation catalogue for locale {locale!r}"
    if config.locales.default not in available:
        yield ("locales", "default"), f"{config.locales.default!r} is not an available locale"
    host_lists = [(("hosts",), config.hosts)] + [
        (("regions", i, "hosts"), region.hosts) for i, region in enumerate(config.regions)
    ]
    for path, hosts in host_lists:
        for i, host in enumerate(hosts):
            if host.locale is not None and host.locale not in available:
                yield (*path, i, "locale"), f"{host.locale!r} is not an available locale"


def _walk_texts(node: object, path: tuple) -> Iterator[tuple[tuple, Text]]:
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk_texts(getattr(node, name), (*path, name))
    elif isinstance(node, tuple):
        for i, item in enumerate(node):
            yield from _walk_texts(item, (*path, i))


def _text_problems(config: TenantConfig, locales: set[str]) -> Iterator[Problem]:
    for path, text in _walk_texts(config, ()):
        for locale in sorted(locales - text.root.keys()):
            yield path, f"missing the {locale!r} translation"
        for locale in sorted(text.root.keys() - locales):
            yield (*path, locale), f"{locale!r} is not one of this tenant's locales"
        for locale, value in text.root.items():
            if not value.strip():
                yield (*path, locale), "is empty"


def _duplicates(path: tuple, codes: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code in seen:
            yield (*path, i), f"{code!r} is defined twice"
        seen.add(code)


def _reference_problems(config: TenantConfig) -> Iterator[Problem]:
    tariffs = [t.code for t in config.catalogue.tariffs]
    options = [o.code for o in config.catalogue.options]
    methods = [m.code for m in config.payments.methods]
    yield from _duplicates(("catalogue", "tariffs"), tariffs)
    yield from _duplicates(("catalogue", "options"), options)
    yield from _duplicates(("payments", "methods"), methods)
    yield from _duplicates(("regions",), [r.code for r in config.regions])
    yield from _duplicates(("login", "identifiers"), [i.kind for i in config.login.identifiers])
    for r, region in enumerate(config.regions):
        for field, known in (("tariffs", tariffs), ("payment_methods", methods)):
            for i, code in enumerate(getattr(region, field) or ()):
                if code not in known:
                    what = "tariff" if field == "tariffs" else "payment method"
                    yield ("regions", r, field, i), f"refers to undefined {what} {code!r}"
    yield from _catalogue_problems(config, set(tariffs))
    if config.login.choose_region and not config.regions:
        yield ("login", "choose_region"), "is set but the tenant defines no regions"
    yield from _recovery_problems(config)
    yield from _money_problems(config)
    regions = {r.code for r in config.regions}
    for n, item in enumerate(config.news.items):
        for i, code in enumerate(item.regions):
            if code not in regions:
                yield ("news", "items", n, "regions", i), f"refers to undefined region {code!r}"
        for i, code in enumerate(item.tariffs):
            if code not in tariffs:
                yield ("news", "items", n, "tariffs", i), f"refers to undefined tariff {code!r}"


def _catalogue_problems(config: TenantConfig, tariffs: set[str]) -> Iterator[Problem]:
    for r, region in enumerate(config.regions):
        for code in region.prices:
            if code not in tariffs:
                yield ("regions", r, "prices", code), f"refers to undefined tariff {code!r}"
    change = config.catalogue.tariff_change
    path = ("catalogue", "tariff_change")
    yield from _duplicates((*path, "timing"), list(change.timing))
    if isinstance(change.moves, dict):
        for source, targets in change.moves.items():
            if source not in tariffs:
                yield (*path, "moves", source), f"refers to undefined tariff {source!r}"
            for i, code in enumerate(targets):
                if code not in tariffs:
                    yield (*path, "moves", source, i), f"refers to undefined tariff {code!r}"


def _money_problems(config: TenantConfig) -> Iterator[Problem]:
    payments = config.payments
    if payments.min_amount > payments.max_amount:
        yield ("payments", "min_amount"), "is larger than max_amount"
    if payments.require_consent and payments.terms is None:
        yield ("payments", "terms"), "is needed when require_consent is set"
    yield from _choice_problems(config)
    yield from _without_login_problems(config)
    promised = config.billing.promised_payment
    if promised is not None:
        path = ("billing", "promised_payment")
        if (promised.amount == "fixed") != (promised.fixed_amount is not None):
            yield (*path, "fixed_amount"), "is needed exactly when amount is 'fixed'"
        if (promised.period == "rolling") != (promised.window_days is not None):
            yield (*path, "window_days"), "is needed exactly when period is 'rolling'"


def _choice_problems(config: TenantConfig) -> Iterator[Problem]:
    for i, method in enumerate(config.payments.methods):
        path = ("payments", "methods", i, "choices")
        if method.choices and method.kind not in CHOICE_KINDS:
            yield path, "only wallet and bank_online methods offer a choice of wallet or bank"
        elif method.online and method.kind in CHOICE_KINDS and not method.choices:
            yield path, "an online wallet or bank_online method must list its wallets or banks"
        yield from _duplicates(path, [c.code for c in method.choices])


def _without_login_problems(config: TenantConfig) -> Iterator[Problem]:
    payments = config.payments
    yield from _duplicates(
        ("payments", "without_login_find_by"), list(payments.without_login_find_by)
    )
    online = {m.code for m in payments.methods if m.online}
    for i, code in enumerate(payments.without_login_methods or ()):
        if code not in online:
            yield ("payments", "without_login_methods", i), f"refers to no online method {code!r}"


def _recovery_problems(config: TenantConfig) -> Iterator[Problem]:
    flows = config.recovery.flows
    yield from _duplicates(("recovery", "flows"), [f.code for f in flows])
    for i, flow in enumerate(flows):
        path = ("recovery", "flows", i)
        if (FindBy.IDENTIFIER in flow.find_by) != bool(flow.identifiers):
            yield (*path, "identifiers"), "is needed exactly when find_by has 'identifier'"
        if FindBy.REGION in flow.find_by and not config.regions:
            yield (*path, "find_by"), "asks for a region but the tenant defines no regions"
        yield from _duplicates((*path, "find_by"), list(flow.find_by))
        yield from _duplicates((*path, "deliver"), list(flow.deliver))


def _asset_problems(config: TenantConfig, folder: Path) -> Iterator[Problem]:
    for field in ("logo", "favicon"):
        name = getattr(config.branding, field)
        if name is None:
            continue
        path = (folder / "static" / name).resolve()
        if not path.is_relative_to((folder / "static").resolve()) or not path.is_file():
            yield ("branding", field), f"file static/{name} not found in the tenant folder"


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two #rrggbb colours."""
    hi, lo = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# Pairs the default theme draws as text on a fill; each must reach WCAG AA (4.5:1).
TEXT_PAIRS = (
    ("on_primary", "primary"),
    ("on_accent", "accent"),
    ("text", "background"),
    ("text", "surface"),
    ("muted", "background"),
    ("muted", "surface"),
    ("primary", "background"),
    ("danger", "background"),
)


def _contrast_problems(colours: Colours) -> Iterator[Problem]:
    for fg, bg in TEXT_PAIRS:
        ratio = contrast_ratio(getattr(colours, fg), getattr(colours, bg))
        if ratio < 4.5:
            yield (
                ("branding", "colours", fg),
                f"contrast against {bg} is {ratio:.2f}:1, WCAG AA needs 4.5:1",
            )
