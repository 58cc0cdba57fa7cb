"""A person pays by card, reading pages as a browser shows them: links, labels, buttons.

No Playwright here: a small reader of the HTML finds fields by their visible labels and
submits forms with every hidden input, as a browser without JavaScript would.
"""

import re
from html.parser import HTMLParser

PASSWORD = "Sunny-Garden-77"


class Form:
    def __init__(self, attrs: dict):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.fields: list[dict] = []
        self.buttons: list[str] = []


class PageReader(HTMLParser):
    """Collects forms, their fields and buttons, labels, links and the visible text."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[Form] = []
        self.labels: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._open: list[tuple[str, dict, list[str]]] = []
        self._form: Form | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
        elif tag in ("input", "select") and self._form is not None:
            self._form.fields.append({**attrs, "tag": tag})
        elif tag == "option" and self._form is not None and "selected" in attrs:
            self._form.fields[-1]["value"] = attrs.get("value")
        if tag in ("label", "a", "button", "style"):
            self._open.append((tag, attrs, []))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if self._open and self._open[-1][0] == tag:
            _, attrs, parts = self._open.pop()
            words = " ".join("".join(parts).split())
            if tag == "label" and attrs.get("for"):
                self.labels[words] = attrs["for"]
            elif tag == "a":
                self.links.append((words, attrs.get("href", "")))
            elif tag == "button" and self._form is not None:
                self._form.buttons.append(words)

    def handle_data(self, data):
        for _, _, parts in self._open:
            parts.append(data)
        if not any(tag == "style" for tag, _, _ in self._open):
            self.text.append(data)


class Browser:
    def __init__(self, client, path: str = "/", language: str = "en"):
        self.client = client
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        self.go(path)

    def go(self, path: str) -> None:
        response = self.client.get(path)
        while response.status_code in (301, 302, 303):
            path = response.headers["Location"]
            response = self.client.get(path)
        assert response.status_code == 200, response.status_code
        self.url, self.page = path, PageReader(response.get_data(as_text=True))
        self.typed: dict[str, str] = {}

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.page.text).split())

    def click(self, link_text: str) -> None:
        self.go(next(href for text, href in self.page.links if text == link_text))

    def _field_id(self, label: str) -> str:
        return next(for_id for text, for_id in self.page.labels.items() if text.startswith(label))

    def fill(self, label: str, value: str) -> None:
        field_id = self._field_id(label)
        field = next(f for form in self.page.forms for f in form.fields if f.get("id") == field_id)
        self.typed[field["name"]] = value

    def choose(self, label: str) -> None:
        field_id = self._field_id(label)
        field = next(f for form in self.page.forms for f in form.fields if f.get("id") == field_id)
        self.typed[field["name"]] = field.get("value", "y")

    def press(self, button: str) -> None:
        form = next(f for f in self.page.forms if any(b.startswith(button) for b in f.buttons))
        data = {}
        for field in form.fields:
            kind = field.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in field:
                continue
            data.setdefault(field["name"], field.get("value", ""))
        data.update(self.typed)
        response = self.client.post(form.action or self.url, data=data)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            self.go(response.headers["Location"])
        else:
            self.page = PageReader(response.get_data(as_text=True))


def test_a_subscriber_pays_by_card_reading_the_pages(tenant_client, make_subscriber):
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})
    browser = Browser(tenant_client("athome.localhost"), "/login")
    browser.fill("Login", "petrov")  # the ISP's own label, from its YAML
    browser.fill("Password", PASSWORD)
    browser.press("Log in")
    assert "Balance" in browser.text
    browser.click("Top up")
    browser.choose("Bank card")
    browser.fill("Amount", "500")
    browser.press("Pay")
    assert "Sandbox bank" in browser.text and "500.00" in browser.text
    browser.fill("Card number", "2200 0000 0000 0004")
    browser.fill("Valid until", "12/39")
    browser.fill("CVC", "123")
    browser.press("Pay")
    code = re.search(r"Test code: (\d{6})", browser.text).group(1)
    browser.fill("One-time password", code)
    browser.press("Confirm")
    assert re.search(r"Result: credited\. Your balance is now \D*500\.00", browser.text)
    browser.click("Back to my account")
    assert re.search(r"Balance \D*500\.00", browser.text)
