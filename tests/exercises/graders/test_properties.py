"""Property-based: any snippet, random or a mangled good answer, yields a Grade, never an exception."""

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.exercises.grading import INTERNAL_PROBLEM, Grade, grader_for

from .conftest import make_checks
from .test_http_message import CREATED
from .test_openapi import GOOD_YAML, RULES as OPENAPI_RULES
from .test_route_table import ALL_RULES as ROUTE_RULES, GOOD as GOOD_ROUTES

CASES = {
    "http-response": (CREATED + [{"id": "problem", "rule": "problem-details"}, {"id": "envelope", "rule": "error-envelope"},
                                 {"id": "empty", "rule": "no-body"}, {"id": "retry", "rule": "retry-after"}],
                      'HTTP/1.1 201 Created\nLocation: /v1/orders/1\nContent-Type: application/json\n\n{"id": "1", "items": [1, 2]}'),
    "http-request": ([{"id": "m", "rule": "method", "expect": "POST"}, {"id": "t", "rule": "target", "matches": "^/v1"},
                      {"id": "j", "rule": "json", "path": "items[0].qty", "type": "integer"}],
                     'POST /v1/orders HTTP/1.1\nHost: x\nContent-Type: application/json\n\n{"items": [{"qty": 2}]}'),
    "route-table": (ROUTE_RULES, GOOD_ROUTES),
    "openapi": (OPENAPI_RULES, GOOD_YAML),
    "json-document": ([{"id": "jwt", "rule": "jwt-claims"}, {"id": "meta", "rule": "pagination-meta"},
                       {"id": "p", "rule": "problem-details"}, {"id": "f", "rule": "field-details"},
                       {"id": "s", "rule": "schema", "schema": {"type": "object", "required": ["sub"]}}],
                      '{"sub": "u", "iat": 1, "exp": 600, "data": [], "meta": {"next_cursor": null}}'),
}

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)


@st.composite
def mangled(draw, good: str):
    snippet = good
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(snippet)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            snippet = snippet[:position] + draw(st.sampled_from(["{", "}", "[", ":", "\n", '"', "\x00", "*a", "&a ", "\r\n", "é", " "]) | text) + snippet[position:]
        elif action == "delete":
            snippet = snippet[:position] + snippet[position + draw(st.integers(1, 20)):]
        else:
            snippet = snippet[:position] + snippet[position:position + 40] * 2 + snippet[position:]
    return snippet


def assert_is_grade(kind: str, snippet: str) -> None:
    entries, _ = CASES[kind]
    result = grader_for(kind).grade(snippet, make_checks(kind, *entries))
    assert isinstance(result, Grade)
    assert result.status in ("passed", "failed", "error")
    assert 0.0 <= result.score <= 1.0
    if result.status == "error":
        assert result.error is not None and result.error.message and result.checks == ()
        assert "problem on our side" not in result.error.message, snippet
    else:
        assert len(result.checks) == len(entries)
        assert not any(check.message == INTERNAL_PROBLEM for check in result.checks), snippet


@pytest.mark.parametrize("kind", sorted(CASES))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snippet=text)
def test_random_text_always_yields_a_grade(kind, snippet):
    assert_is_grade(kind, snippet)


@pytest.mark.parametrize("kind", sorted(CASES))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mangled_good_answers_always_yield_a_grade(kind, data):
    assert_is_grade(kind, data.draw(mangled(CASES[kind][1])))


@settings(max_examples=100, deadline=None)
@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text,
                          lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
                          max_leaves=30))
def test_any_json_value_yields_a_grade_for_json_document_and_openapi(value):
    assert_is_grade("json-document", json.dumps(value))
    assert_is_grade("openapi", json.dumps(value))
    assert_is_grade("openapi", yaml.safe_dump(value))
