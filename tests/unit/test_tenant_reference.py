"""docs/tenant-yaml.md is what `flask tenants schema` prints: every key, typed and described."""

from pathlib import Path

from app.demo.schema import DemoData
from app.tenancy.reference import REGENERATE, reference
from app.tenancy.schema import TenantConfig

DOC = Path(__file__).resolve().parents[2] / "docs" / "tenant-yaml.md"


def test_the_committed_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == reference(TenantConfig, DemoData), (
        f"docs/tenant-yaml.md is out of date: run `{REGENERATE}`"
    )


def test_the_command_prints_the_reference(app):
    result = app.test_cli_runner().invoke(args=["tenants", "schema"])
    assert result.exit_code == 0, result.output
    assert result.output == reference(TenantConfig, DemoData)


def test_the_same_schema_gives_the_same_bytes():
    assert reference(TenantConfig, DemoData) == reference(TenantConfig, DemoData)


def row(key: str) -> list[str]:
    text = reference(TenantConfig, DemoData)
    line = next(line for line in text.splitlines() if line.startswith(f"| `{key}` |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_a_row_gives_type_default_required_and_description():
    assert row("billing.promised_payment.days") == [
        "`billing.promised_payment.days`",
        "integer (> 0, ≤ 31)",
        "",
        "yes",
        "How many days the credit keeps access on before it is written back off.",
    ]
    _, kind, default, required, description = row("payments.min_amount")
    assert (kind, default, required) == ("roubles", "`10`", "")
    assert description


def test_nested_and_listed_keys_and_demo_keys_are_all_there():
    for key in (
        "regions[].requisites.bic",
        "payments.methods[].commission.minimum",
        "names.promised_payment",
        "subscribers[].points[].tariff",
    ):
        assert row(key)
    assert row("payments.requisites.inn")[1] == "string in quotes"


def every_key(model, prefix=""):
    from app.tenancy.reference import _model_of

    for name, field in model.model_fields.items():
        yield f"{prefix}{name}", field
        nested, many = _model_of(field.annotation)
        if nested is not None:
            yield from every_key(nested, f"{prefix}{name}[]." if many else f"{prefix}{name}.")


# Keys whose classes are described by whoever owns them next (catalogue: tariffs, options).
UNDESCRIBED_YET = ("catalogue.tariffs", "catalogue.options", "regions[].tariffs")


def test_every_key_outside_the_catalogue_has_a_description():
    missing = [
        key
        for model in (TenantConfig, DemoData)
        for key, field in every_key(model)
        if not field.description and not key.startswith(UNDESCRIBED_YET)
    ]
    assert missing == []
