"""Normalising what subscribers type as a login."""

import pytest

from app.core.identifiers import candidates, normalise, normalise_phone
from app.tenancy.schema import Identifier, IdentifierKind, Text


@pytest.mark.parametrize(
    "typed",
    [
        "+7 913 555-12-34",
        "+79135551234",
        "8 913 555 12 34",
        "89135551234",
        "8(913)555-12-34",
        "+7 (913) 555-12-34",
        " 8-913-555-12-34 ",
    ],
)
def test_common_ways_of_writing_a_russian_mobile(typed):
    assert normalise_phone(typed) == "+79135551234"


@pytest.mark.parametrize("typed", ["12345", "not a phone", "+7 913 555", ""])
def test_not_a_phone(typed):
    assert normalise_phone(typed) is None


def test_email_is_lowercased_and_checked():
    assert normalise(IdentifierKind.EMAIL, " Ivan@Example.RU ") == "ivan@example.ru"
    assert normalise(IdentifierKind.EMAIL, "ivan") is None


def test_contract_numbers_ignore_spaces_and_case():
    assert normalise(IdentifierKind.CONTRACT, " ab 123-4 ") == "AB123-4"


def test_candidates_apply_the_tenant_pattern():
    label = Text({"ru": "x"})
    rules = (
        Identifier(kind=IdentifierKind.ACCOUNT, label=label, pattern=r"^(\d{9}|12345)$"),
        Identifier(kind=IdentifierKind.PHONE, label=label),
        Identifier(kind=IdentifierKind.NICKNAME, label=label),
    )
    assert candidates(rules, "123456789", "RU") == [
        ("account", "123456789"),
        ("nickname", "123456789"),
    ]
    assert candidates(rules, "12345", "RU") == [("account", "12345"), ("nickname", "12345")]
    assert candidates(rules, "1234", "RU") == [("nickname", "1234")]
    assert ("phone", "+79135551234") in candidates(rules, "8 913 555 12 34", "RU")
