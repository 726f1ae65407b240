"""http-response and http-request graders."""

import pytest

CREATED = [
    {"id": "status", "rule": "status", "expect": 201, "because": "a new resource was created"},
    {"id": "location", "rule": "header", "name": "Location", "matches": r"^/v1/orders/\w+$"},
    {"id": "type", "rule": "content-type", "expect": "application/json"},
    {"id": "id", "rule": "json", "path": "id", "type": "string"},
]


@pytest.mark.parametrize("snippet", [
    "HTTP/1.1 201 Created\nLocation: /v1/orders/ord_1\nContent-Type: application/json\n\n{\"id\": \"ord_1\"}\n",
    "HTTP/1.1 201 Created\r\nlocation: /v1/orders/ord_1\r\ncontent-type: application/json; charset=utf-8\r\n\r\n{\"total\": 3, \"id\": \"ord_1\"}",
    "\n\nHTTP/1.1 201 Created\nCONTENT-TYPE: Application/JSON\nX-Request-ID: abc\nLocation:/v1/orders/9\n\n{\n  \"id\": \"9\"\n}\n",
])
def test_correct_responses_written_differently_pass(grade, snippet):
    result = grade("http-response", snippet, *CREATED)
    assert result.status == "passed", [c.message for c in result.checks]
    assert result.score == 1.0


def test_wrong_status_fails_with_a_reviewer_message_on_line_one(grade):
    result = grade("http-response", "HTTP/1.1 200 OK\nLocation: /v1/orders/1\nContent-Type: application/json\n\n{\"id\": \"1\"}", *CREATED)
    status = result.result_for("status")
    assert result.status == "failed" and result.score == 0.75
    assert not status.passed
    assert status.message == "Expected 201 Created (a new resource was created); found 200 OK (line 1)."
    assert status.line == 1
    assert status.hint == "hint for status"
    assert result.result_for("location").passed and result.result_for("location").hint == ""


def test_missing_header_and_wrong_json_type_are_reported(grade):
    result = grade("http-response", "HTTP/1.1 201 Created\nContent-Type: application/json\n\n{\"id\": 42}", *CREATED)
    assert "Expected a Location header" in result.result_for("location").message
    message = result.result_for("id").message
    assert "Expected id to be a JSON string" in message and "found integer 42 (line 4)" in message


@pytest.mark.parametrize("snippet, fragment, line", [
    ("GET /v1/orders HTTP/1.1\nHost: x\n", "This is a request line", 1),
    ("HTTP/2 201\nLocation: /x\n", "HTTP/1.1", 1),
    ("HTTP/1.1 2O1 Created\n", "three digits", 1),
    ("HTTP/1.1 201 Created\nLocation /v1/orders/1\n", "header field", 2),
    ("HTTP/1.1 201 Created\nBad Header: x\n", "header name is a token", 2),
    ("HTTP/1.1 201 Created\nA: b\n  folded\n", "line folding", 3),
    ("HTTP/1.1 201 Created\nContent-Type: application/json\n\n{\"id\": 1,}", "JSON body is not valid JSON", 4),
])
def test_unreadable_messages_are_an_error_with_a_line_never_failed_checks(grade, snippet, fragment, line):
    result = grade("http-response", snippet, *CREATED)
    assert result.status == "error" and result.checks == ()
    assert fragment in result.error.message
    assert result.error.line == line


def test_json_error_gives_line_and_column_within_the_whole_message(grade):
    result = grade("http-response", "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\n  \"a\": tru\n}", *CREATED)
    assert (result.error.line, result.error.column) == (5, 8)


def test_no_body_on_204_and_304(grade):
    rules = [{"id": "status", "rule": "status", "expect": 204}, {"id": "empty", "rule": "no-body"}]
    assert grade("http-response", "HTTP/1.1 204 No Content\n\n", *rules).passed
    result = grade("http-response", "HTTP/1.1 204 No Content\n\n{\"deleted\": true}\n", *rules)
    assert result.result_for("empty").message.startswith("Expected no body: a 204 No Content response ends after its headers")
    assert result.result_for("empty").line == 3


