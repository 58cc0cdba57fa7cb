"""Keys added for onboarding a new ISP: per-region requisites, commission, promised-payment
eligibility, the ISP's own names; numbers YAML would misread must be quoted."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from app.demo.service import read_demo
from app.tenancy.registry import load_registry
from app.tenancy.schema import Commission
from tests.unit.test_schema import ACME, LOCALES, edit, line_of, problems


@pytest.fixture
def tenants_dir(tmp_path: Path) -> Path:
    root = tmp_path / "tenants"
    shutil.copytree(ACME, root / "acme")
    return root


REQUISITES = """
payments:
  requisites:
    payee: ООО «Акме Телеком»
    inn: "2460000001"
    bank_name: ПАО Сбербанк
    bic: {bic}
    account: {account}
    correspondent_account: "30101810800000000627"
    purpose: {{ru: Оплата услуг связи, en: Payment for services, hi: सेवाओं का भुगतान}}
"""


REGION_REQUISITES = """    requisites:
      payee: ООО «Акме Юг»
      inn: "5400000002"
      bank_name: АО «Банк Юга»
      bic: "045004641"
      account: "40702810400000054321"
      correspondent_account: "30101810500000000641"
      purpose: {ru: Оплата услуг связи, en: Payment for services, hi: सेवाओं का भुगतान}
"""


def south_requisites(root: Path) -> None:
    edit(
        root,
        "    timezone: Asia/Novosibirsk\n",
        "    timezone: Asia/Novosibirsk\n" + REGION_REQUISITES,
    )


def add(root: Path, block: str) -> None:
    path = root / "acme" / "tenant.yaml"
    path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")


def load(root: Path):
    return load_registry([root], LOCALES, dev_hosts=True).tenants["acme"]


# -- numbers that must be quoted ------------------------------------------------------------


def test_quoted_requisites_are_read_as_written(tenants_dir):
    add(tenants_dir, REQUISITES.format(bic='"044525225"', account='"40702810938000012345"'))
    requisites = load(tenants_dir).config.payments.requisites
    assert (requisites.bic, requisites.account) == ("044525225", "40702810938000012345")


@pytest.mark.parametrize(
    ("bic", "account", "key"),
    [
        ("044525225", '"40702810938000012345"', "bic"),  # YAML 1.1: an octal integer
        ('"044525225"', "40702810938000012345", "account"),  # a plain integer
    ],
)
def test_an_unquoted_number_is_named_with_its_line_and_the_fix(tenants_dir, bic, account, key):
    add(tenants_dir, REQUISITES.format(bic=bic, account=account))
    line = line_of(tenants_dir, f"    {key}: ")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: payments.requisites.{key}: is a number to YAML: "
        'write it in quotes, e.g. "044525225", or its leading zeros are lost'
    ]


def test_an_unquoted_phone_number_is_refused(tenants_dir):
    edit(tenants_dir, '- number: "+7 391 000-00-00"', "- number: 3910000000")
    line = line_of(tenants_dir, "- number: 3910000000")
    (problem,) = problems(tenants_dir)
    assert problem.startswith(f"tenants/acme/tenant.yaml:{line}: contacts.phones.0.number: ")
    assert "write it in quotes" in problem


def test_an_unquoted_account_in_demo_yaml_is_refused(tenants_dir):
    demo = tenants_dir / "acme" / "demo.yaml"
    demo.write_text(
        demo.read_text(encoding="utf-8").replace('account: "100001"', "account: 0100001", 1),
        encoding="utf-8",
    )
    lines = demo.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "account: 0100001" in text)
    from app.tenancy.loader import TenantConfigError

    with pytest.raises(TenantConfigError) as caught:
        read_demo(load(tenants_dir))
    assert [str(p) for p in caught.value.problems] == [
        f"tenants/acme/demo.yaml:{line}: subscribers.0.account: is a number to YAML: "
        'write it in quotes, e.g. "044525225", or its leading zeros are lost'
    ]


# -- requisites per region ------------------------------------------------------------------


def test_a_region_overrides_the_tenants_requisites(tenants_dir):
    add(tenants_dir, REQUISITES.format(bic='"044525225"', account='"40702810938000012345"'))
    south_requisites(tenants_dir)
    acme = load(tenants_dir)
    assert acme.requisites_for(acme.region("south")).bic == "045004641"
    assert acme.requisites_for(acme.region("north")).bic == "044525225"
    assert acme.requisites_for(None).bic == "044525225"
    assert acme.has_requisites


def test_a_region_may_have_requisites_when_the_tenant_has_none(tenants_dir):
    south_requisites(tenants_dir)
    acme = load(tenants_dir)
    assert acme.requisites_for(acme.region("north")) is None
    assert acme.requisites_for(acme.region("south")).account == "40702810400000054321"
    assert acme.has_requisites


# -- commission -----------------------------------------------------------------------------


def test_no_commission_by_default():
    assert Commission().free and Commission().of(65000) == 0


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (100000, 3000),  # 2 % of 1000 ₽ is 20 ₽: below the 30 ₽ minimum
        (150000, 3000),  # exactly at the minimum
        (150100, 3002),  # 2 % of 1501 ₽ is 30.02 ₽: above it
        (500000, 10000),
    ],
)
def test_a_percentage_with_a_minimum(amount, expected):
    commission = Commission.model_validate({"percent": 2, "minimum": 30})
    assert commission.of(amount) == expected


def test_a_percentage_plus_a_fixed_part_rounds_half_a_kopeck_up():
    commission = Commission.model_validate({"percent": "1.5", "fixed": 10})
    assert commission.of(100) == 1002  # 1.5 kopecks -> 2, plus 10 ₽
    assert commission.of(65000) == 975 + 1000


def test_commission_is_written_in_roubles_and_the_old_key_is_gone(tenants_dir):
    add(
        tenants_dir,
        """
