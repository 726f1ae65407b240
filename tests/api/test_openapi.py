"""The OpenAPI document is generated from the code, valid 3.1, passes the course's own OpenAPI rules, and has a docs page."""

import json
import re

import pytest
from openapi_spec_validator import validate

from course.exercises.graders.openapi import OperationParams, PaginationParams, SecurityParams
from course.exercises.grading import Check, NoParams, grader_for

pytestmark = pytest.mark.django_db

TEACHES = "/modules/documentation-developer-experience/"


@pytest.fixture
def document(client, content):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["ETag"]
    return json.loads(response.content)


def grade(document, *checks):
    # compact: the grader takes at most 64 KiB, a learner's limit; the document with every operation is near it
    return grader_for("openapi").grade(json.dumps(document, separators=(",", ":")), tuple(checks))


def check(rule, params=None):
    return Check(rule, rule, params or NoParams(), TEACHES)


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_document_passes_the_courses_own_design_rules(document):
    result = grade(document, check("valid"), check("documents-4xx"), check("shared-error-schema"), check("pagination", PaginationParams()),
                   check("unique-operation-ids"), check("examples"),
                   check("has-operation", OperationParams(method="post", path="/api/v1/exercises/{slug}/submissions")))
    assert [(c.id, c.passed, c.message) for c in result.checks if not c.passed] == []
    assert result.status == "passed"


def test_every_operation_on_learner_data_requires_the_bearer_scheme(document):
    """Course reads are public by design; the security rule runs on the operations that read or change a learner's data."""
    learner_only = {**document, "paths": {}}
    for path, item in document["paths"].items():
        secured = {method: op for method, op in item.items() if op.get("security")}
        if secured:
            learner_only["paths"][path] = secured
    assert len(learner_only["paths"]) >= 5
    result = grade(learner_only, check("valid"), check("security", SecurityParams(http_scheme="bearer")))
    assert [(c.id, c.message) for c in result.checks if not c.passed] == []
    public = [path for path, item in document["paths"].items() if any(not op.get("security") for op in item.values())]
    assert public == ["/api/v1/modules", "/api/v1/modules/{slug}", "/api/v1/faq", "/api/v1/stages", "/api/v1/stages/{slug}",
                      "/api/v1/exercises", "/api/v1/exercises/{slug}"]


def test_errors_are_documented_as_problem_json_with_their_headers(document):
    create = document["paths"]["/api/v1/exercises/{slug}/submissions"]["post"]["responses"]
    assert set(create) >= {"201", "401", "403", "413", "415", "422", "429", "503"}
    assert set(create["429"]["headers"]) == {"Retry-After", "RateLimit-Policy", "RateLimit"}
    assert "Location" in create["201"]["headers"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                if method == "head":  # no body, ever; the same headers as its GET
                    assert "content" not in response, (path, code)
                    assert response.get("headers") == item["get"]["responses"][code].get("headers"), (path, code)
                elif int(code) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (method, path, code)


def test_every_get_is_also_listed_as_head_and_the_server_answers_it(client, document):
    """HEAD is in the document (RFC 9110 9.3.2: GET's headers, no body), and what it says is what the server does."""
    gets = {path for path, item in document["paths"].items() if "get" in item}
    heads = {path for path, item in document["paths"].items() if "head" in item}
    assert gets == heads and len(heads) >= 12
    modules = document["paths"]["/api/v1/modules"]["head"]
    assert modules["operationId"] == "modules_list_head" and modules["summary"].startswith("Headers only")
    response = client.head("/api/v1/modules")
    assert response.status_code == 200 and response.content == b"" and int(response["Content-Length"]) > 100
    assert response["ETag"] == client.get("/api/v1/modules")["ETag"]


def test_the_document_matches_what_the_server_sends(client, document):
    """Every documented path answers something it documents (a few requests, not a fuzz: schemathesis does that)."""
    for path, item in document["paths"].items():
        if "get" in item and "{" not in path:
            response = client.get(path)
            assert str(response.status_code) in item["get"]["responses"], path


def test_the_docs_page_lists_every_operation_with_no_inline_script_or_style(client, document):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    for path, item in document["paths"].items():
        for method in item:
            shown = "GET, HEAD" if method in ("get", "head") else method.upper()
            assert f"{shown} {path}" in html
    assert 'id="problem-validation-failed"' in html and 'id="problem-rate-limited"' in html
    assert "Authorization: Bearer" in html and "Idempotency-Key" in html and "urllib.request" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    # No CDN: every script and stylesheet is served by this site (a random nonce may spell "cdn", so look at the URLs).
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"', html)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets), assets
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # every script is a file of ours
    assert not re.search(r"<style", html) and " style=" not in html
    assert client.get("/api/v1/openapi.json", headers={"If-None-Match": client.get("/api/v1/openapi.json")["ETag"]}).status_code == 304