def test_header_absent_equals_and_list_rules(grade):
    snippet = "HTTP/1.1 405 Method Not Allowed\nAllow: GET, HEAD\nCache-Control: no-store\n\n"
    result = grade(
        "http-response", snippet,
        {"id": "allow", "rule": "header-list", "name": "Allow", "includes": ["GET", "HEAD"], "excludes": ["DELETE"]},
        {"id": "no-cookie", "rule": "header", "name": "Set-Cookie", "present": False},
        {"id": "cache", "rule": "header-list", "name": "Cache-Control", "includes": ["no-store"]},
    )
    assert result.passed
    result = grade("http-response", "HTTP/1.1 405 Method Not Allowed\nAllow: GET, DELETE\nSet-Cookie: a=b\n\n",
                   {"id": "allow", "rule": "header-list", "name": "Allow", "includes": ["GET", "HEAD"]},
                   {"id": "no-cookie", "rule": "header", "name": "Set-Cookie", "present": False})
    assert "Expected Allow to include HEAD" in result.result_for("allow").message
    assert result.result_for("no-cookie").message == "Expected no Set-Cookie header; found one (line 3)."


def test_retry_after_accepts_seconds_or_an_http_date_and_rejects_nonsense(grade):
    rule = {"id": "retry", "rule": "retry-after"}
    assert grade("http-response", "HTTP/1.1 429 Too Many Requests\nRetry-After: 30\n\n", rule).passed
    assert grade("http-response", "HTTP/1.1 429 Too Many Requests\nRetry-After: Wed, 21 Oct 2026 07:28:00 GMT\n\n", rule).passed
    result = grade("http-response", "HTTP/1.1 429 Too Many Requests\nRetry-After: soon\n\n", rule)
    assert "whole seconds" in result.result_for("retry").message and result.result_for("retry").line == 2


def test_problem_details_need_the_media_type_and_a_matching_status(grade):
    rule = {"id": "problem", "rule": "problem-details"}
    good = ("HTTP/1.1 422 Unprocessable Content\nContent-Type: application/problem+json\n\n"
            '{"type": "https://example.com/probs/invalid", "title": "Invalid order", "status": 422, "detail": "qty must be > 0"}')
    assert grade("http-response", good, rule).passed
    wrong_type = good.replace("application/problem+json", "application/json")
    assert "application/problem+json" in grade("http-response", wrong_type, rule).result_for("problem").message
    wrong_status = good.replace('"status": 422', '"status": 400')
    assert "to match the status line (422)" in grade("http-response", wrong_status, rule).result_for("problem").message


def test_error_envelope_needs_code_message_and_list_details(grade):
    rule = {"id": "envelope", "rule": "error-envelope"}
    head = "HTTP/1.1 400 Bad Request\nContent-Type: application/json\n\n"
    assert grade("http-response", head + '{"error": {"code": "invalid", "message": "Bad", "details": []}}', rule).passed
    result = grade("http-response", head + '{"error": {"message": "Bad"}}', rule)
    assert "machine-readable \"code\"" in result.result_for("envelope").message


def test_typed_json_comparison_does_not_confuse_true_and_one(grade):
    rule = {"id": "flag", "rule": "json", "path": "data.active", "equals": True}
    head = "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
    assert grade("http-response", head + '{"data": {"active": true}}', rule).passed
    assert not grade("http-response", head + '{"data": {"active": 1}}', rule).passed


def test_requests_need_a_host_header_and_their_method_and_target_are_checked(grade):
    rules = [{"id": "method", "rule": "method", "expect": "POST"},
             {"id": "target", "rule": "target", "matches": r"^/v1/payments$"},
             {"id": "key", "rule": "header", "name": "Idempotency-Key", "matches": r'^"?[\w-]{8,}"?$'}]
    good = 'POST /v1/payments HTTP/1.1\nHost: api.example.com\nIdempotency-Key: "8e03978e-40d5"\nContent-Type: application/json\n\n{"amount": 1000}'
    assert grade("http-request", good, *rules).passed
    result = grade("http-request", "POST /v1/payments HTTP/1.1\nContent-Type: application/json\n\n{}", *rules)
    assert result.status == "error" and "Host header" in result.error.message
    result = grade("http-request", good.replace("POST /v1/payments", "PUT /v1/payment"), *rules)
    assert "Expected the POST method; found PUT (line 1)." == result.result_for("method").message
    assert not result.result_for("target").passed


