"""Tenant config validation: every kind of mistake is reported as file:line: key: problem."""

import shutil
from pathlib import Path

import pytest

from app.tenancy.loader import TenantConfigError
from app.tenancy.registry import load_registry

ACME = Path(__file__).resolve().parent.parent / "data" / "tenants" / "acme"
LOCALES = {"ru", "en", "hi"}


@pytest.fixture
def tenants_dir(tmp_path: Path) -> Path:
    root = tmp_path / "tenants"
    shutil.copytree(ACME, root / "acme")
    return root


def edit(root: Path, old: str, new: str, slug: str = "acme") -> None:
    path = root / slug / "tenant.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in the test tenant"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, needle: str, slug: str = "acme") -> int:
    lines = (root / slug / "tenant.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def problems(root: Path, locales: set[str] = LOCALES) -> list[str]:
    with pytest.raises(TenantConfigError) as caught:
        load_registry([root], locales, dev_hosts=True)
    return [str(p) for p in caught.value.problems]


def test_the_test_tenant_is_valid(tenants_dir):
    registry = load_registry([tenants_dir], LOCALES, dev_hosts=True)
    assert list(registry.tenants) == ["acme"]


def test_unknown_key_is_named_with_its_line(tenants_dir):
    edit(tenants_dir, "  menu: left", "  menu: left\n  menu_colour: red")
    line = line_of(tenants_dir, "menu_colour")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: branding.menu_colour: unknown key"
    ]


def test_wrong_type(tenants_dir):
    edit(tenants_dir, "speed_mbps: 100", "speed_mbps: fast")
    line = line_of(tenants_dir, "speed_mbps: fast")
    (problem,) = problems(tenants_dir)
    assert problem.startswith(f"tenants/acme/tenant.yaml:{line}: catalogue.tariffs.0.speed_mbps: ")
    assert "integer" in problem


def test_money_with_three_decimals_is_refused(tenants_dir):
    edit(tenants_dir, 'monthly_fee: "930.50"', 'monthly_fee: "930.505"')
    (problem,) = problems(tenants_dir)
    assert "catalogue.tariffs.1.monthly_fee: has more than two digits" in problem


def test_missing_required_key(tenants_dir):
    edit(tenants_dir, "legal_name: ООО «Акме Телеком»\n", "")
    (problem,) = problems(tenants_dir)
    assert problem == "tenants/acme/tenant.yaml:2: legal_name: is required"


def test_missing_translation_of_isp_text(tenants_dir):
    edit(tenants_dir, "name: {ru: Базовый, en: Basic, hi: बेसिक}", "name: {ru: Базовый, en: Basic}")
    line = line_of(tenants_dir, "name: {ru: Базовый")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: catalogue.tariffs.0.name: missing the 'hi' translation"
    ]


def test_region_refers_to_undefined_tariff(tenants_dir):
    edit(tenants_dir, "tariffs: [basic]", "tariffs: [basic, turbo]")
    line = line_of(tenants_dir, "tariffs: [basic, turbo]")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: regions.0.tariffs.1: refers to undefined tariff 'turbo'"
    ]


def test_locale_without_catalogue(tenants_dir):
    line = line_of(tenants_dir, "locales:")
    (problem,) = problems(tenants_dir, locales={"ru", "en"})
    assert problem == (
        f"tenants/acme/tenant.yaml:{line}: locales.available.2: "
        "no translation catalogue for locale 'hi'"
    )


def test_host_claimed_by_two_tenants(tenants_dir):
    shutil.copytree(tenants_dir / "acme", tenants_dir / "acme-two")
    edit(tenants_dir, "host: hindi.acme.test", "host: hindi.acme-two.test", slug="acme-two")
    edit(tenants_dir, "host: north.acme.test", "host: north.acme-two.test", slug="acme-two")
    line = line_of(tenants_dir, "host: lk.acme.test", slug="acme-two")
    assert problems(tenants_dir) == [
        f"tenants/acme-two/tenant.yaml:{line}: hosts.0.host: "
        "host 'lk.acme.test' is already used by tenant acme"
    ]


def test_low_contrast_brand_colours(tenants_dir):
    edit(tenants_dir, 'on_primary: "#ffffff"', 'on_primary: "#3a6a8a"')
    line = line_of(tenants_dir, "colours:")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: branding.colours.on_primary: "
        "contrast against primary is 1.45:1, WCAG AA needs 4.5:1"
    ]


def test_missing_logo_file(tenants_dir):
    (tenants_dir / "acme" / "static" / "logo.svg").unlink()
    line = line_of(tenants_dir, "logo: logo.svg")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: branding.logo: file static/logo.svg not found in the "
        "tenant folder"
    ]


def test_broken_yaml_names_its_line(tenants_dir):
    edit(tenants_dir, "legal_name: ООО «Акме Телеком»", "legal_name: [unclosed")
    (problem,) = problems(tenants_dir)
    assert problem.startswith("tenants/acme/tenant.yaml:")
    assert "not valid YAML" in problem


def test_every_problem_is_reported_at_once(tenants_dir):
    edit(tenants_dir, "speed_mbps: 100", "speed_mbps: -1")
    edit(tenants_dir, "  menu: left", "  menu: middle")
    assert len(problems(tenants_dir)) == 2


def test_bad_regular_expression_in_login_pattern(tenants_dir):
    edit(tenants_dir, r"pattern: '^\d{6}$'", "pattern: '^(\\d{6}$'")
    (problem,) = problems(tenants_dir)
    assert "login.identifiers.0.pattern: is not a valid regular expression" in problem