payments:
  methods:
    - code: card
      kind: card
      online: true
      name: {ru: Карта, en: Card, hi: कार्ड}
      commission: {percent: 2.5, fixed: 10, minimum: "30.50"}
""",
    )
    (method,) = load(tenants_dir).config.payments.methods
    commission = method.commission
    assert (commission.percent, commission.fixed, commission.minimum) == (
        Decimal("2.5"),
        1000,
        3050,
    )
    edit(
        tenants_dir,
        'commission: {percent: 2.5, fixed: 10, minimum: "30.50"}',
        "commission_percent: 2",
    )
    line = line_of(tenants_dir, "commission_percent")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: payments.methods.0.commission_percent: unknown key"
    ]


# -- promised payment and names -------------------------------------------------------------


def test_eligibility_keys_default_to_everyone_from_day_one(tenants_dir):
    add(tenants_dir, "billing: {promised_payment: {days: 3, max_debt: 500}}\n")
    rule = load(tenants_dir).config.billing.promised_payment
    assert (rule.organisations, rule.min_contract_days) == (True, 0)


def test_eligibility_keys_are_checked(tenants_dir):
    add(
        tenants_dir,
        "billing: {promised_payment: {days: 3, max_debt: 500, min_contract_days: -1}}\n",
    )
    (problem,) = problems(tenants_dir)
    assert "billing.promised_payment.min_contract_days: " in problem


def test_an_isp_name_needs_every_locale_and_known_keys(tenants_dir):
    add(
        tenants_dir,
        "names:\n  promised_payment: {ru: Отсрочка платежа, en: Deferral}\n  menu: {ru: x}\n",
    )
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line_of(tenants_dir, '  menu: {ru')}: names.menu: unknown key"
    ]
    edit(tenants_dir, "\n  menu: {ru: x}", "")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line_of(tenants_dir, 'promised_payment:')}: "
        "names.promised_payment: missing the 'hi' translation"
    ]


def test_every_name_an_isp_may_set_has_the_portals_default():
    from app.tenancy.names import DEFAULTS
    from app.tenancy.schema import Names

    assert set(DEFAULTS) == set(Names.model_fields)
