"""Every statement URL that names an account or an entry answers 404 for anyone else's.

The rules are read from the application's URL map, so a page added to the statements
blueprint later is checked too: one taking an entry in its path gets another subscriber's
entry, every other one gets another subscriber's account number in its query string.
"""

import re
from datetime import UTC, datetime

import pytest

from app.core.ledger import EntryKind
from tests.web.test_statements import PASSWORD, post, text_of

# The blueprint's own files; they belong to nobody.
NOT_OWNED = {"statements.static"}
ENTRY = "entry_id"


def statement_rules(app) -> list:
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("statements.") and rule.endpoint not in NOT_OWNED
    ]
    assert {r.endpoint for r in rules} >= {
        "statements.statement",
        "statements.statement_csv",
        "statements.receipt",
        "statements.receipt_pdf",
        "statements.bank_receipt",
        "statements.bank_receipt_pdf",
    }
    return rules


def url_for_someone_else(rule, account: str, entry_id: int) -> str:
    if ENTRY in rule.arguments:
        return rule.build({ENTRY: entry_id})[1]
    assert not rule.arguments, f"{rule.rule}: teach this test what {rule.arguments} is"
    return f"{rule.rule}?account={account}"


def main_of(response) -> str:
    """The page's own content, without the menu and the language switcher around it, and
    without the request code for support, which every response has its own of."""
    main = re.search(r"<main\b.*?</main>", text_of(response), re.S)[0]
    return re.sub(r'<p class="request-id">.*?</p>', "", main)


@pytest.fixture
def owner(app, make_subscriber, tenant_client):
    """A tomtel subscriber with a payment of her own; tomtel publishes bank requisites."""
    facts = make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "555000333"})
    post(app, facts, [(datetime.now(UTC), 50000, EntryKind.PAYMENT, "own")], "tomtel")
    client = tenant_client("tomtel.localhost")
    client.set_cookie("lang", "ru", domain="tomtel.localhost")
    client.login("555000333", PASSWORD)
    facts["client"] = client
    return facts


def stranger(app, make_subscriber, tenant: str) -> tuple[str, int]:
    """Another subscriber's account number and payment entry."""
    logins = {"login": "stranger1"} if tenant == "athome" else None
    facts = make_subscriber(tenant=tenant, password=PASSWORD, logins=logins)
    (entry_id,) = post(app, facts, [(datetime.now(UTC), 70000, EntryKind.PAYMENT, "x")], tenant)
    return facts["account"], entry_id


@pytest.mark.parametrize("tenant", ["tomtel", "athome"], ids=["same ISP", "another ISP"])
def test_someone_elses_account_or_entry_is_not_found(app, owner, make_subscriber, tenant):
    client = owner["client"]
    account, entry_id = stranger(app, make_subscriber, tenant)
    unknown = client.get("/statement/receipt/999999999")
    assert unknown.status_code == 404
    for rule in statement_rules(app):
        url = url_for_someone_else(rule, account, entry_id)
        response = client.get(url)
        assert response.status_code == 404, url
        said = main_of(response)
        # Exactly what any missing thing gets: no form error, no account number, no hint.
        assert said == main_of(unknown), url
        assert "Исправьте период" not in said and account not in said


def test_own_account_pages_still_open(app, owner):
    client = owner["client"]
    for rule in statement_rules(app):
        if ENTRY in rule.arguments:
            continue
        response = client.get(f"{rule.rule}?account={owner['account']}")
        assert response.status_code == 200, rule.rule
    # Without an account in the link the first one is shown, as before.
    assert client.get("/statement").status_code == 200
    assert client.get("/statement?account=").status_code == 200
