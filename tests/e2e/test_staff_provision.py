"""Provisioning in a browser: one contract by the form, then a CSV with a mistake through its
dry run and an import in chunks to 100 %; axe and the width checked on each page."""

import pytest
from playwright.sync_api import expect

from app.staff.import_run import CHUNK
from app.staff.roles import Role
from tests.e2e.test_accessibility import Audit
from tests.web.staff_steps import PASSWORD, forget_used_codes, make_member

pytestmark = pytest.mark.e2e
SLUG = "novotelecom"
HEADER = "surname;first_name;phone;region;contract;account;address;tariff"
# More rows than a chunk: the page's script must post the rest after the start's first.
ROWS = CHUNK + 5


def _csv(device: str) -> bytes:
    lines = [HEADER]
    for n in range(ROWS):
        phone = "12345" if n == 1 else f"+7 913 557-{len(device):02d}-{n:02d}"
        lines.append(
            f"Смирнов;Андрей{n};{phone};nsk;E{len(device)}-{n};E{len(device)}{n:03d};"
            f"Новосибирск, ул. Гоголя, {n};domashniy-100"
        )
    return "\n".join(lines).encode("utf-8-sig")


def _log_in(page, portal, member) -> None:
    portal.open(page, SLUG, "/staff/login")
    page.get_by_label(portal.t(page, "E-mail"), exact=True).fill(member.email)
    page.get_by_label(portal.t(page, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=portal.t(page, "Continue")).click()
    page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True).fill(
        member.code()
    )
    page.get_by_role("button", name=portal.t(page, "Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal.t(page, "Staff console"))


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_administrator_creates_a_contract_and_imports_a_file(
    app, live_server, portal, open_page, device
):
    admin = make_member(app, SLUG, Role.ADMINISTRATOR, email=f"admin-{device}@staff.example")
    forget_used_codes(app, admin)
    page = open_page(device)
    audit = Audit()
    t = lambda message: portal.t(page, message)  # noqa: E731

    _log_in(page, portal, admin)
    page.get_by_role("link", name=t("New contracts"), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New contract"))
    page.get_by_role("button", name=t("Create the contract")).click()
    expect(page.get_by_label(t("Surname"), exact=True)).to_have_attribute("aria-invalid", "true")
    audit.check(page, "new contract, empty form sent")

    page.get_by_label(t("Surname"), exact=True).fill("Петров")
    page.get_by_label(t("First name"), exact=True).fill("Иван")
    page.get_by_label(t("Mobile phone"), exact=True).fill(f"+7 913 555-{len(device):02d}-01")
    page.get_by_label(t("Region"), exact=True).select_option("nsk")
    page.get_by_label(t("Address of the service point"), exact=True).fill(
        "Новосибирск, ул. Ленина, 10, кв. 5"
    )
    page.get_by_label(t("Tariff"), exact=True).select_option("domashniy-100")
    page.get_by_role("button", name=t("Create the contract")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Connection details"))
    expect(page.get_by_test_id("contract")).not_to_be_empty()
    audit.check(page, "new contract, connection details")

    portal.open(page, SLUG, "/staff/provision/")
    page.get_by_role("link", name=t("Import many contracts from a CSV file")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Import contracts from CSV"))
    audit.check(page, "import page")

    page.get_by_label(t("CSV file"), exact=True).set_input_files(
        {"name": f"contracts-{device}.csv", "mimeType": "text/csv", "buffer": _csv(device)}
    )
    page.get_by_role("button", name=t("Check the file")).click()
    expect(page.get_by_role("heading", level=2, name=t("Dry run"))).to_be_visible()
    problem = page.get_by_role("table").locator("tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("th")).to_have_text("3")  # the header is line 1
    expect(problem.locator("td").first).to_have_text("phone")
    audit.check(page, "import, dry run report")

    start = page.locator("form[action$='/start'] button")
    expect(start).to_contain_text(str(ROWS - 1))
    start.click()
    expect(page.get_by_text(t("The import is finished."))).to_be_visible(timeout=30_000)
    expect(page.locator('[data-field="percent"]')).to_have_text("100")
    expect(page.locator('[data-field="created"]')).to_have_text(str(ROWS - 1))
    expect(page.locator("progress")).to_have_attribute("value", "100")
    audit.check(page, "import, finished")
    audit.assert_clean()
