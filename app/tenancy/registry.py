"""Loads every tenant folder at start-up and maps hosts to (tenant, region)."""

import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from .checks import tenant_problems
from .loader import ConfigProblem, TenantConfigError, YamlDocument
from .schema import Contacts, PaymentMethod, Region, Requisites, Tariff, TenantConfig, Text

SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
DEV_SUFFIX = ".localhost"


@dataclass(frozen=True, eq=False)
class Tenant:
    """One ISP: its validated config plus where its files live."""

    slug: str
    config: TenantConfig
    folder: Path
    template_overrides: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def tariffs(self) -> dict[str, Tariff]:
        return {t.code: t for t in self.config.catalogue.tariffs}

    @cached_property
    def regions(self) -> dict[str, Region]:
        return {r.code: r for r in self.config.regions}

    def region(self, code: str | None) -> Region | None:
        return self.regions.get(code) if code else None

    def timezone(self, region: Region | None) -> str:
        return region.timezone if region else self.config.timezone

    def contacts(self, region: Region | None) -> Contacts:
        return region.contacts if region and region.contacts else self.config.contacts

    def tariffs_for(self, region: Region | None) -> list[Tariff]:
        if region and region.tariffs is not None:
            return [self.tariffs[code] for code in region.tariffs]
        return list(self.config.catalogue.tariffs)

    def list_price(self, tariff: Tariff, region: Region | None) -> int:
        """The tariff's monthly fee in the region, without any promotion."""
        if region is not None and tariff.code in region.prices:
            return region.prices[tariff.code]
        return tariff.monthly_fee

    def monthly_fee(self, tariff: Tariff, region: Region | None, day: date) -> int:
        """What the tariff costs a month in the region on a local date: the promotional fee
        up to and including its last day, else the region's price, else the tariff's."""
        if tariff.promo is not None and day <= tariff.promo.until:
            return tariff.promo.monthly_fee
        return self.list_price(tariff, region)

    def payment_methods_for(self, region: Region | None) -> list[PaymentMethod]:
        methods = self.config.payments.methods
        if region and region.payment_methods is not None:
            return [m for m in methods if m.code in region.payment_methods]
        return list(methods)

    def requisites_for(self, region: Region | None) -> Requisites | None:
        """The bank details a payment for an account of this region goes to."""
        if region and region.requisites is not None:
            return region.requisites
        return self.config.payments.requisites

    @cached_property
    def has_requisites(self) -> bool:
        """Whether any region (or the tenant itself) can print a bank receipt."""
        return self.config.payments.requisites is not None or any(
            r.requisites is not None for r in self.config.regions
        )

    def text(self, value: Text | None, locale: str) -> str:
        return value.get(locale, self.config.locales.default) if value else ""


@dataclass(frozen=True)
class Site:
    """What one host name serves: a tenant, maybe one of its regions, maybe a pinned locale."""

    tenant: Tenant
    region: Region | None = None
    locale: str | None = None
    development: bool = False  # a *.localhost name, served only with development hosts on


@dataclass(frozen=True)
class Registry:
    tenants: dict[str, Tenant]
    sites: dict[str, Site]

    def resolve(self, host: str) -> Site | None:
        """The site for a Host header value; the port and letter case do not matter."""
        return self.sites.get(self.host_name(host))

    @staticmethod
    def host_name(host: str) -> str:
        """A Host header value as the host name sites are keyed by: no port, lower case."""
        name = host.strip().lower()
        if name.startswith("["):
            name = name.split("]", 1)[0] + "]"
        else:
            name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
        return name.rstrip(".")

    def host_of(self, tenant: Tenant, region: Region | None, development: bool) -> str | None:
        """A configured host serving this region of the tenant (None: its region-less hosts),
        of the same kind as the caller's: development (*.localhost) or not. One that pins
        no locale comes first, then the order of the YAML."""
        code = region.code if region else None
        hosts = [
            host
            for host, site in self.sites.items()
            if site.tenant is tenant
            and site.development == development
            and (site.region.code if site.region else None) == code
        ]
        return min(hosts, key=lambda host: self.sites[host].locale is not None, default=None)