def test_the_five_launch_tenants_are_valid():
    root = Path(__file__).resolve().parent.parent.parent / "tenants"
    registry = load_registry([root], LOCALES, dev_hosts=True)
    assert set(registry.tenants) >= {"athome", "netbynet", "novotelecom", "tomtel", "iphome"}


CARD_METHOD = """
payments:
  methods:
    - code: card
      kind: card
      online: true
      name: {ru: Банковская карта, en: Bank card, hi: बैंक कार्ड}
      brands:
        - {ru: МИР, en: Mir, hi: Mir}
        - {ru: Visa, en: Visa, hi: Visa}
"""


def add_payments(root: Path, block: str = CARD_METHOD) -> None:
    path = root / "acme" / "tenant.yaml"
    path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")


def test_brands_are_isp_text_in_every_locale(tenants_dir):
    add_payments(tenants_dir)
    registry = load_registry([tenants_dir], LOCALES, dev_hosts=True)
    (method,) = registry.tenants["acme"].config.payments.methods
    assert [b.get("en") for b in method.brands] == ["Mir", "Visa"]
    edit(tenants_dir, "{ru: МИР, en: Mir, hi: Mir}", "{ru: МИР, en: Mir}")
    line = line_of(tenants_dir, "{ru: МИР, en: Mir}")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: payments.methods.0.brands.0: "
        "missing the 'hi' translation"
    ]


def test_a_brand_written_in_one_language_only_is_refused(tenants_dir):
    add_payments(tenants_dir, CARD_METHOD.replace("{ru: МИР, en: Mir, hi: Mir}", "МИР"))
    line = line_of(tenants_dir, "- МИР")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: payments.methods.0.brands.0: "
        "must be written once per locale, e.g. {ru: …, en: …, hi: …}"
    ]


WALLET_METHOD = """
    - code: wallet
      kind: wallet
      online: true
      name: {ru: Кошельки, en: E-wallets, hi: ई-वॉलेट}
      choices:
        - code: qiwi
          name: {ru: QIWI Кошелёк, en: QIWI Wallet, hi: QIWI वॉलेट}
"""


def test_wallets_are_listed_with_codes_and_isp_names(tenants_dir):
    add_payments(tenants_dir, CARD_METHOD + WALLET_METHOD)
    registry = load_registry([tenants_dir], LOCALES, dev_hosts=True)
    (_, wallet) = registry.tenants["acme"].config.payments.methods
    assert [(c.code, c.name.get("en")) for c in wallet.choices] == [("qiwi", "QIWI Wallet")]


def test_an_online_wallet_must_list_its_wallets(tenants_dir):
    block = WALLET_METHOD[: WALLET_METHOD.index("      choices:")]
    add_payments(tenants_dir, CARD_METHOD + block)
    line = line_of(tenants_dir, "code: wallet")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: payments.methods.1.choices: "
        "an online wallet or bank_online method must list its wallets or banks"
    ]


def test_only_wallets_and_banks_offer_a_choice(tenants_dir):
    card = CARD_METHOD + "      choices:\n        - {code: qiwi, name: {ru: Q, en: Q, hi: Q}}\n"
    add_payments(tenants_dir, card)
    assert any(
        "payments.methods.0.choices: only wallet and bank_online methods offer a choice" in p
        for p in problems(tenants_dir)
    )


def test_a_wallet_listed_twice_is_refused(tenants_dir):
    twice = WALLET_METHOD + "        - {code: qiwi, name: {ru: Q, en: Q, hi: Q}}\n"
    add_payments(tenants_dir, CARD_METHOD + twice)
    (problem,) = problems(tenants_dir)
    assert "payments.methods.1.choices.1: 'qiwi' is defined twice" in problem


def test_paying_without_login_names_online_methods_and_known_keys(tenants_dir):
    flags = "  without_login: true\n  without_login_methods: [card, cash]\n"
    add_payments(tenants_dir, CARD_METHOD + flags)
    line = line_of(tenants_dir, "without_login_methods")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: payments.without_login_methods.1: "
        "refers to no online method 'cash'"
    ]


def test_paying_without_login_finds_by_account_contract_or_phone(tenants_dir):
    add_payments(tenants_dir, CARD_METHOD + "  without_login_find_by: [contract, surname]\n")
    (problem,) = problems(tenants_dir)
    assert "payments.without_login_find_by.1: " in problem and "'account'" in problem


def test_look_up_limits_are_rates(tenants_dir):
    add_payments(tenants_dir, CARD_METHOD + "  lookup_limits: {address: lots}\n")
    (problem,) = problems(tenants_dir)
    assert "payments.lookup_limits.address: 'lots' is not a rate such as '3 per hour'" in problem


@pytest.mark.parametrize("minutes", ["0", "1441", "soon"])
def test_temporary_password_lifetime_is_checked(tenants_dir, minutes):
    path = tenants_dir / "acme" / "tenant.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{text}recovery:\n  temporary_password_minutes: {minutes}\n", encoding="utf-8")
    line = line_of(tenants_dir, "temporary_password_minutes")
    (problem,) = problems(tenants_dir)
    assert problem.startswith(
        f"tenants/acme/tenant.yaml:{line}: recovery.temporary_password_minutes: "
    )


def test_temporary_password_lifetime_defaults_to_an_hour(tenants_dir):
    registry = load_registry([tenants_dir], LOCALES, dev_hosts=True)
    assert registry.tenants["acme"].config.recovery.temporary_password_minutes == 60
