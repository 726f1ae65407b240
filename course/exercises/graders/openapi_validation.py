"""The libraries that check an OpenAPI document's structure, for the `openapi` grader.

openapi-spec-validator, jsonschema and jsonschema-rs take 0.2 s to import (0.9 s
without compiled bytecode), more than the rest of the grader, and only grading
an answer needs them: they are imported on the first call here, so a process
that only serves pages never loads them.

openapi-spec-validator checks every Schema Object against its JSON Schema
dialect in pure Python (about 1 ms each). A compiled validator gives the
same verdict in microseconds; only when it finds a problem does the Python
one run, for its clearer message.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable

_COMPILED: dict[int, Any] = {}  # by id of the meta-schema: the library's module-level constants, alive for good


def compile_meta(meta_schema: Any) -> Any:
    """The compiled validator of `meta_schema`, built once; None when there is none (the Python one then does the work)."""
    try:  # the compiled validator: ~1,000x faster on the meta-schemas; optional, same verdicts
        import jsonschema_rs
    except ImportError:  # pragma: no cover - jsonschema-rs is a declared dependency
        return None
    if meta_schema is None:
        return None
    key = id(meta_schema)
    if key not in _COMPILED:
        from openapi_schema_validator._specifications import REGISTRY

        resources = {uri: REGISTRY[uri].contents for uri in REGISTRY}
        try:
            _COMPILED[key] = jsonschema_rs.validator_for(
                meta_schema, retriever=lambda uri: resources[uri.rstrip("#")], validate_formats=True)
        except Exception:  # a dialect the compiled validator cannot take: the Python one does the work
            _COMPILED[key] = None
    return _COMPILED[key]


def _fast_checker(checker: Callable[[Any], None], meta_schema: Any) -> Callable[[Any], None]:
    compiled = compile_meta(meta_schema)
    if compiled is None:
        return checker

    def check(value: Any) -> None:
        if not compiled.is_valid(value):
            checker(value)  # raises, with the Python validator's message
    return check


class _MetaCheckEverySchema:
    """The library meta-checks only the outermost schema, then walks into subschemas, $refs included, trusting
    them; a $ref to a broken schema then crashes the walk. With the compiled checker, checking each one is cheap."""

    def __call__(self, schema, require_properties=True, meta_checked=False):
        return super().__call__(schema, require_properties=require_properties, meta_checked=False)


def _locating(cls: type) -> type:
    """A keyword validator whose errors carry their place in the document.

    The library's keyword validators report paths relative to the node they
    check (or none); the innermost one to see an error prefixes its node's
    path, so the learner is pointed at the right line.
    """

    def __call__(self, *args, **kwargs):
        node = next((arg for arg in args if hasattr(arg, "parts")), None)
        for error in cls.__call__(self, *args, **kwargs):
            if node is not None and not getattr(error, "_located", False):
                error.path.extendleft(reversed(tuple(node.parts)))
                error._located = True
            yield error

    return type(f"Located{cls.__name__}", (cls,), {"__call__": __call__})


@cache
def _spec_validators() -> dict[str, type]:
    """The library's document validators with our schema checker and located errors, by OpenAPI version."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.validation import keywords as spec_keywords

    class _Schema30(_MetaCheckEverySchema, spec_keywords.OpenAPIV30SchemaValidator):
        def _get_schema_checker(self, schema, schema_value):
            return _fast_checker(super()._get_schema_checker(schema, schema_value), self.schema_validator_cls.META_SCHEMA)

    class _Schema31(_MetaCheckEverySchema, spec_keywords.OpenAPIV31SchemaValidator):
        def _get_schema_checker(self, schema, schema_value):
            checker = super()._get_schema_checker(schema, schema_value)
            cls = self._get_validator_class_for_dialect(self._get_schema_dialect_id(schema, schema_value))
            return _fast_checker(checker, cls.META_SCHEMA) if cls is not None else checker

    class _Spec30(OpenAPIV30SpecValidator):
        keyword_validators = {name: _locating(cls) for name, cls in
                              {**OpenAPIV30SpecValidator.keyword_validators, "schema": _Schema30}.items()}

    class _Spec31(OpenAPIV31SpecValidator):
        keyword_validators = {name: _locating(cls) for name, cls in
                              {**OpenAPIV31SpecValidator.keyword_validators, "schema": _Schema31}.items()}

    return {"3.0": _Spec30, "3.1": _Spec31}


def spec_validator(version: str) -> type:
    """The document validator for OpenAPI `version` ("3.0.x" or "3.1.x"), every error located."""
    return _spec_validators()["3.1" if version.startswith("3.1") else "3.0"]


@cache
def python_document_validator(version: str) -> Any:
    """The pure-Python validator of the OpenAPI meta-schema: slower, but its best_match names the real problem."""
    import jsonschema
    from openapi_spec_validator.schemas import schema_v30, schema_v31

    schema = dict(schema_v31 if version == "3.1" else schema_v30)
    return jsonschema.validators.validator_for(schema)(schema)


def best_match(errors: list) -> Any:
    """The error jsonschema judges most relevant, or None."""
    import jsonschema

    return jsonschema.exceptions.best_match(errors)


def schema_meta(version: str) -> Any:
    """The JSON Schema dialect of Schema Objects in OpenAPI `version`."""
    from openapi_schema_validator import OAS30Validator, OAS31Validator

    return (OAS31Validator if version.startswith("3.1") else OAS30Validator).META_SCHEMA


def example_problem(schema: Any, sample: Any) -> tuple[Any, Exception | None]:
    """`sample` against `schema` (draft 2020-12): (its best error or None, None), or (None, why the schema is broken)."""
    import jsonschema

    try:
        return jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(sample)), None
    except (jsonschema.exceptions.SchemaError, jsonschema.exceptions.UnknownType, jsonschema.exceptions._WrappedReferencingError,
            RecursionError, TypeError, ValueError, KeyError, AttributeError) as exc:
        return None, exc
