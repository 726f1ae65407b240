"""Reading JSON and YAML answers: bounded, JSON-compatible, and knowing the line of every node.

Both readers give the same data for the same document, whatever its style
(JSON, YAML block or flow), and refuse what would be slow or unsafe with a
line and column: nesting deeper than MAX_DEPTH, numbers that are not finite,
integers past a signed 64-bit value, YAML aliases, tags other than the plain
JSON types, duplicate YAML keys, more than one YAML document.

YAML is read as OpenAPI 3.1 asks (§4.3.3): the YAML 1.2 core schema for
values (so `yes` and `2026-01-01` stay strings, as they would in JSON), and
mapping keys as strings (`200:` is the key "200").
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from ..grading import Unreadable

MAX_DEPTH = 64
MAX_INTEGER = 2**63 - 1  # a signed 64-bit integer: what most languages' JSON libraries read without loss
MAX_YAML_LINES = 3000

Path = tuple  # of str (mapping keys) and int (list indexes)


class Located:
    """A parsed document and the line of each node in it (lines counted in the whole snippet)."""

    def __init__(self, value: Any, lines: dict[Path, int] | None, *, source: str = "", first_line: int = 1) -> None:
        self.value = value
        self.first_line = first_line
        self._lines = lines
        self._source = source

    def line(self, *path: str | int) -> int:
        """The line of the node at `path`, or of its nearest ancestor that exists; never None."""
        if self._lines is None:  # JSON: mapped on first use, as most gradings need no line
            self._lines = json_lines(self._source, self.first_line)
        path = tuple(path)
        while path:
            found = self._lines.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self._lines.get((), self.first_line)

    def has_line(self, *path: str | int) -> bool:
        self.line()
        return tuple(path) in self._lines


def _where(text: str, position: int, first_line: int = 1) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + first_line, position - (before.rfind("\n") + 1) + 1


# --- JSON -----------------------------------------------------------------------

_SPECIAL = re.compile(r'[\[\]{}"\\\n]')
_NUMBER_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9][-+.eE0-9]*')


class _NumberProblem(Exception):
    def __init__(self, literal: str, message: str) -> None:
        self.literal, self.message = literal, message


def _json_depth(text: str) -> int | None:
    """Where JSON nesting passes MAX_DEPTH (a position), found before parsing, in linear time."""
    depth = 0
    in_string = escaped = False
    for match in _SPECIAL.finditer(text):
        char = match.group()
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = match.end() < len(text) and text[match.end()] in '"\\'
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif char in "]}":
            depth -= 1
    return None


def integer_problem(literal: str) -> str | None:
    digits = literal.lstrip("+-")
    if len(digits) > 19 or abs(int(literal)) > MAX_INTEGER:
        shown = f"{len(digits):,} digits" if len(digits) > 24 else literal
        return (f"whole numbers here are limited to a signed 64-bit value (at most {MAX_INTEGER:,}); found {shown}. "
                "Write a large identifier as a string")
    return None


def _parse_int(literal: str) -> int:
    problem = integer_problem(literal)
    if problem:
        raise _NumberProblem(literal, problem)
    return int(literal)


def _parse_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NumberProblem(literal, f"{literal[:30]} is too large to be a finite number")
    return value


def _reject_constant(name: str) -> Any:
    raise _NumberProblem(name, f"{name} is not valid JSON; use null or a finite number")


def _literal_position(text: str, literal: str) -> int | None:
    for match in _NUMBER_OR_STRING.finditer(text):
        if match.group() == literal:
            return match.start()
    if literal in ("NaN", "Infinity", "-Infinity"):
        found = re.search(re.escape(literal) + r"(?![\w])", text)
        return found.start() if found else None
    return None


def read_json(text: str, *, first_line: int = 1, what: str = "snippet") -> Located:
    """Parse JSON strictly (finite numbers, bounded integers and depth), with line and column on failure."""
    deep = _json_depth(text)
    if deep is not None:
        raise Unreadable(f"The {what} is nested more than {MAX_DEPTH} levels deep", *_where(text, deep, first_line))
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int, parse_float=_parse_float)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"The {what} is not valid JSON: {exc.msg}", exc.lineno + first_line - 1, exc.colno) from None
    except _NumberProblem as exc:
        position = _literal_position(text, exc.literal)
        where = _where(text, position, first_line) if position is not None else (first_line, None)
        raise Unreadable(f"The {what} has a number it cannot take: {exc.message}", *where) from None
    except RecursionError:  # _json_depth makes this unreachable; kept so a miss is an error, not a crash
        raise Unreadable(f"The {what} is nested too deeply to read", first_line) from None
    return Located(value, None, source=text, first_line=first_line)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:\n]|[^\s{}\[\],:"]+')


def json_lines(text: str, first_line: int = 1) -> dict[Path, int]:
    """The line of each member (its key) and item in a JSON text already known to be valid."""
    lines: dict[Path, int] = {}
    line = first_line
    stack: list[list] = []  # [is_object, path, key or index, expecting a key]
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        char = token[0]
        if char == "\n":
            line += 1
        elif char == ",":
            frame = stack[-1]
            if frame[0]:
                frame[3] = True
            else:
                frame[2] += 1
        elif char == ":":
            continue
        elif char in "}]":
            stack.pop()
        elif stack and stack[-1][0] and stack[-1][3]:
            frame = stack[-1]
            key = json.loads(token) if "\\" in token else token[1:-1]
            frame[2], frame[3] = key, False
            lines[frame[1] + (key,)] = line
        else:
            here = stack[-1][1] + (stack[-1][2],) if stack else ()
            lines.setdefault(here, line)
            if char == "{":
                stack.append([True, here, None, True])
            elif char == "[":
                stack.append([False, here, 0, False])
    return lines


# --- YAML -----------------------------------------------------------------------

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it: far faster
_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_ALLOWED_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")} | {"!"}


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def _scalar(event: yaml.ScalarEvent, line: int, column: int) -> Any:
    """A YAML 1.2 core-schema scalar; an explicit tag (!!int "12") is honoured when it is a JSON type."""
    value, tag = event.value, event.tag
    if tag in (None, "!"):
        if tag == "!" or not event.implicit[0]:  # quoted, or a block scalar
            return value
        if _NULL.fullmatch(value):
            return None
        if _BOOL.fullmatch(value):
            return value[0] in "tT"
        if _INT.fullmatch(value):
            tag = _CORE + "int"
        elif _FLOAT.fullmatch(value) or _SPECIAL_FLOAT.fullmatch(value):
            tag = _CORE + "float"
        else:
            return value
    kind = tag[len(_CORE):]
    try:
        if kind == "str":
            return value
        if kind == "null":
            if not _NULL.fullmatch(value):
                raise ValueError
            return None
        if kind == "bool":
            if not _BOOL.fullmatch(value):
                raise ValueError
            return value[0] in "tT"
        if kind == "int":
            if not _INT.fullmatch(value):
                raise ValueError
            base = 16 if value.startswith("0x") else 8 if value.startswith("0o") else 10
            digits = value[2:] if base != 10 else value
            if len(digits.lstrip("+-")) > 24:
                raise Unreadable(f"This YAML has a number it cannot take: {integer_problem(digits)}", line, column)
            number = int(digits, base)
            problem = integer_problem(str(number))
            if problem:
                raise Unreadable(f"This YAML has a number it cannot take: {problem}", line, column)
            return number
        if kind == "float":
            if _SPECIAL_FLOAT.fullmatch(value) or (_FLOAT.fullmatch(value) and not math.isfinite(float(value))):
                raise Unreadable(f"This YAML has a number it cannot take: {value[:30]} is not a finite number; numbers "
                                 "here must be finite, as in JSON", line, column)
            if not _FLOAT.fullmatch(value):
                raise ValueError
            return float(value)
    except ValueError:
        raise Unreadable(f"This YAML value cannot be read as {_short_tag(tag)}: {value[:40]!r}", line, column) from None
    raise AssertionError(tag)  # _ALLOWED_TAGS lets only the kinds above through


def read_yaml(text: str) -> Located:
    """Parse one YAML document into JSON-compatible data, boundedly, with the line of every node.

    Built from libyaml's event stream with an explicit stack: no recursion
    (libyaml's own composer recurses in C and crashes the process on a few
    thousand nested `- `), so depth is refused at MAX_DEPTH with its line.
    """
    lines_count = text.count("\n") + 1
    if lines_count > MAX_YAML_LINES:
        raise Unreadable(f"The YAML has {lines_count:,} lines; answers here are limited to {MAX_YAML_LINES:,}.")
    lines: dict[Path, int] = {}
    root: Any = None
    documents = 0
    # Each frame: [container, path, is_mapping, pending key, its line, keys seen {key: line}]
    stack: list[list] = []
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise Unreadable("Write one YAML document; a second one starts here (---)", line, column)
                continue
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                stack.pop()
                continue
            if kind is yaml.AliasEvent:
                raise Unreadable("YAML aliases (*name) are not accepted here: this value reuses another. Write it out "
                                 "in full", line, column)
            tag = event.tag
            if tag is not None and tag not in _ALLOWED_TAGS:
                raise Unreadable(f"The YAML tag {_short_tag(tag)} is not accepted here: answers are plain data (strings, "
                                 "numbers, true/false, null, lists and mappings), so no tags but those", line, column)
            parent = stack[-1] if stack else None
            if parent is not None and parent[2] and parent[3] is None:
                # A mapping key: a string, whatever it looks like (OpenAPI 3.1 §4.3.3).
                if kind is not yaml.ScalarEvent:
                    raise Unreadable("A YAML mapping key must be a plain value, not a list or mapping", line, column)
                key = event.value
                if key in parent[5]:
                    raise Unreadable(f"The key {key!r} appears twice in this mapping (line {parent[5][key]} and line "
                                     f"{line}); YAML allows each key once", line, column)
                parent[5][key] = line
                parent[3], parent[4] = key, line
                continue
            if parent is None:
                path, node_line = (), line
            elif parent[2]:
                path, node_line = parent[1] + (parent[3],), parent[4]
            else:
                path, node_line = parent[1] + (len(parent[0]),), line
            if len(stack) >= MAX_DEPTH and kind is not yaml.ScalarEvent:
                raise Unreadable(f"The YAML is nested more than {MAX_DEPTH} levels deep", line, column)
            lines[path] = node_line
            if kind is yaml.ScalarEvent:
                value = _scalar(event, line, column)
            elif kind is yaml.MappingStartEvent:
                value = {}
            else:
                value = []
            if parent is None:
                root = value
            elif parent[2]:
                parent[0][parent[3]] = value
                parent[3] = None
            else:
                parent[0].append(value)
            if kind is yaml.MappingStartEvent:
                stack.append([value, path, True, None, None, {}])
            elif kind is yaml.SequenceStartEvent:
                stack.append([value, path, False, None, None, None])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "it could not be parsed"
        raise Unreadable(f"This is not valid YAML: {problem}", mark.line + 1 if mark else None,
                         mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise Unreadable(f"This is not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return Located(root, lines)
