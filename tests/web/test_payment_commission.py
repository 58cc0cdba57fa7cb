"""A method's commission (percentage, fixed part, minimum) is shown before paying."""

import re
import shutil
from pathlib import Path

import pytest

ACME = Path(__file__).resolve().parents[1] / "data" / "tenants" / "acme"
PASSWORD = "Sunny-Garden-77"
METHODS = """
payments:
  methods:
    - code: card
      kind: card
      online: true
      name: {ru: Банковская карта, en: Bank card, hi: बैंक कार्ड}
      commission: {percent: 2, minimum: 30}
    - code: wallet
      kind: wallet
      online: true
      name: {ru: Кошелёк, en: E-wallet, hi: ई-वॉलेट}
      choices: [{code: yoomoney, name: {ru: ЮMoney, en: YooMoney, hi: YooMoney}}]
      commission: {percent: 1.5, fixed: 10}
    - code: sber
      kind: bank_online
      online: true
      name: {ru: Интернет-банк, en: Internet bank, hi: इंटरनेट बैंक}
      choices: [{code: sber, name: {ru: Сбербанк Онлайн, en: Sberbank Online, hi: Sberbank Online}}]
    - code: terminal
      kind: terminal
      name: {ru: Терминалы, en: Terminals, hi: टर्मिनल}
      commission: {fixed: 25}
"""


@pytest.fixture
def pay_page(tmp_path, make_app, tenant_client, make_subscriber):
    """The pay page of a subscriber with this balance, in English."""
    folder = tmp_path / "tenants" / "acme"
    shutil.copytree(ACME, folder)
    yaml = folder / "tenant.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + METHODS, encoding="utf-8")
    portal = make_app(PORTAL_TENANTS_DIR=str(folder.parent))
    portal.test_client_class = type(tenant_client("acme.localhost"))

    def page(balance: int) -> str:
        facts = make_subscriber(tenant="acme", password=PASSWORD, balance=balance)
        client = portal.test_client()
        client.host = "acme.localhost"
        assert client.login(facts["account"], PASSWORD).status_code == 302
        client.set_cookie("lang", "en", domain="acme.localhost")
        html = client.get("/payments").get_data(as_text=True)
        return re.sub(r"\s+", " ", html).replace("\xa0", " ")

    return page


def hint(page: str, code: str) -> str:
    tag = next(t for t in re.findall(r"<input [^>]*>", page) if f'value="{code}"' in t)
    described = re.search(r'aria-describedby="([^"]+)"', tag)[1]
    return re.search(rf'id="{described}">([^<]+)<', page)[1]


def test_below_the_minimum_the_minimum_is_charged(pay_page):
    page = pay_page(0)  # a month of «Базовый» is 600 ₽; 2 % of it is 12 ₽
    assert hint(page, "card") == (
        "Commission 2%, at least ₽30.00: ₽30.00 on ₽600.00, ₽630.00 in all."
    )


def test_above_the_minimum_the_percentage_is_charged(pay_page):
    page = pay_page(-200000)  # a debt of 2,000 ₽ and the month: 2,600 ₽; 2 % is 52 ₽
    assert hint(page, "card") == (
        "Commission 2%, at least ₽30.00: ₽52.00 on ₽2,600.00, ₽2,652.00 in all."
    )


def test_a_percentage_plus_a_fixed_part_and_no_commission(pay_page):
    page = pay_page(0)
    assert hint(page, "wallet") == "Commission 1.5% + ₽10.00: ₽19.00 on ₽600.00, ₽619.00 in all."
    assert hint(page, "sber") == "No commission."
    assert "Commission ₽25.00." in page  # the terminals, shown as information
