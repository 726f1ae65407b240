"""Front matter schemas: what each kind of content file may and must say.

Unknown keys are errors so a typo never passes silently; messages name the
key and, where it looks like a typo, the key that was probably meant.
"""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .frontmatter import FrontMatter

Text = str


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ModuleMeta(_Schema):
    title: Text = Field(min_length=1)
    summary: Text = Field(min_length=1)
    status: Literal["published", "in-preparation"] = "published"
    objectives: list[Text] = Field(default_factory=list, max_length=8)
    aliases: list[Text] = Field(default_factory=list)


class FaqMeta(_Schema):
    question: Text = Field(min_length=1)
    module: Text = Field(min_length=1)
    section: Text | None = None
    aliases: list[Text] = Field(default_factory=list)


class StageMeta(_Schema):
    title: Text = Field(min_length=1)
    duration: Text = Field(min_length=1)
    modules: list[Text] = Field(min_length=1)
    topics: list[Text] = Field(min_length=1)
    outcomes: list[Text] = Field(min_length=1)
    project: Text = Field(min_length=1)


class PageMeta(_Schema):
    title: Text = Field(min_length=1)
    description: Text = Field(min_length=1)


_TYPE_NAMES = {
    "string_type": "text",
    "list_type": "a list",
    "bool_type": "true or false",
    "int_type": "a whole number",
}


class SchemaProblem(ValueError):
    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


def validate(schema: type[_Schema], front: FrontMatter) -> _Schema:
    """Validate front matter against `schema`; raise SchemaProblem with (line, message) pairs."""
    try:
        return schema.model_validate(front.data)
    except ValidationError as exc:
        problems = [(_line(front, error["loc"]), _message(schema, error)) for error in exc.errors()]
        raise SchemaProblem(sorted(problems)) from None


def _line(front: FrontMatter, loc: tuple) -> int:
    return front.line_of(tuple(loc))


def _describe(loc: tuple) -> str:
    key = str(loc[0])
    for part in loc[1:]:
        key += f"[{part}]" if isinstance(part, int) else f".{part}"
    return f"'{key}'"


def _found(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__}"


def _message(schema: type[_Schema], error: dict) -> str:
    loc, kind = error["loc"], error["type"]
    allowed = sorted(schema.model_fields)
    if kind == "extra_forbidden":
        key = str(loc[0])
        guess = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else f"; allowed keys: {', '.join(allowed)}"
        return f"unknown front matter key '{key}'{hint}"
    if kind == "missing":
        return f"missing required key {_describe(loc)}"
    if kind in _TYPE_NAMES:
        return f"{_describe(loc)} must be {_TYPE_NAMES[kind]}, found {_found(error.get('input'))}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{_describe(loc)} must be one of {expected}, found '{error.get('input')}'"
    if kind == "string_too_short":
        return f"{_describe(loc)} must not be empty"
    if kind == "too_short":
        return f"{_describe(loc)} needs at least {error['ctx']['min_length']} item(s)"
    if kind == "too_long":
        return f"{_describe(loc)} has too many items (at most {error['ctx']['max_length']})"
    return f"{_describe(loc)}: {error['msg']}"