def _template_overrides(folder: Path) -> frozenset[str]:
    root = folder / "templates"
    if not root.is_dir():
        return frozenset()
    return frozenset(p.relative_to(root).as_posix() for p in root.rglob("*.html"))


def load_tenant(folder: Path, catalogues: set[str], shown_as: str) -> Tenant:
    """Read and validate one tenant folder; raise TenantConfigError naming every problem."""
    doc = YamlDocument.read(folder / "tenant.yaml", shown_as)
    config = doc.validate(TenantConfig)
    problems = [doc.problem(loc, msg) for loc, msg in tenant_problems(config, folder, catalogues)]
    if problems:
        raise TenantConfigError(problems)
    return Tenant(folder.name, config, folder, _template_overrides(folder))


def _site_entries(tenant: Tenant, dev_hosts: bool):
    """(host, site, key path) for each host of a tenant, explicit ones first."""
    config = tenant.config
    for i, host in enumerate(config.hosts):
        site = Site(tenant, None, host.locale, host.host.endswith(DEV_SUFFIX))
        yield host.host, site, ("hosts", i, "host")
    for r, region in enumerate(config.regions):
        for i, host in enumerate(region.hosts):
            site = Site(tenant, region, host.locale, host.host.endswith(DEV_SUFFIX))
            yield host.host, site, ("regions", r, "hosts", i, "host")
    if dev_hosts:
        yield f"{tenant.slug}{DEV_SUFFIX}", Site(tenant, development=True), None
        for region in config.regions:
            yield f"{region.code}.{tenant.slug}{DEV_SUFFIX}", Site(tenant, region, None, True), None


def _tenant_folders(roots: list[Path], problems: list[ConfigProblem]):
    for root in roots:
        if not root.is_dir():
            problems.append(ConfigProblem(str(root), 0, "", "tenants folder not found"))
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name[0] not in "._"):
            yield folder, f"{root.name}/{folder.name}/tenant.yaml"


def load_registry(roots: list[Path], catalogues: set[str], dev_hosts: bool) -> Registry:
    """Load every tenant under the roots; raise with all problems of all tenants at once."""
    problems: list[ConfigProblem] = []
    tenants: dict[str, Tenant] = {}
    sites: dict[str, Site] = {}
    owners: dict[str, str] = {}
    for folder, shown_as in _tenant_folders(roots, problems):
        if not SLUG.match(folder.name):
            problems.append(ConfigProblem(shown_as, 0, "", "folder name is not a valid slug"))
            continue
        if folder.name in tenants:
            problems.append(ConfigProblem(shown_as, 0, "", "a tenant of this name already exists"))
            continue
        try:
            tenant = load_tenant(folder, catalogues, shown_as)
        except TenantConfigError as exc:
            problems += exc.problems
            continue
        tenants[tenant.slug] = tenant
        doc_lines = None
        for host, site, path in _site_entries(tenant, dev_hosts):
            if host.endswith(DEV_SUFFIX) and not dev_hosts:
                continue
            if host in sites and path is None:
                continue  # an explicit entry already configured this development host
            if host in owners and path is not None:
                doc_lines = doc_lines or YamlDocument.read(folder / "tenant.yaml", shown_as)
                problems.append(
                    doc_lines.problem(path, f"host {host!r} is already used by {owners[host]}")
                )
                continue
            sites[host] = site
            owners[host] = f"tenant {tenant.slug}"
    if problems:
        raise TenantConfigError(problems)
    if not tenants:
        raise TenantConfigError(
            [ConfigProblem(os.pathsep.join(map(str, roots)), 0, "", "no tenant folders found")]
        )
    return Registry(tenants, sites)
