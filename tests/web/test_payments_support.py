"""Helpers the payment tests share: read the «Result» line, go through the sandbox bank."""

import re

from flask import Flask

from app.extensions import db

OK_CARD = "4111 1111 1111 1111"


def result_line(html: str) -> str:
    """The text of the «Result» line on the result page."""
    match = re.search(r'data-testid="result">(.*?)</p>', html, re.S)
    assert match, "no «Result» line on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def input_value(html: str, name: str) -> str:
    """The value an input of the page is filled with."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def balance_of(app: Flask, account_id: int) -> int:
    """An account's balance in kopecks, read from the database."""
    from app.core.subscribers import Account

    with app.app_context():
        return db.session.get(Account, account_id).balance


def pay_with_card(client, card_page: str, number: str = OK_CARD, code: str | None = None):
    """Fill the sandbox card form and the 3-D Secure step; returns the final response."""
    response = client.form(card_page, {"number": number, "expiry": "12/39", "cvc": "123"})
    assert response.status_code == 302
    if not response.headers["Location"].endswith("/3ds"):
        return response
    otp_page = response.headers["Location"]
    page = client.get(otp_page).get_data(as_text=True)
    test_code = re.search(r'data-testid="test-code">(\d{6})<', page).group(1)
    return client.form(otp_page, {"code": code or test_code})


def result_after(client, response) -> str:
    """Follow the bank's redirect back to the portal; the «Result» line there."""
    location = response.headers["Location"]
    assert "/payments/result/" in location
    return result_line(client.get(location).get_data(as_text=True))
