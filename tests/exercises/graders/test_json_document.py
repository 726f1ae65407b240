"""json-document grader."""

import pytest


def test_jwt_claims_for_a_short_lived_token_pass(grade):
    claims = '{"sub": "user_42", "iat": 1767225600, "exp": 1767226500, "scope": "orders:read"}'
    assert grade("json-document", claims, {"id": "jwt", "rule": "jwt-claims"}).passed


@pytest.mark.parametrize("claims, fragment", [
    ('{"sub": "u", "iat": 1767225600, "exp": 1767229200}', "at most 900 seconds (15 minutes); exp - iat is 3600 seconds (60 minutes)"),
    ('{"iat": 1767225600, "exp": 1767226500}', "registered claim(s) sub"),
    ('{"sub": "u", "iat": "2026-01-01", "exp": 1767226500}', "NumericDate"),
    ('{"sub": "u", "iat": 1767225600, "exp": 1767226500, "password": "hunter2"}', "Keep secrets out of claims"),
    ('{"sub": "u", "iat": 1767226500, "exp": 1767225600}', "born expired"),
])
def test_jwt_claims_mistakes_are_explained(grade, claims, fragment):
    check = grade("json-document", claims, {"id": "jwt", "rule": "jwt-claims"}).result_for("jwt")
    assert not check.passed and fragment in check.message


def test_schema_rule_names_the_missing_member_and_its_place(grade):
    schema = {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"]}}}
    rule = {"id": "shape", "rule": "schema", "schema": schema}
    assert grade("json-document", '{"error": {"code": "x", "message": "y"}}', rule).passed
    check = grade("json-document", '{\n  "error": {\n    "code": "x"\n  }\n}', rule).result_for("shape")
    assert "Expected error to match the expected shape: 'message' is missing (line 2)." == check.message


def test_pagination_meta_styles(grade):
    cursor = {"id": "meta", "rule": "pagination-meta", "style": "cursor"}
    offset = {"id": "meta", "rule": "pagination-meta", "style": "offset"}
    assert grade("json-document", '{"data": [1, 2], "meta": {"next_cursor": "b3Jk"}}', cursor).passed
    assert grade("json-document", '{"data": [1], "meta": {"next_cursor": null}}', cursor).passed
    assert "next_cursor" in grade("json-document", '{"data": [], "meta": {}}', cursor).result_for("meta").message
    assert grade("json-document", '{"data": [1], "meta": {"page": 1, "per_page": 20, "total": 1}}', offset).passed
    message = grade("json-document", '{"data": [1, 2, 3], "meta": {"page": 1, "per_page": 2, "total": 9}}', offset).result_for("meta").message
    assert "holds 3 items but meta.per_page says 2" in message


def test_field_details_and_problem_details(grade):
    envelope = '{"error": {"code": "validation_failed", "message": "Fix the fields", "details": [{"field": "email", "message": "is required"}]}}'
    assert grade("json-document", envelope, {"id": "e", "rule": "error-envelope"}, {"id": "f", "rule": "field-details"}).passed
    check = grade("json-document", '{"error": {"code": "x", "message": "y", "details": [{"msg": "bad"}]}}',
                  {"id": "f", "rule": "field-details"}).result_for("f")
    assert "details[0] to name the \"field\"" in check.message
    assert grade("json-document", '{"title": "Not found", "status": 404}', {"id": "p", "rule": "problem-details"}).passed


@pytest.mark.parametrize("snippet, line, column", [
    ('{"a": 1,\n "b": }', 2, 7),
    ("{'a': 1}", 1, 2),
    ('{"a": NaN}', 1, 7),  # NaN is not JSON: pointed at, like any other mistake
])
def test_invalid_json_is_an_error_with_line_and_column(grade, snippet, line, column):
    result = grade("json-document", snippet, {"id": "p", "rule": "problem-details"})
    assert result.status == "error"
    assert (result.error.line, result.error.column) == (line, column)
