"""Reads a tenant's YAML and turns every problem into `file:line: key.path: message`."""

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a tenant's configuration, located in its file."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class TenantConfigError(Exception):
    """Raised with every problem found, so an operator fixes them all in one pass."""

    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _line_map(node: yaml.Node, path: tuple = (), lines: dict | None = None) -> dict:
    lines = {} if lines is None else lines
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[(*path, key.value)] = key.start_mark.line + 1
            _line_map(value, (*path, key.value), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*path, i), lines)
    return lines


@dataclass
class YamlDocument:
    """A parsed YAML file that remembers the line of every key."""

    file: str
    data: object
    lines: dict

    @classmethod
    def read(cls, path: Path, shown_as: str) -> "YamlDocument":
        try:
            text = path.read_text(encoding="utf-8")
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            raise TenantConfigError(
                [ConfigProblem(shown_as, line, "", f"not valid YAML: {exc.problem}")]
            ) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise TenantConfigError([ConfigProblem(shown_as, 1, "", str(exc))]) from exc
        return cls(shown_as, data, _line_map(node) if node is not None else {(): 1})

    def locate(self, loc: tuple) -> tuple[int, str]:
        """Line and dotted key path for a location; skips union tags pydantic adds."""
        kept: list = []
        for i, part in enumerate(loc):
            if (*kept, part) in self.lines or i == len(loc) - 1:
                kept.append(part)
        probe = tuple(kept)
        while probe not in self.lines:
            probe = probe[:-1]
        return self.lines[probe], ".".join(str(p) for p in kept)

    def problem(self, loc: tuple, message: str) -> ConfigProblem:
        line, dotted = self.locate(loc)
        return ConfigProblem(self.file, line, dotted, message)

    def validate(self, model: type[M]) -> M:
        """Build the model or raise with every error located in the file."""
        if not isinstance(self.data, dict):
            raise TenantConfigError([self.problem((), "must be a mapping of keys")])
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            errors = _without_echoes(exc.errors())
            problems = [self.problem(err["loc"], _message(err)) for err in errors]
            raise TenantConfigError(problems) from exc


def _without_echoes(errors: list) -> list:
    """Drop «should have at least 1 item» on a list whose only item was itself refused: the
    item's own error is the one to fix."""
    located = [tuple(err["loc"]) for err in errors]
    return [
        err
        for err in errors
        if err["type"] != "too_short"
        or not any(
            len(loc) > len(err["loc"]) and loc[: len(err["loc"])] == tuple(err["loc"])
            for loc in located
        )
    ]


def _message(err: dict) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "is required"
    return err["msg"].removeprefix("Value error, ")
