"""`openapi`: an OpenAPI 3.0 or 3.1 document in YAML (block or flow style) or JSON.

Structure is checked by openapi-spec-validator, plus every `$ref` must lead
somewhere in the document; design rules then look at what a reviewer would:
4xx responses documented, one error schema, pagination on collections,
security applied, unique operationIds, valid examples.

Every rule is total: a node of the wrong type raises `Misshapen` with what was
expected there and its line, and that defect belongs to the `valid` check
(the others say they were not checked because of it). Rules name every
offending operation at once, and a rule with nothing to look at fails.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Iterator

from ..grading import Check, Grader, Misshapen, NoParams, Outcome, Params, Unreadable, register, rule
from . import openapi_validation as validation
from .documents import MISSING, type_name
from .reading import Located, read_json, read_yaml

logger = logging.getLogger(__name__)
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Bounds that keep any answer well inside the grading time budget. Exercise answers are tiny.
MAX_PATHS = 200
MAX_OPERATIONS = {"3.0": 100, "3.1": 100}
MAX_LISTED = 5  # offenders named in one message; the rest are counted
_JSON_START = re.compile(r'\s*[\[{]\s*(?:"|[\]}])')

Path = tuple


def where(path: Path) -> str:
    return " › ".join(str(part) for part in path) or "the top level"


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def _a(kind: str) -> str:
    return {"object": "a mapping", "array": "a list", "null": "null", "boolean": "a boolean",
            "integer": "a number", "number": "a number", "string": "a string"}.get(kind, kind)


class Spec:
    def __init__(self, located: Located) -> None:
        self.located = located
        self.document: dict = located.value
        self.version: str = self.document["openapi"]
        self.rules: set[str] = set()  # the rules this exercise checks (see Grader.prepare)

    def line(self, *path: str | int) -> int:
        return self.located.line(*path)

    def at(self, path: Path) -> Any:
        """The node at `path`, or MISSING."""
        node: Any = self.document
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return MISSING
        return node

    def mapping(self, path: Path, what: str, node: Any = MISSING) -> dict:
        """The mapping at `path` (empty when absent); any other type, null included, is a structural defect."""
        node = self.at(path) if node is MISSING else node
        if node is MISSING:
            return {}
        if not isinstance(node, dict):
            raise Misshapen(f"Expected {what} at {where(path)} to be a mapping; found {_a(type_name(node))}.", self.line(*path))
        return node

    def scalars(self, path: Path, node: dict, *keys: str) -> None:
        """The named members of `node`, where present, are strings; anything else is a structural defect."""
        for key in keys:
            if key in node and not isinstance(node[key], str):
                raise Misshapen(f"Expected {key} at {where(path)} to be a string; found {_a(type_name(node[key]))}.",
                                self.line(*path, key))

    def sequence(self, path: Path, what: str) -> list:
        node = self.at(path)
        if node is MISSING:
            return []
        if not isinstance(node, list):
            raise Misshapen(f"Expected {what} at {where(path)} to be a list; found {_a(type_name(node))}.", self.line(*path))
        return node

    def operations(self) -> Iterator[tuple[str, str, dict, Path]]:
        for path, item in self.mapping(("paths",), "the paths").items():
            item = self.mapping(("paths", path), "a path item", item)
            for method in HTTP_METHODS:
                if method in item:
                    at = ("paths", path, method)
                    yield path, method, self.mapping(at, "an operation"), at

    def deref(self, node: Any, path: Path) -> tuple[Any, Path]:
        """Follow local $refs; one that leads nowhere is a structural defect named with its line."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            problem = ref_problem(self.document, ref)
            if problem:
                raise Misshapen(f"The $ref at {where(path)} {problem}.", self.line(*path, "$ref"))
            target = pointer_path(ref)
            node, path = self.at(target), target
            seen += 1
            if seen > 20:
                raise Misshapen(f"The $ref at {where(path)} goes round in a circle of references.", self.line(*path))
        return node, path

    def responses(self, operation: dict, at: Path) -> Iterator[tuple[str, Any, Path]]:
        for code, response in self.mapping(at + ("responses",), "the responses").items():
            response, response_at = self.deref(response, at + ("responses", code))
            yield str(code), self.mapping(response_at, "a response", response), response_at

    def bodies(self, holder: Any, at: Path) -> Iterator[tuple[str, Any, Path]]:
        """(media type, media type object, path) of a request body or response."""
        for media, body in self.mapping(at + ("content",), "the content (media types)", holder.get("content", MISSING)).items():
            body, body_at = self.deref(body, at + ("content", media))
            yield media, self.mapping(body_at, "a media type object", body), body_at


