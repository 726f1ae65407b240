"""Type-swapped variants of the course's own reference answers (shared by the tests and bench/grader_properties.py).

Every node of every reference answer that holds JSON or YAML data (OpenAPI
documents, JSON documents, JSON bodies of HTTP messages) can be replaced by
a value of another type; graders must turn each variant into a grade whose
failed checks say what was expected where, never into "a problem on our side".
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import yaml

from course.content.store import build_course
from course.exercises.grading import INTERNAL_PROBLEM, Grade, grader_for

ROOT = Path(__file__).resolve().parents[3]
DATA_KINDS = ("openapi", "json-document", "http-response", "http-request")
REPLACEMENTS = ("a string", 42, 2.5, True, None, [], {}, ["x", 1], {"k": "v"})


@cache
def exercises() -> tuple:
    return tuple(exercise for exercise in build_course(ROOT / "content").exercises if exercise.kind in DATA_KINDS)


def split(kind: str, text: str) -> tuple[str, Any, str] | None:
    """(text before the data, the data, format) of a reference answer, or None when it holds no data."""
    if kind in ("openapi", "json-document"):
        try:
            return "", (json.loads(text) if text.lstrip().startswith(("{", "[")) else yaml.safe_load(text)), (
                "json" if text.lstrip().startswith(("{", "[")) else "yaml")
        except (ValueError, yaml.YAMLError):
            return None
    head, blank, body = text.replace("\r\n", "\n").partition("\n\n")
    try:
        return (head + blank, json.loads(body), "json") if blank and body.strip() else None
    except ValueError:
        return None


def join(head: str, data: Any, style: str) -> str:
    if style == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return head + json.dumps(data, indent=2, ensure_ascii=False)


def paths(node: Any, at: tuple = ()) -> Iterator[tuple]:
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, at + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, at + (index,))


def replaced(node: Any, at: tuple, value: Any) -> Any:
    if not at:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[at[0]] = replaced(node[at[0]], at[1:], value)
    return copy


def type_of(value: Any) -> type:
    return type(value) if not isinstance(value, bool) else bool


def swaps(data: Any) -> Iterator[tuple[tuple, Any]]:
    """Every (node path, value of another type) for the nodes of `data`."""
    for at in paths(data):
        current = data
        for part in at:
            current = current[part]
        for value in REPLACEMENTS:
            if type_of(value) is not type_of(current) or (isinstance(value, (list, dict)) and bool(value) != bool(current)):
                yield at, value


def assert_total(kind: str, exercise, snippet: str) -> Grade:
    """The grade is a grade: an error with a message, or checks whose failures each say something and point at a line."""
    grade = grader_for(kind).grade(snippet, exercise.checks, support=exercise.support)
    assert grade.status in ("passed", "failed", "error"), snippet
    if grade.status == "error":
        assert grade.error.message and "problem on our side" not in grade.error.message, snippet
        return grade
    assert len(grade.checks) >= len(exercise.checks)
    for check in grade.checks:
        assert check.message != INTERNAL_PROBLEM, (check.id, snippet)
        if not check.passed:
            assert check.line is not None and check.message, (check.id, snippet)
    return grade
