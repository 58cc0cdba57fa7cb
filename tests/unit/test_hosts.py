"""Which tenant and region a Host header picks."""

from pathlib import Path

import pytest

from app.tenancy.registry import load_registry

TEST_TENANTS = Path(__file__).resolve().parent.parent / "data" / "tenants"


@pytest.fixture(scope="module")
def registry():
    return load_registry([TEST_TENANTS], {"ru", "en", "hi"}, dev_hosts=True)


@pytest.mark.parametrize(
    ("host", "slug", "region"),
    [
        ("lk.acme.test", "acme", None),
        ("LK.Acme.Test", "acme", None),
        ("lk.acme.test:8443", "acme", None),
        ("lk.acme.test.", "acme", None),
        ("north.acme.test", "acme", "north"),
        ("acme.localhost:5000", "acme", None),
        ("south.acme.localhost", "acme", "south"),
    ],
)
def test_known_hosts(registry, host, slug, region):
    site = registry.resolve(host)
    assert site.tenant.slug == slug
    assert (site.region.code if site.region else None) == region


@pytest.mark.parametrize(
    "host", ["", "acme.test", "evil.lk.acme.test", "lk.acme.test.evil", "127.0.0.1", "[::1]:5000"]
)
def test_unknown_hosts_resolve_to_nothing(registry, host):
    assert registry.resolve(host) is None


def test_a_host_can_pin_a_locale(registry):
    assert registry.resolve("hindi.acme.test").locale == "hi"
    assert registry.resolve("lk.acme.test").locale is None


def test_development_hosts_are_off_in_production():
    registry = load_registry([TEST_TENANTS], {"ru", "en", "hi"}, dev_hosts=False)
    assert registry.resolve("acme.localhost") is None
    assert registry.resolve("lk.acme.test").tenant.slug == "acme"


def test_the_host_of_a_region_comes_from_the_configuration(registry):
    acme = registry.tenants["acme"]
    north, south = acme.region("north"), acme.region("south")
    assert registry.host_of(acme, north, development=False) == "north.acme.test"
    assert registry.host_of(acme, north, development=True) == "north.acme.localhost"
    assert registry.host_of(acme, None, development=False) == "lk.acme.test"  # pins no locale
    assert registry.host_of(acme, south, development=False) is None  # served by lk.acme.test
