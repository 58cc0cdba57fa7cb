"""The tenant's `profile:` keys: defaults, and a registration that must mail the contract's
own e-mail."""

import shutil
from pathlib import Path

import pytest

from app.tenancy.registry import load_registry
from tests.unit.test_schema import ACME, LOCALES, problems


@pytest.fixture
def tenants_dir(tmp_path: Path) -> Path:
    root = tmp_path / "tenants"
    shutil.copytree(ACME, root / "acme")
    return root


def add(root: Path, block: str) -> None:
    path = root / "acme" / "tenant.yaml"
    path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")


def test_by_default_no_login_change_and_no_registration(tenants_dir):
    profile = load_registry([tenants_dir], LOCALES, dev_hosts=True).tenants["acme"].config.profile
    assert not profile.login_change.allowed and not profile.registration.offered


def test_registration_must_ask_for_the_email_on_record(tenants_dir):
    add(tenants_dir, "profile:\n  registration:\n    offered: true\n    find_by: [contract]\n")
    (problem,) = problems(tenants_dir)
    assert "profile.registration.find_by" in problem and "must include email" in problem


def test_registration_asks_only_for_typed_fields(tenants_dir):
    add(tenants_dir, "profile:\n  registration:\n    find_by: [email, region]\n")
    (problem,) = problems(tenants_dir)
    assert "cannot ask for region" in problem


def test_the_real_tenants_profile_rules(app):
    tenants = app.extensions["tenancy"].tenants
    assert tenants["athome"].config.profile.login_change.at_first_login
    assert tenants["tomtel"].config.profile.registration.offered
    assert not tenants["netbynet"].config.profile.registration.offered
