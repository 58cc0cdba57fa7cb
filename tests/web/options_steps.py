"""Steps the option tests share: log in, switch an option on through its two pages."""

import re

from tests.conftest import CSRF_INPUT

PASSWORD = "Sunny-Garden-77"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
LOGINS = {
    "acme": lambda n: ({"account": f"{n:06d}"}, f"{n:06d}"),
    "athome": lambda n: ({"login": f"holiday_{n}"}, f"holiday_{n}"),
    "netbynet": lambda n: ({"contract": f"78000{n:04d}"}, f"78000{n:04d}"),
    "novotelecom": lambda n: ({"contract": f"10770{n:04d}"}, f"10770{n:04d}"),
    "iphome": lambda n: ({"login": f"ip-{n}"}, f"ip-{n}"),
    "tomtel": lambda n: ({"account": f"70100{n:04d}"}, f"70100{n:04d}"),
}
_numbers = iter(range(1, 10_000))


def cabinet(make_subscriber, tenant_client, slug="acme", balance=100_000, lang="en", **fields):
    """A logged-in browser of a new subscriber and the subscriber's facts."""
    n = next(_numbers)
    logins, login = LOGINS[slug](n)
    if slug == "iphome":
        fields.setdefault("region", "msk")
    facts = make_subscriber(
        tenant=slug, password=PASSWORD, balance=balance, logins=logins, **fields
    )
    host = f"{slug}.localhost"
    extra = {"region": "msk"} if slug == "iphome" else {}
    browser = tenant_client(host)
    browser.set_cookie("lang", lang, domain=host)
    response = browser.login(login or facts["account"], PASSWORD, **extra)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return browser, facts


def ask(browser, code: str, account: str, **fields):
    """Fill the option's page: the answer is the confirmation page (or the refusal)."""
    return browser.form(f"/my-services/{code}", {"account": account, **fields})


def switch_on(browser, code: str, account: str, **fields):
    """Both steps; returns the confirmation page and the answer to «Confirm»."""
    page = ask(browser, code, account, **fields)
    assert page.status_code == 200, page.get_data(as_text=True)[-3000:]
    html = page.get_data(as_text=True)
    data = dict(HIDDEN.findall(html))
    data["csrf_token"] = CSRF_INPUT.search(html).group(1)
    done = browser.post(f"/my-services/{code}/confirm", data=data)
    return page, done
