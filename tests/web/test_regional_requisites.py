"""A region's own bank details on its subscribers' bank receipt (ПД-4) and payment receipt."""

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.ledger import EntryKind, LedgerEntry
from app.extensions import db
from app.statements.qr import parse_payload

ACME = Path(__file__).resolve().parents[1] / "data" / "tenants" / "acme"
PASSWORD = "Sunny-Garden-77"

TENANT_REQUISITES = """
payments:
  methods:
    - code: bank
      kind: bank_transfer
      name: {ru: Банковский перевод, en: Bank transfer, hi: बैंक ट्रांसफ़र}
  requisites:
    payee: ООО «Акме Телеком»
    inn: "2460000001"
    bank_name: ПАО Сбербанк
    bic: "040407627"
    account: "40702810931000012345"
    correspondent_account: "30101810800000000627"
    purpose: {ru: Оплата услуг связи, en: Payment for services, hi: सेवाओं का भुगतान}
"""
SOUTH_REQUISITES = """    requisites:
      payee: ООО «Акме Юг»
      inn: "5400000002"
      bank_name: АО «Банк Юга»
      bic: "045004641"
      account: "40702810400000054321"
      correspondent_account: "30101810500000000641"
      purpose: {ru: Оплата связи (Юг), en: Payment for services (South), hi: सेवाओं का भुगतान}
"""


def acme_app(tmp_path, make_app, tenant_client, tenant_wide: bool):
    """The test tenant with the south region's own requisites, and the tenant's when asked."""
    folder = tmp_path / "tenants" / "acme"
    shutil.copytree(ACME, folder)
    yaml = folder / "tenant.yaml"
    text = yaml.read_text(encoding="utf-8").replace(
        "    timezone: Asia/Novosibirsk\n", "    timezone: Asia/Novosibirsk\n" + SOUTH_REQUISITES
    )
    yaml.write_text(text + (TENANT_REQUISITES if tenant_wide else ""), encoding="utf-8")
    portal = make_app(PORTAL_TENANTS_DIR=str(folder.parent))
    portal.test_client_class = type(tenant_client("acme.localhost"))
    return portal


def logged_in(portal, make_subscriber, region: str):
    facts = make_subscriber(tenant="acme", password=PASSWORD, region=region, balance=50000)
    client = portal.test_client()
    client.host = "acme.localhost"
    assert client.login(facts["account"], PASSWORD).status_code == 302
    client.set_cookie("lang", "en", domain="acme.localhost")
    return client, facts


def payload(response) -> dict:
    page = response.get_data(as_text=True)
    return parse_payload(re.search(r'data-payload="([^"]+)"', page)[1].replace("&#34;", '"'))


def payment_entry(portal, account_id: int) -> int:
    with portal.app_context():
        return db.session.scalar(
            sa.select(LedgerEntry.id).where(
                LedgerEntry.account_id == account_id, LedgerEntry.kind == EntryKind.PAYMENT
            )
        )


@pytest.mark.parametrize(
    ("region", "inn", "account"),
    [
        ("south", "5400000002", "40702810400000054321"),
        ("north", "2460000001", "40702810931000012345"),
    ],
)
def test_the_bank_receipt_pays_the_subscribers_regions_account(
    tmp_path, make_app, tenant_client, make_subscriber, region, inn, account
):
    portal = acme_app(tmp_path, make_app, tenant_client, tenant_wide=True)
    client, facts = logged_in(portal, make_subscriber, region)
    response = client.get("/statement/bank-receipt?amount=600")
    assert response.status_code == 200
    fields = payload(response)
    assert (fields["PayeeINN"], fields["PersonalAcc"]) == (inn, account)
    assert account in response.get_data(as_text=True)  # printed on the form, not only in the QR
    receipt = client.get(f"/statement/receipt/{payment_entry(portal, facts['account_id'])}")
    assert account in receipt.get_data(as_text=True)


def test_a_region_without_requisites_of_its_own_or_the_tenants_has_no_bank_receipt(
    tmp_path, make_app, tenant_client, make_subscriber
):
    portal = acme_app(tmp_path, make_app, tenant_client, tenant_wide=False)
    south, _ = logged_in(portal, make_subscriber, "south")
    assert "/statement/bank-receipt" in south.get("/").get_data(as_text=True)
    assert payload(south.get("/statement/bank-receipt?amount=600"))["BIC"] == "045004641"
    north, facts = logged_in(portal, make_subscriber, "north")
    assert north.get("/statement/bank-receipt").status_code == 404
    receipt = north.get(f"/statement/receipt/{payment_entry(portal, facts['account_id'])}")
    assert receipt.status_code == 200 and "Payee details" not in receipt.get_data(as_text=True)


def test_the_pay_page_gives_bank_transfer_the_subscribers_regions_account(
    tmp_path, make_app, tenant_client, make_subscriber
):
    portal = acme_app(tmp_path, make_app, tenant_client, tenant_wide=True)
    south, _ = logged_in(portal, make_subscriber, "south")
    page = south.get("/payments").get_data(as_text=True)
    details = page.split('data-testid="requisites"')[1].split("</dl>")[0]
    assert "40702810400000054321" in details and "045004641" in details
    assert "40702810931000012345" not in page
    north, _ = logged_in(portal, make_subscriber, "north")
    assert "40702810931000012345" in north.get("/payments").get_data(as_text=True)
