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


def test_a_head_operation_needs_no_error_body(grade):
    """A HEAD answer has no body (RFC 9110 9.3.2), so its 4xx responses describe none; a GET's still must."""
    doc = yaml.safe_load(GOOD_YAML)
    get = doc["paths"]["/v1/orders/{orderId}"]["get"]
    doc["paths"]["/v1/orders/{orderId}"]["head"] = {
        "operationId": "orderHead", "parameters": json.loads(json.dumps(get["parameters"])),
        "responses": {"200": {"description": "One order's headers"}, "404": {"description": "No such order"}}}
    assert grade("openapi", yaml.safe_dump(doc), *RULES).result_for("shared-error-schema").passed
    get["responses"]["404"] = {"description": "No such order"}
    check = grade("openapi", yaml.safe_dump(doc), *RULES).result_for("shared-error-schema")
    assert not check.passed and "the 404 response of GET /v1/orders/{orderId} has no content" in check.message
    assert "HEAD" not in check.message


def test_missing_4xx_inline_error_schemas_and_pagination_are_caught(grade):
    doc = yaml.safe_load(GOOD_YAML)
    del doc["paths"]["/v1/orders/{orderId}"]["get"]["responses"]["404"]
    doc["paths"]["/v1/orders"]["get"]["parameters"] = []
    doc["paths"]["/v1/orders"]["get"]["responses"]["400"] = {
        "description": "bad", "content": {"application/json": {"schema": {"type": "object"}}}}
    result = grade("openapi", yaml.safe_dump(doc), *RULES)
    assert "1 of 2 document none: GET /v1/orders/{orderId} (found 200)" in result.result_for("documents-4xx").message
    assert "inline schema" in result.result_for("shared-error-schema").message
    assert "take pagination parameters (limit+cursor" in result.result_for("pagination").message
    assert "GET /v1/orders (found no query parameters)" in result.result_for("pagination").message


def test_security_operation_ids_and_examples(grade):
    doc = yaml.safe_load(GOOD_YAML)
    del doc["security"]
    doc["paths"]["/v1/orders/{orderId}"]["get"]["operationId"] = "listOrders"
    doc["paths"]["/v1/orders"]["get"]["responses"]["200"]["content"]["application/json"]["example"] = {"data": "nope"}
    result = grade("openapi", yaml.safe_dump(doc), *RULES)
    assert "GET /v1/orders has none, GET /v1/orders/{orderId} has none" in result.result_for("security").message
    assert "'listOrders' is used by GET /v1/orders and GET /v1/orders/{orderId}" in result.result_for("unique-operation-ids").message
    assert "1 of 1 do not: the 200 response of GET /v1/orders: 'nope' is not of type 'array' at data" in result.result_for("examples").message


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


def _lines(snippet: str, text: str) -> int:
    return next(number for number, line in enumerate(snippet.split("\n"), start=1) if text in line)


def test_yaml_flow_style_block_style_and_json_grade_the_same(grade):
    document = yaml.safe_load(GOOD_YAML)
    document["paths"]["/v1/orders"]["get"]["responses"]["200"]["content"]["application/json"]["example"] = {"data": "x"}
    styles = [yaml.safe_dump(document, default_flow_style=False), yaml.safe_dump(document, default_flow_style=True),
              json.dumps(document), json.dumps(document, indent=4).replace("\n", "\r\n")]
    verdicts = [[(c.id, c.passed, c.message) for c in grade("openapi", text, *RULES).checks] for text in styles]
    assert verdicts[0] == verdicts[1] == verdicts[2] == verdicts[3]
    assert [passed for _, passed, _ in verdicts[0]].count(False) == 1  # only the example


def test_a_ref_to_nothing_fails_valid_naming_the_pointer_and_its_line(grade):
    broken = GOOD_YAML.replace('schema: {$ref: "#/components/schemas/Problem"}', 'schema: {$ref: "#/components/schemas/Problm"}')
    result = grade("openapi", broken, *RULES)
    valid = result.result_for("valid")
    assert not valid.passed and "'#/components/schemas/Problm'" in valid.message and "has no 'Problm'" in valid.message
    assert valid.line == _lines(broken, "Problm")
    shared = result.result_for("shared-error-schema")
    assert shared.not_checked_because == "valid" and "Not checked" in shared.message


def test_a_ref_outside_the_document_is_refused_with_its_line(grade):
    broken = GOOD_YAML.replace('"400": {$ref: "#/components/responses/Problem"}', '"400": {$ref: "common.yaml#/Problem"}')
    valid = grade("openapi", broken, RULES[0]).result_for("valid")
    assert not valid.passed and "points outside this document" in valid.message and valid.line == _lines(broken, "common.yaml")


def test_a_duplicate_operation_id_fails_one_check_not_two(grade):
    doc = yaml.safe_load(GOOD_YAML)
    doc["paths"]["/v1/orders/{orderId}"]["get"]["operationId"] = "listOrders"
    result = grade("openapi", yaml.safe_dump(doc), *RULES)
    assert result.result_for("valid").passed
    assert not result.result_for("unique-operation-ids").passed
    # Without that check in the exercise, the structural check still reports it.
    alone = grade("openapi", yaml.safe_dump(doc), RULES[0]).result_for("valid")
    assert not alone.passed and "not unique" in alone.message


def test_a_node_of_the_wrong_type_fails_valid_with_its_line_and_the_others_say_why_they_did_not_check(grade):
    broken = GOOD_YAML.replace('"200": {description: One order}\n        "404": {$ref: "#/components/responses/Problem"}',
                               '"200": [One order]\n        "404": {$ref: "#/components/responses/Problem"}')
    result = grade("openapi", broken, *RULES)
    valid = result.result_for("valid")
    assert not valid.passed and "responses › 200" in valid.message and valid.line == _lines(broken, "[One order]")
    blocked = [c for c in result.checks if c.not_checked_because == "valid"]
    assert blocked and all("Expected a response at paths › /v1/orders/{orderId} › get › responses › 200 to be a mapping; "
                           "found a list" in c.message for c in blocked)
    assert all(c.line == valid.line for c in blocked)


def test_every_operation_without_a_4xx_is_named_at_once(grade):
    doc = yaml.safe_load(GOOD_YAML)
    del doc["paths"]["/v1/orders"]["get"]["responses"]["400"]
    del doc["paths"]["/v1/orders/{orderId}"]["get"]["responses"]["404"]
    message = grade("openapi", yaml.safe_dump(doc), RULES[1]).result_for("documents-4xx").message
    assert "2 of 2 document none: GET /v1/orders (found 200), GET /v1/orders/{orderId} (found 200)" in message


@pytest.mark.parametrize("rule", ["documents-4xx", "pagination", "security", "unique-operation-ids", "examples",
                                  "shared-error-schema"])
def test_a_rule_with_nothing_to_check_fails(grade, rule):
    empty = "openapi: 3.1.0\ninfo: {title: Empty, version: '1'}\npaths: {}\ncomponents:\n  securitySchemes:\n" \
            "    bearer: {type: http, scheme: bearer}\n"
    check = grade("openapi", empty, {"id": rule, "rule": rule}).result_for(rule)
    assert not check.passed and check.line is not None


def test_a_schema_broken_behind_a_ref_is_reported_not_a_crash(grade):
    broken = GOOD_YAML.replace("properties: {type: {type: string}, title: {type: string}, status: {type: integer}}",
                               "properties: 42")
    result = grade("openapi", broken, *RULES)
    valid = result.result_for("valid")
    assert not valid.passed and "42 is not of type 'object'" in valid.message
    assert all("problem on our side" not in c.message for c in result.checks)
