"""The document rules several kinds share: paths into a value, typed equality, error shapes.

Reading JSON and YAML (bounded, with the line of every node) is in `reading`;
`load_json` and `load_yaml` here return the bare value for callers that need
no lines.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .reading import MAX_DEPTH, Located, read_json, read_yaml  # noqa: F401  (re-exported)


def load_json(text: str, *, first_line: int = 1, what: str = "snippet") -> Any:
    """Parse JSON strictly (finite numbers, bounded integers and depth), reporting line and column on failure."""
    return read_json(text, first_line=first_line, what=what).value


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely and boundedly: no aliases, no deep nesting, no tags but JSON's."""
    return read_yaml(text).value


# --- paths into a document: `error.details[0].field` ---------------------------

_PATH_PART = re.compile(r"\.?([A-Za-z_][\w-]*)|\[([0-9]+)\]")
MISSING = object()


def resolve(document: Any, path: str) -> Any:
    """The value at `path` (dots for keys, [n] for list items), or MISSING."""
    value = document
    path = path.removeprefix("$").lstrip(".") if path.startswith("$") else path
    position = 0
    while position < len(path):
        match = _PATH_PART.match(path, position)
        if not match:
            return MISSING
        key, index = match.groups()
        if key is not None:
            if not isinstance(value, dict) or key not in value:
                return MISSING
            value = value[key]
        else:
            if not isinstance(value, list) or int(index) >= len(value):
                return MISSING
            value = value[int(index)]
        position = match.end()
    return value


JSON_TYPES = {"string": str, "number": (int, float), "integer": int, "boolean": bool, "object": dict, "array": list, "null": type(None)}


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def same_value(expected: Any, found: Any) -> bool:
    """Typed equality: true is not 1, 200.0 is not 200."""
    if type_name(expected) != type_name(found):
        return False
    if isinstance(expected, dict):
        return expected.keys() == found.keys() and all(same_value(expected[k], found[k]) for k in expected)
    if isinstance(expected, list):
        return len(expected) == len(found) and all(same_value(a, b) for a, b in zip(expected, found))
    if isinstance(expected, float) and math.isnan(expected):
        return False
    return expected == found


def show(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if value is not MISSING else "nothing"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def line_of_key(source: str, key: str, first_line: int = 1, *, after: int = 0) -> int | None:
    """The first line of `source` (from line `after` on) where `"key"` (JSON) or `key:` (YAML) appears."""
    for number, line in enumerate(source.split("\n"), start=first_line):
        if number < after:
            continue
        stripped = line.strip()
        if f'"{key}"' in line or stripped.startswith(f"{key}:") or stripped.startswith(f"- {key}:"):
            return number
    return None


def line_of_path(source: str, path: str, first_line: int = 1) -> int | None:
    """Best effort: the line of `path`, finding each key after the one before it.

    An index ([2]) skips that many occurrences of the key that follows, so
    `errors[1].pointer` lands on the second `pointer`, not the first.
    """
    line = None
    skip = 0
    for key, index in re.findall(r"([A-Za-z_][\w-]*)|\[([0-9]+)\]", path.removeprefix("$")):
        if index:
            skip = int(index)
            continue
        found = line_of_key(source, key, first_line, after=line or 0)
        for _ in range(skip):
            if found is None:
                break
            found = line_of_key(source, key, first_line, after=found + 1)
        skip = 0
        if found is None:
            break
        line = found
    return line


# --- shapes several kinds check -------------------------------------------------

def error_envelope_problems(document: Any) -> list[tuple[str, str | None, tuple]]:
    """What an `{"error": {"code", "message", "details"}}` envelope lacks: (what, the key to point at, the node)."""
    if not isinstance(document, dict):
        return [("the body should be a JSON object with an \"error\" member", None, ())]
    error = document.get("error")
    if not isinstance(error, dict):
        return [("an \"error\" object at the top level holding code, message and details", None, ("error",))]
    problems = []
    code = error.get("code")
    if not isinstance(code, str) or not code.strip():
        problems.append(("a machine-readable \"code\" string such as \"validation_failed\"", "error", ("error", "code")))
    elif not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", code):
        problems.append((f"a \"code\" made for machines (letters, digits, _ . -), not {show(code)}", "code", ("error", "code")))
    message = error.get("message")
    if not isinstance(message, str) or not message.strip():
        problems.append(("a human-readable \"message\" string", "error", ("error", "message")))
    details = error.get("details", MISSING)
    if details is not MISSING and not isinstance(details, (list, dict)):
        problems.append(("\"details\" as a list (or object) of field-level problems", "details", ("error", "details")))
    return problems


def field_details_problems(document: Any) -> list[tuple[str, str | None, tuple]]:
    details = resolve(document, "error.details")
    if not isinstance(details, list) or not details:
        return [("\"error.details\" listing each invalid field", "error", ("error", "details"))]
    problems = []
    for index, item in enumerate(details):
        if not isinstance(item, dict) or not isinstance(item.get("field"), str) or not isinstance(item.get("message"), str):
            problems.append((f"details[{index}] to name the \"field\" and give a \"message\"", "details", ("error", "details", index)))
    return problems


def problem_details_problems(document: Any, status: int | None = None) -> list[tuple[str, str | None, tuple]]:
    """What an RFC 9457 problem details object lacks."""
    if not isinstance(document, dict):
        return [("a JSON object with the RFC 9457 members type, title, status and detail", None, ())]
    problems = []
    kind = document.get("type", MISSING)
    if kind is not MISSING and (not isinstance(kind, str) or not kind):
        problems.append(("\"type\" to be a URI reference string (or left out, meaning about:blank)", "type", ("type",)))
    # RFC 9457 makes every member optional; we ask for title and status because
    # people and clients rely on them (the message says so).
    if not isinstance(document.get("title"), str) or not document.get("title", "").strip():
        problems.append(("a short human-readable \"title\" string (optional in RFC 9457, but people rely on it)", None, ("title",)))
    found_status = document.get("status", MISSING)
    if found_status is MISSING:
        problems.append(("a \"status\" member repeating the HTTP status code as a number (optional in RFC 9457, but "
                         "clients rely on it)", None, ("status",)))
    elif type_name(found_status) != "integer":
        problems.append((f"\"status\" as a JSON number, not {show(found_status)}", "status", ("status",)))
    elif status is not None and found_status != status:
        problems.append((f"\"status\" {found_status} to match the status line ({status})", "status", ("status",)))
    detail = document.get("detail", MISSING)
    if detail is not MISSING and not isinstance(detail, str):
        problems.append(("\"detail\" as a human-readable string", "detail", ("detail",)))
    instance = document.get("instance", MISSING)
    if instance is not MISSING and not isinstance(instance, str):
        problems.append(("\"instance\" as a URI reference string", "instance", ("instance",)))
    return problems


_NODE_PART = re.compile(r"[A-Za-z_][\w-]*|\[[0-9]+\]")


def path_node(path: str) -> tuple:
    """A dotted path such as `$.errors[0].pointer` as a node: ("errors", 0, "pointer")."""
    return tuple(int(part[1:-1]) if part.startswith("[") else part for part in _NODE_PART.findall(path.removeprefix("$")))