def pointer_path(ref: str) -> Path:
    if ref == "#":
        return ()
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/"))


def ref_problem(document: Any, ref: Any) -> str | None:
    """Why `ref` does not lead to a node of this document, or None."""
    if not isinstance(ref, str):
        return f"should be a string like \"#/components/schemas/Problem\"; found {_a(type_name(ref))}"
    if not ref.startswith("#"):
        return f"points outside this document ({ref!r}); an answer here is one self-contained document, so use \"#/...\""
    if ref != "#" and not ref.startswith("#/"):
        return f"is not a JSON pointer ({ref!r}); write it as \"#/components/...\""
    node: Any = document
    walked = "#"
    for part in pointer_path(ref):
        if isinstance(node, list) and re.fullmatch(r"[0-9]+", part) and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return f"points to {ref!r}, which is not in this document ({walked} has no {part!r})"
        walked += "/" + part.replace("~", "~0").replace("/", "~1")
    return None


_DATA_KEYS = {"example", "default", "enum", "const"}


def dangling_refs(document: Any) -> list[tuple[Path, str]]:
    """Every $ref in the document that leads nowhere: (path of the object holding it, why)."""
    found = []
    stack: list[tuple[Any, Path]] = [(document, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            if "$ref" in node:
                problem = ref_problem(document, node["$ref"])
                if problem:
                    found.append((path, problem))
            for key, value in node.items():
                if key in _DATA_KEYS or str(key).startswith("x-"):
                    continue  # data, not description: a "$ref" key in an example is just a key
                if key == "examples":
                    if isinstance(value, dict):  # Example Objects: their `value` is data
                        stack += [({k: v for k, v in example.items() if k != "value"}, path + (key, name))
                                  for name, example in value.items() if isinstance(example, dict)]
                    continue  # a schema's `examples` list is data
                if key == "$ref":
                    continue
                stack.append((value, path + (key,)))
        elif isinstance(node, list):
            stack += [(value, path + (index,)) for index, value in enumerate(node)]
    return sorted(found, key=lambda item: [str(part) for part in item[0]])


_DUPLICATE_ID = re.compile(r"^Operation ID '.*' for '.*' in '.*' is not unique$", re.S)


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
    structure_rule = "valid"

    def parse(self, snippet: str) -> Spec:
        # JSON-looking text gets the JSON reader (its messages fit JSON); the rest is YAML 1.2,
        # which also holds flow style: `{openapi: 3.1.0, info: {...}}`.
        located = read_json(snippet) if _JSON_START.match(snippet) else read_yaml(snippet)
        document = located.value
        if not isinstance(document, dict):
            raise Unreadable("An OpenAPI document is a mapping with openapi, info and paths at the top; "
                             f"this is {_a(type_name(document))}.", 1, 1)
        version = document.get("openapi")
        if not isinstance(version, str) or not re.match(r"^3\.[01]\.[0-9]+$", version):
            found = repr(version) if version is not None else "no 'openapi' key"
            raise Unreadable(f"Expected 'openapi: 3.0.x' or 'openapi: 3.1.x' at the top; found {found}", located.line("openapi"), 1)
        paths = document.get("paths")
        if isinstance(paths, dict):
            operations = sum(1 for item in paths.values() if isinstance(item, dict) for method in HTTP_METHODS if method in item)
            limit = MAX_OPERATIONS[version[:3]]
            if len(paths) > MAX_PATHS or operations > limit:
                raise Unreadable(f"This document has {len(paths)} paths and {operations} operations; answers here are limited to "
                                 f"{MAX_PATHS} paths and {limit} operations.", located.line("paths"))
        return Spec(located)

    def prepare(self, spec: Spec, checks: tuple[Check, ...]) -> None:
        spec.rules = {check.rule for check in checks}

    @rule("valid")
    def valid(self, spec: Spec, p: NoParams) -> Outcome:
        """The document is structurally valid OpenAPI (openapi-spec-validator), and every $ref leads somewhere in it."""
        dangling = dangling_refs(spec.document)  # first: the validator cannot follow a $ref to nowhere
        if dangling:
            (path, problem), *rest = dangling
            more = f" ({len(rest)} more $ref(s) lead nowhere: {_listed([where(other) for other, _ in rest])})" if rest else ""
            return Outcome(False, f"The $ref at {where(path)} {problem}{more}.", spec.line(*path, "$ref"))
        validator = validation.spec_validator(spec.version)
        if not validator.schema_validator.is_valid(spec.document):  # the meta-schema first; Python's best match reads best
            errors = list(validation.python_document_validator(spec.version[:3]).iter_errors(spec.document))
            first = validation.best_match(errors)
            if first is not None:
                return self._invalid(spec, first, len(errors))
        errors = []
        try:
            for error in validator(spec.document).iter_errors():
                errors.append(error)
        except Exception as exc:  # the library can trip on odd input: report what it found, or that it stopped
            logger.info("openapi-spec-validator stopped on an answer", exc_info=True)
            if not errors:
                return Outcome(False, "The document matches the OpenAPI schema, but the validator stopped on something unusual in it "
                               f"({exc.__class__.__name__}); compare the operations and schemas with the examples in the module.",
                               spec.line("paths"))
        if "unique-operation-ids" in spec.rules:  # that check owns duplicates, with a clearer message
            errors = [error for error in errors if not _DUPLICATE_ID.match(str(getattr(error, "message", "")))]
        if errors:
            return self._invalid(spec, errors[0], len(errors))
        return Outcome(True, f"A valid OpenAPI {spec.version} document.")

    def _invalid(self, spec: Spec, first: Any, count: int) -> Outcome:
        path = tuple(getattr(first, "absolute_path", ()))
        message = str(getattr(first, "message", first)).split("\n")[0].rstrip(".")
        more = f" ({count - 1} more problem(s) after this one)" if count > 1 else ""
        return Outcome(False, f"Expected a valid OpenAPI {spec.version} document; at {where(path)}: {message}{more}.", spec.line(*path))

    @rule("documents-4xx")
    def documents_4xx(self, spec: Spec, p: NoParams) -> Outcome:
        """Every operation documents at least one 4xx response."""
        missing, lines, count = [], [], 0
        for path, method, operation, at in spec.operations():
            count += 1
            codes = [code for code, _, _ in spec.responses(operation, at)]
            if not any(re.fullmatch(r"4([0-9][0-9]|XX)", code) for code in codes):
                missing.append(f"{method.upper()} {path} (found {', '.join(codes) or 'no responses'})")
                lines.append(spec.line(*at))
        if not count:
            return Outcome(False, "Expected operations whose 4xx responses can be checked; the document has none under paths.",
                           spec.line("paths"))
        if missing:
            return Outcome(False, f"Expected every operation to document at least one 4xx response (what does a client get for bad "
                           f"input or a missing resource?); {len(missing)} of {count} document none: {_listed(missing)}.", lines[0])
        return Outcome(True, f"All {count} operation(s) document their 4xx responses.")

    @rule("shared-error-schema")
    def shared_error_schema(self, spec: Spec, p: NoParams) -> Outcome:
        """Every 4xx/5xx response body uses one shared schema through $ref."""
        refs: dict[str, list[str]] = {}
        problems, lines = [], []
        for path, method, operation, at in spec.operations():
            if method == "head":  # an answer to HEAD never has a body (RFC 9110 9.3.2): nothing to describe
                continue
            for code, response, response_at in spec.responses(operation, at):
                if not re.fullmatch(r"[45]([0-9][0-9]|XX)", code):
                    continue
                here = f"the {code} response of {method.upper()} {path}"
                bodies = list(spec.bodies(response, response_at))
                if not bodies:
                    problems.append(f"{here} has no content")
                    lines.append(spec.line(*response_at))
                for media, body, body_at in bodies:
                    schema = body.get("schema", MISSING)
                    if isinstance(schema, bool):  # `schema: true` is a valid 3.1 schema, and an inline one
                        schema = {}
                    schema = spec.mapping(body_at + ("schema",), "a schema", schema)
                    ref = schema.get("$ref")
                    problem = ref_problem(spec.document, ref) if "$ref" in schema else None
                    if problem:
                        raise Misshapen(f"The $ref at {where(body_at + ('schema',))} {problem}.", spec.line(*body_at, "schema", "$ref"))
                    if not isinstance(ref, str) or not ref:
                        problems.append(f"{here} ({media}) has an inline schema")
                        lines.append(spec.line(*body_at, "schema"))
                    else:
                        refs.setdefault(ref, []).append(f"{code} {method.upper()} {path}")
        if problems:
            return Outcome(False, "Expected every error response to describe its body with the shared error schema through $ref "
                           f"(#/components/schemas/...); {_listed(problems)}.", lines[0])
        if not refs:
            return Outcome(False, "Expected 4xx/5xx responses whose bodies use one shared error schema; found no error responses.",
                           spec.line("paths"))
        if len(refs) > 1:
            listed = "; ".join(f"{ref} ({_listed(users)})" for ref, users in sorted(refs.items()))
            return Outcome(False, f"Expected one error schema for every error response; found {len(refs)}: {listed}.", spec.line("paths"))
        return Outcome(True, f"Every error response uses {next(iter(refs))}.")

    @rule("pagination", params=PaginationParams)
    def pagination(self, spec: Spec, p: PaginationParams) -> Outcome:
        """Every collection GET takes a pair of pagination query parameters."""
        missing, lines, count = [], [], 0
        for path, method, operation, at in spec.operations():
            if method != "get" or path.rstrip("/").endswith("}"):
                continue
            count += 1
            names = set()
            for holder in (("paths", path), at):
                for index, parameter in enumerate(spec.sequence(holder + ("parameters",), "the parameters")):
                    parameter, parameter_at = spec.deref(parameter, holder + ("parameters", index))
                    parameter = spec.mapping(parameter_at, "a parameter", parameter)
                    spec.scalars(parameter_at, parameter, "name", "in")
                    if parameter.get("in") == "query":
                        names.add(str(parameter.get("name")))
            if not any(set(option) <= names for option in p.any_of):
                missing.append(f"GET {path} (found {', '.join(sorted(names)) or 'no query parameters'})")
                lines.append(spec.line(*at))
        options = " or ".join("+".join(option) for option in p.any_of)
        if not count:
            return Outcome(False, "Expected a collection GET (a path not ending in a {parameter}) to check for pagination; "
                           "the document has none.", spec.line("paths"))
        if missing:
            return Outcome(False, f"Expected every collection GET to take pagination parameters ({options}); "
                           f"{_listed(missing)}.", lines[0])
        return Outcome(True, f"All {count} collection GET(s) are paginated.")

    @rule("security", params=SecurityParams)
    def security(self, spec: Spec, p: SecurityParams) -> Outcome:
        """A security scheme is defined and applied to every operation."""
        spec.mapping(("components",), "the components")
        schemes = spec.mapping(("components", "securitySchemes"), "the security schemes")
        if not schemes:
            return Outcome(False, "Expected a security scheme under components.securitySchemes (for example bearer JWT); found none.",
                           spec.line("components"))
        schemes = {name: spec.mapping(at, "a security scheme", scheme) for name, (scheme, at) in
                   ((name, spec.deref(scheme, ("components", "securitySchemes", name))) for name, scheme in schemes.items())}
        for name, scheme in schemes.items():
            spec.scalars(("components", "securitySchemes", name), scheme, "type", "scheme")
        wanted = {
            name for name, scheme in schemes.items()
            if isinstance(scheme, dict) and (p.http_scheme is None or (
                scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == p.http_scheme.lower()))
        }
        if not wanted:
            return Outcome(False, f"Expected an HTTP '{p.http_scheme}' security scheme (type: http, scheme: {p.http_scheme}); "
                           f"found {', '.join(schemes)}.", spec.line("components", "securitySchemes"))
        top = spec.sequence(("security",), "the security requirements") if "security" in spec.document else None
        problems, lines, count = [], [], 0
        for path, method, operation, at in spec.operations():
            count += 1
            here = f"{method.upper()} {path}"
            if "security" in operation:
                applied, applied_at = spec.sequence(at + ("security",), "the security requirements"), at + ("security",)
            else:
                applied, applied_at = top, ("security",)
            if applied is None:
                problems.append(f"{here} has none")
                lines.append(spec.line(*at))
                continue
            requirements = [spec.mapping(applied_at + (index,), "a security requirement", requirement)
                            for index, requirement in enumerate(applied)]
            if not requirements or any(not requirement for requirement in requirements):
                problems.append(f"{here} opts out of authentication (security: [] or an empty requirement)")
                lines.append(spec.line(*applied_at))
                continue
            unknown = sorted({name for requirement in requirements for name in requirement if name not in schemes})
            if unknown:
                problems.append(f"{here} requires {', '.join(repr(name) for name in unknown)}, which components.securitySchemes "
                                f"does not define (it has {', '.join(repr(name) for name in schemes)})")
                lines.append(spec.line(*applied_at))
            elif not any(set(requirement) & wanted for requirement in requirements):
                problems.append(f"{here} does not require the {p.http_scheme or 'defined'} scheme ({', '.join(sorted(wanted))})")
                lines.append(spec.line(*applied_at))
        if not count:
            return Outcome(False, "Expected operations to check for security; the document has none under paths.", spec.line("paths"))
        if problems:
            return Outcome(False, f"Expected security applied to every operation (at the top level or on each one); "
                           f"{_listed(problems)}.", lines[0])
        return Outcome(True, f"Security scheme {', '.join(sorted(wanted))} is defined and applied to all {count} operation(s).")

    @rule("unique-operation-ids")
    def unique_operation_ids(self, spec: Spec, p: NoParams) -> Outcome:
        """Every operation has an operationId, and no two share one."""
        users: dict[str, list[tuple[str, int]]] = {}
        missing, lines, count = [], [], 0
        for path, method, operation, at in spec.operations():
            count += 1
            operation_id = operation.get("operationId")
            here = f"{method.upper()} {path}"
            if "operationId" in operation and not isinstance(operation_id, str):
                raise Misshapen(f"Expected the operationId at {where(at + ('operationId',))} to be a string; found "
                                f"{_a(type_name(operation_id))}.", spec.line(*at, "operationId"))
            if not isinstance(operation_id, str) or not operation_id.strip():
                missing.append(here)
                lines.append(spec.line(*at))
            else:
                users.setdefault(operation_id, []).append((here, spec.line(*at, "operationId")))
        if not count:
            return Outcome(False, "Expected operations whose operationIds can be checked; the document has none under paths.",
                           spec.line("paths"))
        shared = {name: found for name, found in users.items() if len(found) > 1}
        problems = [f"'{name}' is used by {' and '.join(here for here, _ in found)}" for name, found in shared.items()]
        lines += [found[1][1] for found in shared.values()]
        if missing:
            problems.insert(0, f"no operationId on {_listed(missing)} (code generators name functions after it)")
        if problems:
            return Outcome(False, f"Expected a unique operationId on every operation; {'; '.join(problems)}.", lines[0])
        return Outcome(True, f"All {count} operation(s) have their own operationId.")

    @rule("examples")
    def examples(self, spec: Spec, p: NoParams) -> Outcome:
        """Bodies carry examples, and each example is valid against its schema."""
        found = 0
        problems, lines = [], []
        for path, method, operation, at in spec.operations():
            bodies = []
            if "requestBody" in operation:
                request, request_at = spec.deref(operation["requestBody"], at + ("requestBody",))
                request = spec.mapping(request_at, "a request body", request)
                bodies += [("request body", media, body, body_at) for media, body, body_at in spec.bodies(request, request_at)]
            for code, response, response_at in spec.responses(operation, at):
                bodies += [(f"{code} response", media, body, body_at) for media, body, body_at in spec.bodies(response, response_at)]
            for label, media, body, body_at in bodies:
                samples = []
                if "example" in body:
                    samples.append((body["example"], body_at + ("example",)))
                for name, example in spec.mapping(body_at + ("examples",), "the named examples").items():
                    example, example_at = spec.deref(example, body_at + ("examples", name))
                    if isinstance(example, dict) and "value" in example:
                        samples.append((example["value"], example_at + ("value",)))
                for sample, sample_at in samples:
                    found += 1
                    problem = _example_problem(spec, body.get("schema"), sample, body_at + ("schema",))
                    if problem:
                        problems.append(f"the {label} of {method.upper()} {path}: {problem}")
                        lines.append(spec.line(*sample_at))
        if problems:
            return Outcome(False, f"Expected every example to match its schema; {len(problems)} of {found} do not: "
                           f"{_listed(problems)}.", lines[0])
        if not found:
            return Outcome(False, "Expected at least one example (example: or examples:) on a request or response body; found none.",
                           spec.line("paths"))
        return Outcome(True, f"{found} example(s), each valid against its schema.")

    @rule("has-operation", params=OperationParams)
    def has_operation(self, spec: Spec, p: OperationParams) -> Outcome:
        """The document has the given operation (method + path)."""
        for path, method, _, at in spec.operations():
            if method == p.method.lower() and path == p.path:
                return Outcome(True, f"{p.method.upper()} {p.path} is documented.", spec.line(*at))
        return Outcome(False, f"Expected the operation {p.method.upper()} {p.path}; the document has no such operation.",
                       spec.line("paths"))


def _example_problem(spec: Spec, schema: Any, sample: Any, at: Path) -> str | None:
    if not isinstance(schema, dict):
        return None
    resolved = _inline_refs(spec, schema, 0, [5000])
    compiled = validation.compile_meta(validation.schema_meta(spec.version))
    if compiled is not None and not compiled.is_valid(resolved):  # a broken schema is the valid check's to report
        raise Misshapen(f"The schema at {where(at)} is not valid JSON Schema, so its example cannot be checked against it.",
                        spec.line(*at))
    if spec.version.startswith("3.0"):
        resolved = _nullable_to_type_list(resolved)
    error, broken = validation.example_problem(resolved, sample)
    if broken is not None:
        return f"its schema is not valid JSON Schema, so the example cannot be checked ({type(broken).__name__})"
    if error is None:
        return None
    at = "/".join(str(part) for part in error.absolute_path)
    return f"{error.message}" + (f" at {at}" if at else "")


def _inline_refs(spec: Spec, node: Any, depth: int, budget: list[int]) -> Any:
    # Recursive schemas would inline forever: cap depth and total nodes, and
    # past the cap accept anything ({}), which never fails an example wrongly.
    budget[0] -= 1
    if depth > 30 or budget[0] < 0:
        return {}
    if isinstance(node, dict):
        if "$ref" in node:
            if ref_problem(spec.document, node["$ref"]):
                return {}  # the valid check names it
            return _inline_refs(spec, spec.at(pointer_path(node["$ref"])), depth + 1, budget)
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