def test_a_response_is_not_a_request(grade):
    result = grade("http-request", "HTTP/1.1 200 OK\n\n", {"id": "m", "rule": "method", "expect": "GET"})
    assert result.status == "error" and "status line" in result.error.message


def test_repeated_header_lines_count_as_one_list_except_set_cookie(grade):
    snippet = "HTTP/1.1 200 OK\nCache-Control: public\nCache-Control: max-age=300\nSet-Cookie: csrf=1; Secure\nSet-Cookie: rt=2; HttpOnly; Secure\n\n"
    assert grade("http-response", snippet, {"id": "c", "rule": "header", "name": "Cache-Control", "matches": "public.*max-age=300"}).passed
    assert grade("http-response", snippet, {"id": "k", "rule": "header", "name": "Set-Cookie", "matches": "^rt=.*HttpOnly"}).passed
    assert not grade("http-response", snippet, {"id": "k", "rule": "header", "name": "Set-Cookie", "matches": "^csrf=.*HttpOnly"}).passed
    assert grade("http-response", snippet, {"id": "a", "rule": "header-list", "name": "Cache-Control", "any_of": ["private", "public"]}).passed


def test_json_absence_passes_when_there_is_no_json_body(grade):
    assert grade("http-response", "HTTP/1.1 204 No Content\n\n", {"id": "n", "rule": "json", "path": "stack", "present": False}).passed


def test_json_line_follows_the_path_not_the_first_key_with_that_name(grade):
    result = grade("json-document", '{"meta": 1,\n "data": {\n  "id": "x"}}', {"id": "i", "rule": "json", "path": "data.id", "equals": "y"})
    assert result.result_for("i").line == 3


def test_header_list_can_compare_case_sensitively_for_method_names(grade):
    snippet = "HTTP/1.1 204 No Content\nAccess-Control-Allow-Methods: get, patch\n\n"
    rule = {"id": "m", "rule": "header-list", "name": "Access-Control-Allow-Methods", "includes": ["PATCH"]}
    assert grade("http-response", snippet, rule).passed
    assert not grade("http-response", snippet, {**rule, "case_sensitive": True}).passed


def test_json_line_numbers_follow_list_indexes(grade):
    body = '{"errors": [\n  {"pointer": "/a"},\n  {"pointer": "/b"}\n]}'
    result = grade("json-document", body, {"id": "p", "rule": "json", "path": "errors[1].pointer", "equals": "/c"})
    assert result.result_for("p").line == 3


def test_a_non_json_body_labelled_json_fails_the_label_not_everything_when_no_rule_reads_json(grade):
    snippet = "HTTP/1.1 200 OK\nContent-Type: application/json\n\ndata: {\"token\": \"Hel\"}\n\n"
    result = grade("http-response", snippet, {"id": "type", "rule": "content-type", "expect": "text/event-stream"},
                   {"id": "framing", "rule": "body-matches", "matches": r"^data: ", "describe": "Server-Sent Events lines"})
    assert result.status == "failed"
    assert not result.result_for("type").passed and result.result_for("framing").passed
    result = grade("http-response", snippet, {"id": "j", "rule": "json", "path": "token"})
    assert result.status == "error" and "not valid JSON" in result.error.message


def test_retry_after_dates_must_use_the_imf_fixdate_form(grade):
    rule = {"id": "r", "rule": "retry-after"}
    assert grade("http-response", "HTTP/1.1 503 Service Unavailable\nRetry-After: Sun, 01 Mar 2026 09:30:30 GMT\n\n", rule).passed
    assert not grade("http-response", "HTTP/1.1 503 Service Unavailable\nRetry-After: 1 Mar 2026 09:30:30 +0100\n\n", rule).passed


def test_a_json_path_blocked_by_a_plain_value_says_what_is_there(grade):
    result = grade("json-document", '{"checks": {"database": "ok"}}', {"id": "d", "rule": "json", "path": "checks.database.status"})
    assert 'checks.database is "ok", not an object or list' in result.result_for("d").message
