"""Reading JSON and YAML snippets safely, and the document rules several kinds share.

JSON and YAML are parsed with limits: YAML aliases (the billion-laughs bomb)
and deep nesting are refused, numbers must be finite. Errors carry the line
and column the learner needs.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from ..grading import Unreadable

MAX_DEPTH = 64


def load_json(text: str, *, first_line: int = 1, what: str = "snippet") -> Any:
    """Parse JSON strictly (no NaN/Infinity), reporting line and column on failure."""

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON; use null or a finite number")

    try:
        value = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"The {what} is not valid JSON: {exc.msg}", exc.lineno + first_line - 1, exc.colno) from None
    except RecursionError:
        raise Unreadable(f"The {what} is nested too deeply to read.") from None
    except ValueError as exc:
        raise Unreadable(f"The {what} is not valid JSON: {exc}") from None
    if _depth(value) > MAX_DEPTH:
        raise Unreadable(f"The {what} is nested more than {MAX_DEPTH} levels deep.")
    return value


MAX_YAML_LINES = 3000
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it: about 8x faster
_constructor = yaml.constructor.SafeConstructor()


def _flow_depth(text: str) -> tuple[int, int, int]:
    """Deepest [ { nesting outside quotes, and where it passes the limit (line, column).

    The YAML parser walks flow collections recursively, so a deep one must be
    refused before parsing, cheaply.
    """
    depth = deepest = 0
    line, column, where = 1, 0, (1, 1)
    quote = ""
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
            quote = "" if quote == "'" else quote
        elif quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, (line, column)
                if depth > MAX_DEPTH:
                    break
        elif char in "]}":
            depth -= 1
    return deepest, *where


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely and boundedly: no aliases, no deep nesting, no custom tags."""
    deepest, line, column = _flow_depth(text)
    if deepest > MAX_DEPTH:
        raise Unreadable(f"The YAML is nested more than {MAX_DEPTH} levels deep.", line, column)
    lines = text.count("\n") + 1
    if lines > MAX_YAML_LINES:
        raise Unreadable(f"The YAML has {lines:,} lines; answers here are limited to {MAX_YAML_LINES:,}.")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "it could not be parsed"
        raise Unreadable(f"This is not valid YAML: {problem}", mark.line + 1 if mark else None,
                         mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise Unreadable(f"This is not valid YAML: {exc}") from None
    except RecursionError:
        raise Unreadable("The YAML is nested too deeply to read.") from None
    if node is None:
        return None
    return _construct(node, set(), 0)


def _construct(node: yaml.Node, seen: set[int], depth: int) -> Any:
    # Our own construction over the composed nodes: a node met twice is an
    # alias (refused, so no billion laughs), and depth is bounded.
    if id(node) in seen:
        raise Unreadable("YAML anchors and aliases (&name, *name) are not accepted here; this value is reused. Write it out in full",
                         node.start_mark.line + 1, node.start_mark.column + 1)
    if depth > MAX_DEPTH:
        raise Unreadable(f"The YAML is nested more than {MAX_DEPTH} levels deep.",
                         node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        construct = _constructor.yaml_constructors.get(node.tag)
        if construct is None:
            raise Unreadable(f"The YAML tag {node.tag} is not accepted here", node.start_mark.line + 1, node.start_mark.column + 1)
        try:
            return construct(_constructor, node)
        except (yaml.YAMLError, ValueError) as exc:
            raise Unreadable(f"This YAML value cannot be read: {exc}", node.start_mark.line + 1, node.start_mark.column + 1) from None
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, seen, depth + 1) for item in node.value]
    result: dict = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise Unreadable("YAML merge keys (<<) are not accepted here; write the keys out in full",
                             key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        key = _construct(key_node, seen, depth + 1)
        if isinstance(key, (dict, list)):
            raise Unreadable("A YAML mapping key must be a plain value", key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        result[key] = _construct(value_node, seen, depth + 1)
    return result


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


# --- paths into a document: `error.details[0].field` ---------------------------

_PATH_PART = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\]")
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
    for key, index in re.findall(r"([A-Za-z_][\w-]*)|\[(\d+)\]", path.removeprefix("$")):
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

def error_envelope_problems(document: Any) -> list[tuple[str, str | None]]:
    """What an `{"error": {"code", "message", "details"}}` envelope lacks, with the key to point at."""
    if not isinstance(document, dict):
        return [("the body should be a JSON object with an \"error\" member", None)]
    error = document.get("error")
    if not isinstance(error, dict):
        return [("an \"error\" object at the top level holding code, message and details", None)]
    problems = []
    code = error.get("code")
    if not isinstance(code, str) or not code.strip():
        problems.append(("a machine-readable \"code\" string such as \"validation_failed\"", "error"))
    elif not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", code):
        problems.append((f"a \"code\" made for machines (letters, digits, _ . -), not {show(code)}", "code"))
    message = error.get("message")
    if not isinstance(message, str) or not message.strip():
        problems.append(("a human-readable \"message\" string", "error"))
    details = error.get("details", MISSING)
    if details is not MISSING and not isinstance(details, (list, dict)):
        problems.append(("\"details\" as a list (or object) of field-level problems", "details"))
    return problems


def field_details_problems(document: Any) -> list[tuple[str, str | None]]:
    details = resolve(document, "error.details")
    if not isinstance(details, list) or not details:
        return [("\"error.details\" listing each invalid field", "error")]
    problems = []
    for index, item in enumerate(details):
        if not isinstance(item, dict) or not isinstance(item.get("field"), str) or not isinstance(item.get("message"), str):
            problems.append((f"details[{index}] to name the \"field\" and give a \"message\"", "details"))
    return problems


def problem_details_problems(document: Any, status: int | None = None) -> list[tuple[str, str | None]]:
    """What an RFC 9457 problem details object lacks."""
    if not isinstance(document, dict):
        return [("a JSON object with the RFC 9457 members type, title, status and detail", None)]
    problems = []
    kind = document.get("type", MISSING)
    if kind is not MISSING and (not isinstance(kind, str) or not kind):
        problems.append(("\"type\" to be a URI reference string (or left out, meaning about:blank)", "type"))
    # RFC 9457 makes every member optional; we ask for title and status because
    # people and clients rely on them (the message says so).
    if not isinstance(document.get("title"), str) or not document.get("title", "").strip():
        problems.append(("a short human-readable \"title\" string (optional in RFC 9457, but people rely on it)", None))
    found_status = document.get("status", MISSING)
    if found_status is MISSING:
        problems.append(("a \"status\" member repeating the HTTP status code as a number (optional in RFC 9457, but "
                         "clients rely on it)", None))
    elif type_name(found_status) != "integer":
        problems.append((f"\"status\" as a JSON number, not {show(found_status)}", "status"))
    elif status is not None and found_status != status:
        problems.append((f"\"status\" {found_status} to match the status line ({status})", "status"))
    detail = document.get("detail", MISSING)
    if detail is not MISSING and not isinstance(detail, str):
        problems.append(("\"detail\" as a human-readable string", "detail"))
    instance = document.get("instance", MISSING)
    if instance is not MISSING and not isinstance(instance, str):
        problems.append(("\"instance\" as a URI reference string", "instance"))
    return problems
