"""Every response carries a request id; every request writes one JSON log line without secrets."""

import json
import logging
import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """Every JSON line the site's log handler writes, as the operator would see them."""
    import io

    root = logging.getLogger()
    formatter = next(handler.formatter for handler in root.handlers if handler.formatter is not None)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    root.removeHandler(handler)


@pytest.fixture
def access_lines(log_lines):
    """The one-per-request access lines among them."""
    return lambda: [entry for entry in log_lines() if entry.get("event") == "request"]


def test_a_request_id_is_generated_echoed_and_logged_once(client, content, access_lines):
    response = client.get("/faq/?token=secret-value")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    (line,) = access_lines()
    assert line["request_id"] == request_id and line["method"] == "GET" and line["path"] == "/faq/"
    assert line["status"] == 200 and isinstance(line["duration_ms"], float)
    assert "secret-value" not in json.dumps(line)


def test_a_well_formed_incoming_request_id_is_kept_and_a_malformed_one_replaced(client, content):
    assert client.get("/", headers={"X-Request-ID": "edge-7f3a9c21"})["X-Request-ID"] == "edge-7f3a9c21"
    replaced = client.get("/", headers={"X-Request-ID": "bad id\nwith newline"})["X-Request-ID"]
    assert replaced != "bad id\nwith newline" and re.fullmatch(r"[0-9a-f]{32}", replaced)


def test_error_pages_show_the_request_id(client, content, settings):
    settings.DEBUG = False
    response = client.get("/modules/nope/", headers={"X-Request-ID": "trace-12345678"})
    assert response.status_code == 404 and "trace-12345678" in response.content.decode()


def test_snippets_and_form_fields_never_reach_the_log(client, exercise, access_lines):
    client.post("/exercises/answer-create/", {"snippet": "HTTP/1.1 200 OK\nX-Secret: hunter2\n"})
    lines = access_lines()
    assert lines and "hunter2" not in json.dumps(lines)


def test_pages_carry_a_strict_content_security_policy_and_security_headers(client, content):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"  # no inline script, ever
    assert "unsafe-inline" not in directives["style-src"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    assert f'<meta name="csp-nonce" content="{nonce}">' in response.content.decode()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_bodies_over_the_limit_get_413_before_being_read(client, exercise):
    huge = "x" * (300 * 1024)
    response = client.post("/exercises/answer-create/", {"snippet": huge})
    assert response.status_code == 413
    assert "accepts at most 256.0\xa0KB" in response.content.decode()
    response = client.post("/exercises/answer-create/", {"snippet": huge}, headers={"HX-Request": "true"})
    assert response.status_code == 413 and response.content.decode().startswith('<section id="feedback"')


def test_early_refusals_carry_the_security_headers_too(client, exercise):
    """The 413 is answered before the body is read, by middleware in front of the views; it is still a page of ours."""
    response = client.post("/exercises/answer-create/", {"snippet": "x" * (300 * 1024)})
    assert response.status_code == 413
    nonce = re.search(r'<script nonce="([^"]+)"', response.content.decode())
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert nonce is None or f"'nonce-{nonce.group(1)}'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY" and response["Referrer-Policy"] == "same-origin"
    missing = client.get("/modules/nope/", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("method, path, status, code", [
    ("get", "/modules/nope/", 404, "not_found"),
    ("post", "/modules/api-fundamentals/", 405, "method_not_allowed"),
])
def test_json_clients_get_errors_in_one_envelope_with_the_request_id(client, content, settings, method, path, status, code):
    settings.DEBUG = False
    response = getattr(client, method)(path, headers={"Accept": "application/json", "X-Request-ID": "client-abc12345"})
    assert response.status_code == status and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"]["code"] == code and body["error"]["request_id"] == "client-abc12345" and body["error"]["message"]
    if status == 405:
        assert response["Allow"] == "GET, HEAD"


def test_a_server_error_for_a_json_client_leaks_nothing(content, settings):
    from django.test import Client

    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.operations.test_error_pages"
    response = Client(raise_request_exception=False).get("/boom/", headers={"Accept": "application/json"})
    assert response.status_code == 500
    body = response.json()
    assert body["error"]["code"] == "internal_error" and "secret internal detail" not in response.content.decode()


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_server_error_is_logged_once_with_its_request_id(content, settings, log_lines, accept):
    from django.test import Client

    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.operations.test_error_pages"
    response = Client(raise_request_exception=False).get("/boom/", headers={"Accept": accept, "X-Request-ID": "trace-55555555"})
    assert response.status_code == 500
    lines = log_lines()
    errors = [line for line in lines if line["level"] == "error"]
    assert len(errors) == 1 and "Traceback" in errors[0]["exception"]
    assert all(line.get("request_id") == "trace-55555555" for line in lines), lines


def test_a_password_reset_token_never_reaches_the_access_log(client, content, access_lines):
    from django.contrib.auth.models import User
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.create_user("ada", email="ada@example.org", password="correct-horse-battery-9")
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    assert client.get(f"/accounts/password/reset/{uid}/{token}/").status_code == 302
    paths = [line["path"] for line in access_lines()]
    assert paths == [f"/accounts/password/reset/{uid}/<token>/"] and token not in json.dumps(access_lines())


def test_browsers_still_get_pages(client, content):
    response = client.get("/modules/nope/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


def test_hsts_is_sent_over_https_when_enabled(client, content, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/")  # never over plain HTTP
