"""`json-document`: a JSON value checked with JSON Schema and semantic rules.

JSON Schema (draft 2020-12, by jsonschema) covers shape; the semantic rules
cover what a schema cannot say well: a token's lifetime, secrets in claims,
an error envelope a client can branch on, pagination meta that adds up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field

from ..grading import Grader, NoParams, Outcome, Params, register, rule
from .documents import (
    MISSING, error_envelope_problems, field_details_problems, line_of_key, line_of_path, load_json, path_node,
    problem_details_problems, resolve, show, type_name,
)
from .http_message import JsonParams, json_path_outcome

if TYPE_CHECKING:
    import jsonschema


class Document:
    def __init__(self, value: Any, source: str) -> None:
        self.value = value
        self.source = source

    def line(self, key: str | None) -> int:
        return (line_of_key(self.source, key) if key else None) or 1


class SchemaParams(Params):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    json_schema: dict[str, Any] = Field(alias="schema")
    describe: str = "the expected shape"


class JwtParams(Params):
    max_lifetime: int = 900
    required: list[str] = ["sub", "exp", "iat"]
    forbidden: list[str] = ["password", "secret", "passwd", "pwd", "credit_card", "card_number", "ssn", "api_key"]


class PaginationMetaParams(Params):
    style: str = "cursor"  # "cursor" or "offset"
    items: str = "data"


SECRET_VALUE = re.compile(r"^(sk|pk|rk)_(live|test)_|^\$2[aby]\$[0-9][0-9]\$|^\$argon2")


@register("json-document")
class JsonDocumentGrader(Grader):
    language = "json"

    def parse(self, snippet: str) -> Document:
        return Document(load_json(snippet), snippet)

    @rule("schema", params=SchemaParams)
    def schema(self, document: Document, p: SchemaParams) -> Outcome:
        """The document is valid against the given JSON Schema (draft 2020-12)."""
        import jsonschema  # here, not at the top: only grading needs it, and a process serving pages starts faster

        validator = jsonschema.Draft202012Validator(p.json_schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(document.value))
        if error is None:
            return Outcome(True, f"Matches {p.describe}.")
        path = list(error.absolute_path)
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".") or "the top level"
        key = ".".join(str(part) for part in path if isinstance(part, str))
        line = (line_of_path(document.source, key) if key else None) or 1
        return Outcome(False, f"Expected {where} to match {p.describe}: {schema_reason(error)} (line {line}).", line,
                       nodes=schema_nodes(error), any_node=error.validator == "contains" and isinstance(error.instance, list))

    @rule("json", params=JsonParams)
    def json(self, document: Document, p: JsonParams) -> Outcome:
        """The JSON body has a value at `path`, optionally of a type, equal to, one of, or matching a value."""
        return json_path_outcome(document.value, p, document.source, 1)

    @rule("jwt-claims", params=JwtParams)
    def jwt_claims(self, document: Document, p: JwtParams) -> Outcome:
        """JWT claims: required registered claims, integer NumericDates, exp - iat within max_lifetime, no secrets."""
        claims = document.value
        if not isinstance(claims, dict):
            return Outcome(False, "Expected a JSON object of claims, like {\"sub\": \"user_42\", \"iat\": ..., \"exp\": ...}.", 1,
                           nodes=((),))
        missing = [name for name in p.required if name not in claims]
        if missing:
            return Outcome(False, f"Expected the registered claim(s) {', '.join(missing)} (RFC 7519 §4.1); found none.", 1,
                           nodes=tuple((name,) for name in missing))
        for name in ("exp", "iat", "nbf"):
            if name in claims and type_name(claims[name]) != "integer":
                return Outcome(False, f"Expected {name} as a NumericDate: whole seconds since 1970 (RFC 7519 §2); found {show(claims[name])}.",
                               document.line(name), nodes=((name,),))
        if "exp" in claims and "iat" in claims:
            lifetime = claims["exp"] - claims["iat"]
            if lifetime <= 0:
                return Outcome(False, f"Expected exp after iat; exp - iat is {lifetime} seconds, so the token is born expired.", document.line("exp"),
                               nodes=(("exp",),))
            if lifetime > p.max_lifetime:
                return Outcome(False, f"Expected an access token to live at most {p.max_lifetime} seconds ({p.max_lifetime // 60} minutes); "
                               f"exp - iat is {lifetime} seconds ({lifetime / 60:g} minutes).", document.line("exp"), nodes=(("exp",),))
        for name, value in _walk(claims):
            lowered = name.lower()
            if any(word in lowered for word in p.forbidden):
                return Outcome(False, f"A JWT payload is only base64url-encoded, not encrypted: anyone holding the token can read "
                               f"'{name}'. Keep secrets out of claims.", document.line(name))
            if isinstance(value, str) and SECRET_VALUE.search(value):
                return Outcome(False, f"The claim '{name}' holds what looks like a key or password hash; anyone holding the token can read it.",
                               document.line(name))
        return Outcome(True, "The claims are complete, short-lived and free of secrets.")

    @rule("error-envelope")
    def error_envelope(self, document: Document, p: NoParams) -> Outcome:
        """The JSON body is an error envelope: error.code (machine), error.message (human), optional error.details."""
        return _shape(document, error_envelope_problems(document.value), "an error envelope with code, message and details")

    @rule("field-details")
    def field_details(self, document: Document, p: NoParams) -> Outcome:
        """error.details lists each invalid field with its field name and message."""
        return _shape(document, field_details_problems(document.value), "field-level details")

    @rule("problem-details")
    def problem_details(self, document: Document, p: NoParams) -> Outcome:
        """The body is RFC 9457 problem details, served as application/problem+json."""
        return _shape(document, problem_details_problems(document.value), "RFC 9457 problem details")

    @rule("pagination-meta", params=PaginationMetaParams)
    def pagination_meta(self, document: Document, p: PaginationMetaParams) -> Outcome:
        """A page of results: items in a list and meta for cursor (next_cursor) or offset (page, per_page, total) style."""
        value = document.value
        items = resolve(value, p.items)
        if not isinstance(items, list):
            return Outcome(False, f"Expected the page's items as a list in '{p.items}'; found {show(items)}.", document.line(p.items),
                           nodes=(path_node(p.items),) if isinstance(value, dict) else ((),))
        meta = resolve(value, "meta")
        if not isinstance(meta, dict):
            return Outcome(False, "Expected a 'meta' object describing the page; found none.", 1, nodes=(("meta",),))
        if p.style == "cursor":
            if "next_cursor" not in meta:
                return Outcome(False, "Expected meta.next_cursor (null on the last page) so clients can ask for the next page.", document.line("meta"),
                               nodes=(("meta", "next_cursor"),))
            cursor = meta["next_cursor"]
            if cursor is not None and (not isinstance(cursor, str) or not cursor):
                return Outcome(False, f"Expected meta.next_cursor to be an opaque string or null; found {show(cursor)}.", document.line("next_cursor"),
                               nodes=(("meta", "next_cursor"),))
            return Outcome(True, "Cursor pagination meta is complete.")
        for name in ("page", "per_page", "total"):
            if type_name(meta.get(name, MISSING)) != "integer":
                return Outcome(False, f"Expected meta.{name} as a whole number; found {show(meta.get(name, MISSING))}.", document.line(name),
                               nodes=(("meta", name),))
        if len(items) > meta["per_page"]:
            return Outcome(False, f"The page holds {len(items)} items but meta.per_page says {meta['per_page']}.", document.line("per_page"))
        if meta["page"] < 1:
            return Outcome(False, f"Expected meta.page to count from 1; found {meta['page']}.", document.line("page"))
        return Outcome(True, "Offset pagination meta is complete and consistent.")


def schema_nodes(error: jsonschema.ValidationError) -> tuple[tuple, ...]:
    """The nodes a schema failure is about: the missing or unexpected members themselves, else the failing node."""
    at = tuple(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        return tuple(at + (name,) for name in error.validator_value if name not in error.instance) or (at,)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set((error.schema or {}).get("properties", {}))
        return tuple(at + (name,) for name in error.instance if name not in allowed) or (at,)
    if error.validator == "contains" and isinstance(error.instance, list) and error.instance:
        return tuple(at + (index,) for index in range(len(error.instance)))  # no item matched: any may be the defect
    return (at,)


def schema_reason(error: jsonschema.ValidationError) -> str:
    """What a JSON Schema failure means, in words, showing values as JSON and never the schema's internals."""
    kind, expected, found = error.validator, error.validator_value, error.instance
    if kind == "required" and isinstance(found, dict):
        missing = [name for name in expected if name not in found]
        return f"{', '.join(repr(m) for m in missing)} {'is' if len(missing) == 1 else 'are'} missing"
    if kind == "additionalProperties" and isinstance(found, dict):
        allowed = set((error.schema or {}).get("properties", {}))
        extra = [name for name in found if name not in allowed]
        return f"unexpected member(s) {', '.join(repr(e) for e in extra[:5])}"
    if kind == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected a JSON {wanted}, found {type_name(found)} {show(found)}"
    if kind in ("enum", "const"):
        options = expected if kind == "enum" else [expected]
        return f"found {show(found)}, expected {' or '.join(show(option) for option in options)}"
    if "propertyNames" in error.relative_schema_path or "propertyNames" in error.schema_path:
        return f"the member name {show(found)} is not allowed here"
    if kind in ("pattern", "format", "not"):
        return f"{show(found)} does not have the expected form"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        return f"{show(found)} is out of range ({kind} {expected})"
    if kind in ("minLength", "maxLength"):
        return f"{show(found)} is too {'short' if kind == 'minLength' else 'long'}"
    if kind in ("minItems", "maxItems"):
        return f"it has {len(found)} item(s), {'fewer' if kind == 'minItems' else 'more'} than allowed ({expected})"
    if kind in ("minProperties", "maxProperties"):
        return f"it has {len(found)} member(s) ({kind} {expected})"
    if kind == "contains":
        return f"none of its items is the one expected (found {show(found, 120)})"
    if kind == "uniqueItems":
        return "its items repeat"
    if kind in ("anyOf", "oneOf", "allOf"):
        return f"{show(found)} is not any of the accepted shapes"
    return "it does not have the expected shape"


def _walk(value: Any, depth: int = 0):
    if depth > 20:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            yield str(key), child
            yield from _walk(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child, depth + 1)


def _shape(document: Document, problems: list[tuple[str, str | None, tuple]], what: str) -> Outcome:
    if problems:
        wanted, key, _node = problems[0]
        line = document.line(key)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return Outcome(False, f"Expected {wanted}{more} (line {line}).", line, nodes=tuple(node for *_, node in problems))
    return Outcome(True, f"The document is {what}.")
