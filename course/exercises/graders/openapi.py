"""`openapi`: an OpenAPI 3.0 or 3.1 document in YAML or JSON.

Structure is checked by openapi-spec-validator; design rules then look at
what a reviewer would: 4xx responses documented, one error schema, pagination
on collections, security applied, unique operationIds, valid examples.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import jsonschema
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from ..grading import Grader, NoParams, Outcome, Params, Unreadable, register, rule
from .documents import line_of_key, load_json, load_yaml

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# The structural validator costs about 0.6 ms an operation; these bounds keep
# any answer well inside the grading time budget. Exercise answers are tiny.
MAX_PATHS = 200
MAX_OPERATIONS = {"3.0": 100, "3.1": 30}  # 3.1's meta-schema is about 3.5x slower to check


class Spec:
    def __init__(self, document: dict, source: str) -> None:
        self.document = document
        self.source = source

    def operations(self) -> Iterator[tuple[str, str, dict]]:
        for path, item in (self.document.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    yield path, method, operation

    def line(self, *keys: str) -> int | None:
        """Best effort: the line of the last key that can be found."""
        for key in reversed(keys):
            line = line_of_key(self.source, key)
            if line:
                return line
        return None

    def deref(self, node: Any, depth: int = 0) -> Any:
        while isinstance(node, dict) and "$ref" in node and depth < 20:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                return node
            target: Any = self.document
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    return node
                target = target[part]
            node, depth = target, depth + 1
        return node


class PaginationParams(Params):
    any_of: list[list[str]] = [["limit", "cursor"], ["page", "per_page"], ["limit", "offset"], ["page[size]", "page[after]"]]


class SecurityParams(Params):
    http_scheme: str | None = None  # e.g. "bearer": require an HTTP scheme of that kind, applied everywhere


class OperationParams(Params):
    method: str
    path: str


@register("openapi")
class OpenApiGrader(Grader):
    language = "yaml"

    def parse(self, snippet: str) -> Spec:
        text = snippet.lstrip()
        document = load_json(snippet) if text.startswith("{") else load_yaml(snippet)
        if not isinstance(document, dict):
            raise Unreadable("An OpenAPI document is a mapping with openapi, info and paths at the top.", 1, 1)
        version = document.get("openapi")
        if not isinstance(version, str) or not re.match(r"^3\.[01]\.\d+$", version):
            line = line_of_key(snippet, "openapi") or 1
            found = repr(version) if version is not None else "no 'openapi' key"
            raise Unreadable(f"Expected 'openapi: 3.0.x' or 'openapi: 3.1.x' at the top; found {found}", line, 1)
        paths = document.get("paths")
        if isinstance(paths, dict):
            operations = sum(1 for item in paths.values() if isinstance(item, dict) for method in HTTP_METHODS if method in item)
            limit = MAX_OPERATIONS[version[:3]]
            if len(paths) > MAX_PATHS or operations > limit:
                raise Unreadable(f"This document has {len(paths)} paths and {operations} operations; answers here are limited to "
                                 f"{MAX_PATHS} paths and {limit} operations for OpenAPI {version[:3]}.", line_of_key(snippet, "paths") or 1)
        return Spec(document, snippet)

    @rule("valid")
    def valid(self, spec: Spec, p: NoParams) -> Outcome:
        """The document is structurally valid OpenAPI (openapi-spec-validator)."""
        validator = OpenAPIV31SpecValidator if spec.document["openapi"].startswith("3.1") else OpenAPIV30SpecValidator
        try:
            errors = list(validator(spec.document).iter_errors())
        except Exception as exc:  # the validator can trip on very odd input; report, never crash
            return Outcome(False, f"The document could not be validated as OpenAPI: {exc.__class__.__name__}.", 1)
        if errors:
            first = errors[0]
            where = " › ".join(str(part) for part in getattr(first, "absolute_path", [])) or "the top level"
            keys = [str(part) for part in getattr(first, "absolute_path", [])]
            line = spec.line(*keys) if keys else 1
            more = f" ({len(errors) - 1} more problem(s) after this one)" if len(errors) > 1 else ""
            return Outcome(False, f"Expected a valid OpenAPI {spec.document['openapi']} document; at {where}: {first.message}{more}.", line)
        return Outcome(True, f"A valid OpenAPI {spec.document['openapi']} document.")

    @rule("documents-4xx")
    def documents_4xx(self, spec: Spec, p: NoParams) -> Outcome:
        """Every operation documents at least one 4xx response."""
        for path, method, operation in spec.operations():
            codes = [str(code) for code in (operation.get("responses") or {})]
            if not any(re.fullmatch(r"4(\d\d|XX)", code) for code in codes):
                return Outcome(False, f"Expected {method.upper()} {path} to document at least one 4xx response "
                               f"(what does a client get for bad input or a missing resource?); found {', '.join(codes) or 'none'}.",
                               spec.line(path, method))
        return Outcome(True, "Every operation documents its 4xx responses.")

    @rule("shared-error-schema")
    def shared_error_schema(self, spec: Spec, p: NoParams) -> Outcome:
        """Every 4xx/5xx response body uses one shared schema through $ref."""
        refs: dict[str, tuple[str, str, str]] = {}
        for path, method, operation in spec.operations():
            for code, response in (operation.get("responses") or {}).items():
                if not re.fullmatch(r"[45](\d\d|XX)", str(code)):
                    continue
                response = spec.deref(response)
                content = (response or {}).get("content") or {}
                if not content:
                    return Outcome(False, f"Expected the {code} response of {method.upper()} {path} to describe its error body; it has no content.",
                                   spec.line(path, method, str(code)))
                for media, body in content.items():
                    schema = (body or {}).get("schema") or {}
                    ref = schema.get("$ref") if isinstance(schema, dict) else None
                    if not ref:
                        return Outcome(False, f"Expected the {code} response of {method.upper()} {path} to use the shared error schema "
                                       "through $ref (#/components/schemas/...); found an inline schema.",
                                       spec.line(path, method, str(code)))
                    refs.setdefault(ref, (path, method, str(code)))
        if not refs:
            return Outcome(False, "Expected 4xx/5xx responses whose bodies use one shared error schema; found no error responses.", 1)
        if len(refs) > 1:
            listed = ", ".join(sorted(refs))
            return Outcome(False, f"Expected one error schema for every error response; found {len(refs)}: {listed}.",
                           spec.line(*list(refs.values())[1]))
        return Outcome(True, f"Every error response uses {next(iter(refs))}.")

    @rule("pagination", params=PaginationParams)
    def pagination(self, spec: Spec, p: PaginationParams) -> Outcome:
        """Every collection GET takes a pair of pagination query parameters."""
        shared = spec.document.get("paths") or {}
        for path, method, operation in spec.operations():
            if method != "get" or path.rstrip("/").endswith("}"):
                continue
            names = set()
            for parameter in [*((shared.get(path) or {}).get("parameters") or []), *(operation.get("parameters") or [])]:
                parameter = spec.deref(parameter)
                if isinstance(parameter, dict) and parameter.get("in") == "query":
                    names.add(str(parameter.get("name")))
            if not any(set(option) <= names for option in p.any_of):
                options = " or ".join("+".join(option) for option in p.any_of)
                return Outcome(False, f"Expected the collection GET {path} to take pagination parameters ({options}); "
                               f"found {', '.join(sorted(names)) or 'no query parameters'}.", spec.line(path, "get"))
        return Outcome(True, "Every collection GET is paginated.")

    @rule("security", params=SecurityParams)
    def security(self, spec: Spec, p: SecurityParams) -> Outcome:
        """A security scheme is defined and applied to every operation."""
        schemes = ((spec.document.get("components") or {}).get("securitySchemes") or {})
        if not schemes:
            return Outcome(False, "Expected a security scheme under components.securitySchemes (for example bearer JWT); found none.",
                           spec.line("components") or 1)
        wanted = {
            name for name, scheme in schemes.items()
            if isinstance(scheme, dict) and (p.http_scheme is None or (
                scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == p.http_scheme.lower()))
        }
        if not wanted:
            return Outcome(False, f"Expected an HTTP '{p.http_scheme}' security scheme (type: http, scheme: {p.http_scheme}); "
                           f"found {', '.join(schemes)}.", spec.line("securitySchemes") or 1)
        top = spec.document.get("security")
        for path, method, operation in spec.operations():
            applied = operation.get("security", top)
            here = f"{method.upper()} {path}"
            if applied is None:
                return Outcome(False, f"Expected security applied to {here} (at the top level or on the operation); found none.",
                               spec.line(path, method))
            if not isinstance(applied, list) or not applied or any(not requirement for requirement in applied):
                return Outcome(False, f"{here} opts out of authentication (security: [] or an empty requirement); "
                               "every operation here should require it.", spec.line(path, method, "security"))
            for requirement in applied:
                for name in (requirement if isinstance(requirement, dict) else {}):
                    if name not in schemes:
                        return Outcome(False, f"{here} requires the scheme '{name}', which components.securitySchemes does not define.",
                                       spec.line(path, method, "security"))
            if not any(isinstance(requirement, dict) and set(requirement) & wanted for requirement in applied):
                return Outcome(False, f"Expected {here} to require the {p.http_scheme or 'defined'} scheme ({', '.join(sorted(wanted))}).",
                               spec.line(path, method, "security"))
        return Outcome(True, f"Security scheme {', '.join(sorted(wanted))} is defined and applied to every operation.")

    @rule("unique-operation-ids")
    def unique_operation_ids(self, spec: Spec, p: NoParams) -> Outcome:
        """Every operation has an operationId, and no two share one."""
        seen: dict[str, str] = {}
        for path, method, operation in spec.operations():
            operation_id = operation.get("operationId")
            here = f"{method.upper()} {path}"
            if not isinstance(operation_id, str) or not operation_id:
                return Outcome(False, f"Expected an operationId on {here} (code generators name functions after it); found none.",
                               spec.line(path, method))
            if operation_id in seen:
                return Outcome(False, f"Expected unique operationIds; '{operation_id}' is used by {seen[operation_id]} and {here}.",
                               spec.line(operation_id))
            seen[operation_id] = here
        return Outcome(True, "Every operation has its own operationId.")

    @rule("examples")
    def examples(self, spec: Spec, p: NoParams) -> Outcome:
        """Bodies carry examples, and each example is valid against its schema."""
        found = 0
        for path, method, operation in spec.operations():
            bodies = []
            request = spec.deref(operation.get("requestBody") or {})
            bodies += [("request body", media, spec.deref(body)) for media, body in ((request or {}).get("content") or {}).items()]
            for code, response in (operation.get("responses") or {}).items():
                response = spec.deref(response)
                bodies += [(f"{code} response", media, spec.deref(body)) for media, body in ((response or {}).get("content") or {}).items()]
            for label, media, body in bodies:
                if not isinstance(body, dict):
                    continue
                samples = []
                if "example" in body:
                    samples.append(body["example"])
                for example in (body.get("examples") or {}).values():
                    example = spec.deref(example)
                    if isinstance(example, dict) and "value" in example:
                        samples.append(example["value"])
                schema = body.get("schema")
                for sample in samples:
                    found += 1
                    problem = _example_problem(spec, schema, sample)
                    if problem:
                        return Outcome(False, f"The example for the {label} of {method.upper()} {path} does not match its schema: {problem}.",
                                       spec.line(path, method, "example"))
        if not found:
            return Outcome(False, "Expected at least one example (example: or examples:) on a request or response body; found none.", 1)
        return Outcome(True, f"{found} example(s), each valid against its schema.")

    @rule("has-operation", params=OperationParams)
    def has_operation(self, spec: Spec, p: OperationParams) -> Outcome:
        """The document has the given operation (method + path)."""
        for path, method, _ in spec.operations():
            if method == p.method.lower() and path == p.path:
                return Outcome(True, f"{p.method.upper()} {p.path} is documented.", spec.line(path))
        return Outcome(False, f"Expected the operation {p.method.upper()} {p.path}; the document has no such operation.", 1)


def _example_problem(spec: Spec, schema: Any, sample: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    resolved = _inline_refs(spec, schema, 0, [5000])
    if spec.document["openapi"].startswith("3.0"):
        resolved = _nullable_to_type_list(resolved)
    try:
        error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(resolved).iter_errors(sample))
    except (jsonschema.exceptions.SchemaError, jsonschema.exceptions.UnknownType, jsonschema.exceptions._WrappedReferencingError,
            RecursionError, TypeError, ValueError, KeyError, AttributeError) as exc:
        return f"its schema is not valid JSON Schema, so the example cannot be checked ({type(exc).__name__})"
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{error.message}" + (f" at {where}" if where else "")


def _inline_refs(spec: Spec, node: Any, depth: int, budget: list[int]) -> Any:
    # Recursive schemas would inline forever: cap depth and total nodes, and
    # past the cap accept anything ({}), which never fails an example wrongly.
    budget[0] -= 1
    if depth > 30 or budget[0] < 0:
        return {}
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline_refs(spec, spec.deref(node), depth + 1, budget)
        return {key: _inline_refs(spec, value, depth + 1, budget) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(spec, item, depth + 1, budget) for item in node]
    return node


def _nullable_to_type_list(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _nullable_to_type_list(value) for key, value in node.items()}
        if node.pop("nullable", False) and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_nullable_to_type_list(item) for item in node]
    return node
