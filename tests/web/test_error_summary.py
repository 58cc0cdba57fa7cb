"""A form sent with mistakes opens with a summary of them, each a link to its field."""

import re

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"


def summary(html: str) -> str:
    found = re.search(
        r'<div class="error-summary" tabindex="-1" data-error-summary>(.*?)</ul>', html, re.S
    )
    return re.sub(r"\s+", " ", found.group(1)) if found else ""


def test_login_sent_empty_lists_both_fields(tenant_client):
    client = tenant_client("tomtel.localhost")
    html = client.login("", "").get_data(as_text=True)
    told = summary(html)
    assert '<div role="alert">' in told
    assert "Please correct the form" in told
    assert '<a href="#login">' in told and '<a href="#password">' in told
    assert "Password: Please fill in this field." in told
    # Each link leads to a field that is on the page.
    for target in re.findall(r'<a href="#([\w-]+)">', told):
        assert f'id="{target}"' in html


def test_no_summary_before_the_form_is_sent_nor_for_a_wrong_password(
    tenant_client, make_subscriber
):
    client = tenant_client("tomtel.localhost")
    assert "data-error-summary" not in client.get("/login").get_data(as_text=True)
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701000111"})
    wrong = client.login("701000111", "not-the-password").get_data(as_text=True)
    # That is said in the notice above the form; no field is to blame.
    assert "data-error-summary" not in wrong
    assert "The login or password is incorrect." in wrong


def test_a_radio_group_is_reached_at_its_first_option(tenant_client, make_subscriber):
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})
    client = tenant_client("athome.localhost")
    assert client.login("petrov", PASSWORD).status_code == 302
    html = client.form("/payments", {"amount": "500"}).get_data(as_text=True)
    told = summary(html)
    assert '<a href="#method-0">' in told
    assert 'id="method-0"' in html
