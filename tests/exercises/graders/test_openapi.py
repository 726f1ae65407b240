"""openapi grader."""

import json

import pytest
import yaml

GOOD_YAML = """
openapi: 3.1.0
info: {title: Orders, version: "1.0"}
security:
  - bearer: []
paths:
  /v1/orders:
    get:
      operationId: listOrders
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        "200":
          description: A page of orders
          content:
            application/json:
              schema: {type: object, properties: {data: {type: array}}}
              example: {data: []}
        "400": {$ref: "#/components/responses/Problem"}
  /v1/orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: One order}
        "404": {$ref: "#/components/responses/Problem"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
  responses:
    Problem:
      description: A problem
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
  schemas:
    Problem:
      type: object
      required: [title, status]
      properties: {type: {type: string}, title: {type: string}, status: {type: integer}}
"""
RULES = [{"id": r, "rule": r} for r in ("valid", "documents-4xx", "shared-error-schema", "pagination", "security",
                                         "unique-operation-ids", "examples")]


def test_a_good_document_passes_in_yaml_and_in_json(grade):
    assert grade("openapi", GOOD_YAML, *RULES).passed
    as_json = json.dumps(yaml.safe_load(GOOD_YAML), indent=2)
    result = grade("openapi", as_json, *RULES)
    assert result.passed, [c.message for c in result.checks if not c.passed]


def test_structural_problems_are_reported_with_where(grade):
    broken = GOOD_YAML.replace('info: {title: Orders, version: "1.0"}', "info: {title: Orders}")
    check = grade("openapi", broken, RULES[0]).result_for("valid")
    assert not check.passed and "'version' is a required property" in check.message and "info" in check.message


def test_missing_4xx_inline_error_schemas_and_pagination_are_caught(grade):
    doc = yaml.safe_load(GOOD_YAML)
    del doc["paths"]["/v1/orders/{orderId}"]["get"]["responses"]["404"]
    doc["paths"]["/v1/orders"]["get"]["parameters"] = []
    doc["paths"]["/v1/orders"]["get"]["responses"]["400"] = {
        "description": "bad", "content": {"application/json": {"schema": {"type": "object"}}}}
    result = grade("openapi", yaml.safe_dump(doc), *RULES)
    assert "GET /v1/orders/{orderId} to document at least one 4xx" in result.result_for("documents-4xx").message
    assert "inline schema" in result.result_for("shared-error-schema").message
    assert "take pagination parameters" in result.result_for("pagination").message


def test_security_operation_ids_and_examples(grade):
    doc = yaml.safe_load(GOOD_YAML)
    del doc["security"]
    doc["paths"]["/v1/orders/{orderId}"]["get"]["operationId"] = "listOrders"
    doc["paths"]["/v1/orders"]["get"]["responses"]["200"]["content"]["application/json"]["example"] = {"data": "nope"}
    result = grade("openapi", yaml.safe_dump(doc), *RULES)
    assert "Expected security applied to GET /v1/orders" in result.result_for("security").message
    assert "'listOrders' is used by GET /v1/orders and GET /v1/orders/{orderId}" in result.result_for("unique-operation-ids").message
    assert "does not match its schema" in result.result_for("examples").message


@pytest.mark.parametrize("snippet, fragment", [
    ("swagger: '2.0'\ninfo: {}\n", "openapi: 3.0.x"),
    ("openapi: 3.1.0\ninfo: [unclosed\n", "not valid YAML"),
    ("- just\n- a list\n", "mapping"),
    ("a: &x [1]\nb: *x\n", "aliases"),
])
def test_unreadable_documents_are_errors(grade, snippet, fragment):
    result = grade("openapi", snippet, RULES[0])
    assert result.status == "error" and fragment in result.error.message


def test_a_billion_laughs_yaml_bomb_is_refused_quickly(grade):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8))
    result = grade("openapi", "openapi: 3.1.0\n" + bomb, RULES[0])
    assert result.status == "error" and "aliases" in result.error.message and result.error.line == 3  # the first alias


def test_deep_nesting_is_refused(grade):
    result = grade("openapi", "openapi: 3.1.0\nx: " + "[" * 200 + "]" * 200 + "\n", RULES[0])
    assert result.status == "error" and "nested" in result.error.message


def test_security_fails_an_operation_that_opts_out_and_can_require_bearer(grade):
    doc = yaml.safe_load(GOOD_YAML)
    doc["paths"]["/v1/orders"]["get"]["security"] = []
    assert "opts out of authentication" in grade("openapi", yaml.safe_dump(doc), {"id": "s", "rule": "security"}).result_for("s").message
    doc = yaml.safe_load(GOOD_YAML)
    assert grade("openapi", yaml.safe_dump(doc), {"id": "s", "rule": "security", "http_scheme": "bearer"}).passed
    doc["components"]["securitySchemes"]["bearer"] = {"type": "apiKey", "in": "query", "name": "key"}
    message = grade("openapi", yaml.safe_dump(doc), {"id": "s", "rule": "security", "http_scheme": "bearer"}).result_for("s").message
    assert "Expected an HTTP 'bearer' security scheme" in message


def test_an_example_under_an_invalid_schema_fails_with_a_reason_not_a_crash(grade):
    broken = GOOD_YAML.replace("schema: {type: object, properties: {data: {type: array}}}", "schema: {type: bject}")
    check = grade("openapi", broken, {"id": "e", "rule": "examples"}).result_for("e")
    assert not check.passed and "not valid JSON Schema" in check.message


def test_a_bug_in_a_rule_is_a_failed_check_with_a_plain_message_never_an_exception(grade, monkeypatch):
    from course.exercises.grading import INTERNAL_PROBLEM, NoParams, Rule
    from course.exercises.graders.openapi import OpenApiGrader

    def explode(self, spec, params):
        raise KeyError("boom")

    monkeypatch.setitem(OpenApiGrader.rules, "valid", Rule("valid", NoParams, explode))
    result = grade("openapi", GOOD_YAML, {"id": "v", "rule": "valid"})
    assert result.result_for("v").message == INTERNAL_PROBLEM
