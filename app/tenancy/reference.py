"""The Markdown reference of tenant.yaml and demo.yaml, generated from their schema.

`flask tenants schema > docs/tenant-yaml.md` writes it; a test fails when the committed
copy differs, so the reference never drifts from what the loader accepts. The output
depends on nothing but the schema classes (no dates, no paths, declaration order), so
regenerating after a merge is one command and gives the same bytes on any machine.
"""

import types
import typing
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .types import HEX_COLOUR, Text

REGENERATE = "flask tenants schema > docs/tenant-yaml.md"
CODE_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"
# What a validator's function means to whoever writes the YAML.
VALIDATOR_TYPES = {
    "_kopecks": "roubles",
    "_quoted": "string in quotes",
    "_timezone": "timezone name",
    "_rate": "rate, e.g. `3 per hour`",
}
BOUNDS = ((Gt, "gt", ">"), (Ge, "ge", "≥"), (Lt, "lt", "<"), (Le, "le", "≤"))
HEADER = "| Key | Type | Default | Required | Description |\n|---|---|---|---|---|"


def _unwrap(annotation) -> tuple[object, list]:
    """The annotation without Optional and Annotated, and the metadata Annotated carried."""
    metadata: list = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, metadata
            annotation = args[0]
        else:
            return annotation, metadata


def _model_of(annotation) -> tuple[type[BaseModel] | None, bool]:
    """The nested model a field holds, and whether it is a list of them."""
    inner, _ = _unwrap(annotation)
    if typing.get_origin(inner) is tuple:
        inner, _ = _unwrap(typing.get_args(inner)[0])
        many = True
    else:
        many = False
    if isinstance(inner, type) and issubclass(inner, BaseModel) and inner is not Text:
        return inner, many
    return None, many


def _limits(metadata: list) -> list[str]:
    words = []
    for item in metadata:
        for kind, attribute, sign in BOUNDS:
            if isinstance(item, kind):
                words.append(f"{sign} {getattr(item, attribute)}")
        if isinstance(item, MinLen) and item.min_length:
            words.append(f"at least {item.min_length}")
        if isinstance(item, MaxLen):
            words.append(f"at most {item.max_length}")
    return words


def _scalar(annotation, metadata: list) -> str:
    for item in metadata:
        name = getattr(getattr(item, "func", None), "__name__", "")
        if name in VALIDATOR_TYPES:
            return VALIDATOR_TYPES[name]
    pattern = next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)
    if pattern == CODE_PATTERN:
        return "code (a-z, 0-9, `_`, `-`)"
    if pattern == HEX_COLOUR:
        return "colour `#rrggbb`"
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(f"`{v}`" for v in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in annotation)
    if annotation is Text:
        return "text per locale `{ru: …, en: …, hi: …}`"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    simple = {str: "string", int: "integer", bool: "true/false", Decimal: "number"}
    words = simple.get(annotation, getattr(annotation, "__name__", str(annotation)))
    return f"{words} matching `{pattern}`" if pattern else words


def type_words(field: FieldInfo) -> str:
    """A field's type as the YAML's author reads it, with its limits."""
    annotation, metadata = _unwrap(field.annotation)
    metadata = [*field.metadata, *metadata]
    if typing.get_origin(annotation) is tuple:
        item, item_metadata = _unwrap(typing.get_args(annotation)[0])
        words = f"list of {_scalar(item, item_metadata)}"
        if isinstance(item, type) and issubclass(item, BaseModel) and item is not Text:
            words = "list of mappings"
    else:
        words = _scalar(annotation, metadata)
    limits = _limits(metadata)
    return f"{words} ({', '.join(limits)})" if limits else words


def default_words(field: FieldInfo) -> str:
    """A field's default as it would be written in the YAML."""
    if field.is_required():
        return ""
    value = field.get_default(call_default_factory=True)
    metadata = field.metadata + _unwrap(field.annotation)[1]
    kopecks = any(getattr(getattr(m, "func", None), "__name__", "") == "_kopecks" for m in metadata)
    return _value_words(value, kopecks)


def _value_words(value, kopecks: bool = False) -> str:
    if value is None:
        return "unset"
    if isinstance(value, BaseModel):
        return "see its keys"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Enum):
        return f"`{value.value}`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(_value_words(v).strip("`") for v in value) + "]`"
    if kopecks and isinstance(value, int):
        return f"`{Decimal(value) / 100:f}`".replace(".00`", "`")
    return f"`{value}`"


def _description(field: FieldInfo) -> str:
    return " ".join((field.description or "").split()).replace("|", "\\|")


def rows(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """One table row per key of the model, nested keys after their parent."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        nested, many = _model_of(field.annotation)
        required = "yes" if field.is_required() else ""
        yield (
            f"| `{path}` | {type_words(field)} | {default_words(field)} | {required} "
            f"| {_description(field)} |"
        )
        if nested is not None:
            yield from rows(nested, f"{path}[]." if many else f"{path}.")


def _section(title: str, intro: str, model: type[BaseModel]) -> str:
    return "\n".join([f"## {title}", "", intro, "", HEADER, *rows(model), ""])


def reference(tenant_model: type[BaseModel], demo_model: type[BaseModel]) -> str:
    """The whole reference page in Markdown."""
    head = [
        "# tenant.yaml and demo.yaml reference",
        "",
        f"Generated from the schema (app/tenancy/schema.py, app/demo/schema.py) by `{REGENERATE}`:",
        "edit the descriptions there, not this file.",
        "",
        "`a.b` is key `b` inside mapping `a`; `a[].b` is key `b` of each item of list `a`.",
        'Money is written in roubles (`650` or `"650.50"`); ISP text once per locale.',
        "Numbers made of digits (INN, BIC, accounts, phones) go in quotes, e.g.",
        '`bic: "044525225"`: unquoted, YAML reads them as numbers and drops leading zeros.',
        "",
    ]
    tenant = _section(
        "tenant.yaml",
        "`tenants/<slug>/tenant.yaml`: everything the portal knows of one ISP.",
        tenant_model,
    )
    demo = _section(
        "demo.yaml",
        "`tenants/<slug>/demo.yaml` (optional): subscribers `flask demo seed` creates.",
        demo_model,
    )
    return "\n".join(head) + "\n" + tenant + "\n" + demo
