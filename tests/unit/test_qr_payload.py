"""The bank receipt's payment QR code: the ГОСТ Р 56042-2014 string a bank app reads."""

from types import SimpleNamespace

import pytest
import segno

from app.statements import qr
from app.tenancy.schema import Requisites, Text

REQUISITES = Requisites(
    payee="ООО «Томтел»",
    inn="7017123456",
    kpp="701701001",
    bank_name="ПАО «Сбербанк»",
    bic="046902606",
    account="40702810964000012345",
    correspondent_account="30101810800000000606",
    purpose=Text({"ru": "Оплата услуг связи"}),
)
PERSON = SimpleNamespace(
    kind="person", surname="Иванов", first_name="Иван", patronymic="Иванович", inn=None
)


def sample_payload(amount=123456, payer=PERSON, purpose="Оплата услуг связи") -> str:
    fields = qr.payment_fields(REQUISITES, purpose, amount, "12345", payer)
    return qr.build_payload(fields)


def test_the_payload_is_exactly_what_the_standard_asks_for():
    assert sample_payload() == (
        "ST00012|Name=ООО «Томтел»|PersonalAcc=40702810964000012345"
        "|BankName=ПАО «Сбербанк»|BIC=046902606|CorrespAcc=30101810800000000606"
        "|PayeeINN=7017123456|KPP=701701001|Sum=123456|Purpose=Оплата услуг связи"
        "|PersAcc=12345|LastName=Иванов|FirstName=Иван|MiddleName=Иванович"
    )


def test_the_header_says_utf8_and_the_string_encodes_as_utf8():
    payload = sample_payload()
    # ST + version 0001 + "2" = UTF-8 (1 would be windows-1251, 3 KOI8-R).
    assert payload.startswith("ST00012|")
    assert "Томтел".encode() in payload.encode("utf-8")


def test_sum_is_whole_kopecks_without_separators():
    fields = qr.parse_payload(sample_payload(amount=65050))
    assert fields["Sum"] == "65050"
    assert fields["Sum"].isdigit()


def test_no_amount_leaves_sum_out_so_the_payer_types_it():
    assert "Sum" not in qr.parse_payload(sample_payload(amount=None))


def test_a_separator_inside_a_value_cannot_split_the_fields():
    payload = sample_payload(purpose="Оплата | за май|Sum=1")
    fields = qr.parse_payload(payload)
    assert fields["Purpose"] == "Оплата / за май/Sum=1"
    assert fields["Sum"] == "123456"
    assert payload.count("|") == len(fields)  # one separator before each field


def test_line_breaks_become_spaces_and_overlong_values_are_cut_to_the_standards_limit():
    fields = qr.parse_payload(sample_payload(purpose="Оплата\r\nуслуг  " + "я" * 400))
    assert fields["Purpose"].startswith("Оплата услуг я")
    assert len(fields["Purpose"]) == 210


def test_round_trip_gives_back_every_field():
    fields = {
        "Name": "ООО «Ромашка»",
        "PersonalAcc": "40702810900000000001",
        "BankName": "АО «Банк»",
        "BIC": "044525000",
        "CorrespAcc": "30101810400000000000",
        "Sum": "100",
        "Purpose": "Оплата = услуг",
        "PersAcc": "000123",
    }
    assert qr.parse_payload(qr.build_payload(fields)) == fields


def test_an_organisation_pays_by_its_inn_not_a_surname():
    company = SimpleNamespace(kind="organisation", inn="7017124688")
    fields = qr.parse_payload(sample_payload(payer=company))
    assert fields["PayerINN"] == "7017124688"
    assert "LastName" not in fields


def test_a_required_field_missing_is_refused():
    with pytest.raises(qr.PayloadError, match="BIC"):
        qr.build_payload({"Name": "x", "PersonalAcc": "1", "BankName": "b", "CorrespAcc": "2"})


def test_parse_refuses_another_header():
    with pytest.raises(qr.PayloadError):
        qr.parse_payload("ST00011|Name=x")


def test_the_svg_holds_a_qr_matrix_of_the_payload():
    payload = sample_payload()
    svg = qr.qr_svg(payload, "Payment QR code")
    assert svg.startswith("<svg") and "<title>Payment QR code</title>" in svg
    code = segno.make(payload, error="m", boost_error=False, encoding="utf-8", micro=False)
    assert code.error == "M" and code.mode == "byte"
    # The drawing is as wide as the matrix plus the 4-module quiet zone.
    size = code.symbol_size()[0]
    assert f'viewBox="0 0 {size} {size}"' in svg
    assert len(code.matrix) == size - 8
