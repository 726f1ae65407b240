"""Practising through the API: submit, read feedback and progress, reset; retries, limits and refusals."""

import hashlib
import json

import pytest
from django.db import OperationalError
from django.test import Client

from course.api.models import IdempotencyKey
from course.progress.models import Attempt

from .test_reads import problem

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/exercises/answer-create/submissions"
RIGHT = "HTTP/1.1 201 Created\nLocation: /v1/orders/7\n"
HALF = "HTTP/1.1 201 Created\n"


def test_a_submission_is_graded_like_the_page_and_answers_201_with_location(alice_api, alice, exercise):
    response = alice_api.post(SUBMIT, {"snippet": HALF})
    assert response.status_code == 201
    body = json.loads(response.content)
    assert response["Location"] == f"http://testserver/api/v1/submissions/{body['id']}"
    assert body["status"] == "failed" and body["score"] == 0.5 and body["exercise"] == "answer-create"
    assert [(c["id"], c["passed"]) for c in body["checks"]] == [("status", True), ("location", False)]
    assert body["checks"][1]["message"] and body["checks"][1]["teaches"] == "/modules/first-module/#resources"
    again = alice_api.get(response["Location"].removeprefix("http://testserver"))
    assert json.loads(again.content) == body and again["Cache-Control"] == "private, no-cache"
    assert Attempt.objects.get(pk=body["id"]).user == alice  # the same row the pages read
    page = Client()
    page.force_login(alice)
    assert "1 of 2 checks pass" in page.get("/exercises/answer-create/").content.decode()


def test_an_unreadable_answer_is_still_a_submission_with_the_reason(alice_api, exercise):
    body = json.loads(alice_api.post(SUBMIT, {"snippet": "not http at all"}).content)
    assert body["status"] == "error" and body["error"]["message"] and body["checks"] == []


def test_a_nul_in_the_json_snippet_is_kept_as_u_fffd_and_a_lone_surrogate_is_a_422(alice_api, exercise):
    """JSON may carry "\\u0000", which PostgreSQL refuses, and "\\ud800", which no database can encode."""
    response = alice_api.post(SUBMIT, {"snippet": "HTTP/1.1 201 Cre\x00ated\n"})
    assert response.status_code == 201
    body = json.loads(response.content)
    assert body["snippet"] == "HTTP/1.1 201 Cre\ufffdated\n" == Attempt.objects.get(pk=body["id"]).snippet
    refused = problem(alice_api.post(SUBMIT, {"snippet": "HTTP/1.1 201 Created\ud800\n"}), 422)
    assert refused["errors"] == [{"pointer": "#/snippet", "detail": "must be Unicode text (it contains a lone surrogate)"}]


def test_submissions_are_listed_newest_first_in_pages_with_links(alice_api, exercise):
    ids = [json.loads(alice_api.post(SUBMIT, {"snippet": s}).content)["id"] for s in (HALF, RIGHT, HALF)]
    seen, url = [], "/api/v1/submissions?limit=2"
    while url:
        response = alice_api.get(url)
        body = json.loads(response.content)
        seen += [item["id"] for item in body["items"]]
        url = response["Link"][1:response["Link"].index(">")].removeprefix("http://testserver") if "Link" in response else None
    assert seen == ids[::-1]
    per_exercise = json.loads(alice_api.get(SUBMIT).content)
    assert [item["id"] for item in per_exercise["items"]] == ids[::-1]
    assert problem(alice_api.get("/api/v1/submissions?exercise=nope"), 404)


def test_learner_reads_revalidate_with_etags(alice_api, exercise):
    alice_api.post(SUBMIT, {"snippet": HALF})
    first = alice_api.get("/api/v1/progress/modules")
    assert alice_api.get("/api/v1/progress/modules", **{"If-None-Match": first["ETag"]}).status_code == 304
    alice_api.post(SUBMIT, {"snippet": RIGHT})
    assert alice_api.get("/api/v1/progress/modules", **{"If-None-Match": first["ETag"]}).status_code == 200


def test_progress_per_module_and_stage(alice_api, exercise):
    alice_api.post(SUBMIT, {"snippet": RIGHT})
    modules = json.loads(alice_api.get("/api/v1/progress/modules").content)["items"]
    first = modules[0]
    assert first["module"] == "first-module" and first["exercises_passed"] == 1 and first["exercises"] == 1
    assert first["sections"] == 3 and first["sections_read"] == 0 and first["percent"] == 25
    assert json.loads(alice_api.get("/api/v1/progress/modules/first-module").content) == first
    stage = json.loads(alice_api.get("/api/v1/progress/stages/basics").content)
    assert stage == {"stage": "basics", "title": "Basics", "percent": 25, "exercises_passed": 1, "exercises": 1}
    assert problem(alice_api.get("/api/v1/progress/stages/nope"), 404)


def test_delete_resets_an_exercise_or_a_module(alice_api, alice, exercise):
    alice_api.post(SUBMIT, {"snippet": RIGHT})
    assert alice_api.delete(SUBMIT).status_code == 204
    assert json.loads(alice_api.get(SUBMIT).content)["items"] == []
    alice_api.post(SUBMIT, {"snippet": RIGHT})
    assert alice_api.delete("/api/v1/progress/modules/first-module").status_code == 204
    assert not Attempt.objects.filter(user=alice).exists()
    assert problem(alice_api.delete("/api/v1/progress/modules/nope"), 404)


def test_the_same_idempotency_key_and_body_replay_the_first_answer(alice_api, alice, exercise):
    first = alice_api.post(SUBMIT, {"snippet": HALF}, **{"Idempotency-Key": '"3f6c1a8e-4a7b"'})
    replay = alice_api.post(SUBMIT, {"snippet": HALF}, **{"Idempotency-Key": "3f6c1a8e-4a7b"})
    assert replay.status_code == 201 and replay.content == first.content and replay["Location"] == first["Location"]
    assert replay["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Attempt.objects.filter(user=alice).count() == 1
    other = alice_api.post(SUBMIT, {"snippet": RIGHT}, **{"Idempotency-Key": "3f6c1a8e-4a7b"})
    assert problem(other, 422)["code"] == "idempotency-key-reused"
    assert Attempt.objects.filter(user=alice).count() == 1
    stored = IdempotencyKey.objects.get(user=alice)
    assert stored.fingerprint == hashlib.sha256(json.dumps({"exercise": "answer-create", "snippet": HALF}).encode()).hexdigest()
    assert (stored.expires_at - stored.created_at).total_seconds() == pytest.approx(24 * 3600, abs=5)


def test_idempotency_keys_are_per_learner(alice_api, bob_api, exercise):
    alice_first = alice_api.post(SUBMIT, {"snippet": HALF}, **{"Idempotency-Key": "shared-key"})
    bob_first = bob_api.post(SUBMIT, {"snippet": RIGHT}, **{"Idempotency-Key": "shared-key"})
    assert bob_first.status_code == 201 and "Idempotent-Replayed" not in bob_first
    assert json.loads(bob_first.content)["id"] != json.loads(alice_first.content)["id"]


def test_a_key_still_running_is_409_and_a_bad_key_is_400(alice_api, alice, exercise):
    IdempotencyKey.objects.create(user=alice, endpoint="POST /exercises/answer-create/submissions", key="busy",
                                  fingerprint=hashlib.sha256(json.dumps({"exercise": "answer-create", "snippet": HALF}).encode()).hexdigest(),
                                  expires_at="2999-01-01T00:00:00Z")
    response = alice_api.post(SUBMIT, {"snippet": HALF}, **{"Idempotency-Key": "busy"})
    assert problem(response, 409)["code"] == "request-in-progress" and response["Retry-After"] == "1"
    assert problem(alice_api.post(SUBMIT, {"snippet": HALF}, **{"Idempotency-Key": "x" * 300}), 400)["code"] == "idempotency-key-invalid"


@pytest.mark.parametrize("body, pointer", [
    ({}, "#/snippet"), ({"snippet": 3}, "#/snippet"), ({"snippet": None}, "#/snippet"),
    ({"snippet": "\ud800"}, "#/snippet"),
])
def test_invalid_fields_are_422_with_pointers(alice_api, exercise, body, pointer):
    payload = json.dumps(body)
    response = alice_api.post(SUBMIT, data=payload)
    assert [e["pointer"] for e in problem(response, 422)["errors"]] == [pointer]


def test_an_empty_or_non_object_body_is_a_422(alice_api, exercise):
    assert problem(alice_api.post(SUBMIT, data=""), 422)["errors"] == [
        {"pointer": "#", "detail": 'A JSON body is required, e.g. {"snippet": "..."}.'}]
    assert problem(alice_api.post(SUBMIT, data="[]"), 422)["errors"]


def test_a_body_that_is_not_json_is_400_or_415(alice_api, exercise):
    assert problem(alice_api.post(SUBMIT, data="{not json"), 400)["detail"] == "The body is not valid JSON."
    response = alice_api.post(SUBMIT, data="snippet=x", content_type="application/x-www-form-urlencoded")
    assert problem(response, 415)["detail"].startswith("Send the body as application/json")


def test_too_large_is_413_for_the_snippet_and_for_the_body(alice_api, alice, exercise):
    body = problem(alice_api.post(SUBMIT, {"snippet": "x" * (64 * 1024 + 1)}), 413)
    assert "65,537 bytes" in body["detail"]
    problem(alice_api.post(SUBMIT, {"snippet": "x" * (300 * 1024)}), 413)  # refused before the body is read
    assert not Attempt.objects.filter(user=alice).exists()


def test_submissions_share_the_pages_limit_with_ratelimit_headers(alice_api, alice, exercise, settings):
    settings.SUBMISSIONS_PER_MINUTE = 2
    first = alice_api.post(SUBMIT, {"snippet": HALF})
    assert first["RateLimit-Policy"] == '"submissions";q=2;w=60'
    assert first["RateLimit"].startswith('"submissions";r=1;t=')
    page = Client()
    page.force_login(alice)
    page.post("/exercises/answer-create/", {"snippet": HALF})  # the page draws from the same allowance
    refused = alice_api.post(SUBMIT, {"snippet": RIGHT}, **{"Idempotency-Key": "after-limit"})
    body = problem(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 60 and refused["RateLimit"] == f'"submissions";r=0;t={refused["Retry-After"]}'
    assert "2 submissions in a minute" in body["detail"]
    assert not IdempotencyKey.objects.filter(key="after-limit").exists()  # refused before grading: the key is free again


def test_a_database_outage_is_a_503_problem_with_retry_after(alice_api, exercise, monkeypatch):
    from course.exercises import services

    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "attempt_record", down)
    response = alice_api.post(SUBMIT, {"snippet": HALF})
    assert problem(response, 503)["code"] == "unavailable" and response["Retry-After"] == "10"
    assert "could not connect" not in response.content.decode()


def test_a_busy_sandbox_is_a_503_problem(alice_api, exercise, monkeypatch):
    from course.api import practice
    from course.sandbox.pool import Busy

    def busy(**kwargs):
        raise Busy(3)

    monkeypatch.setattr(practice, "submission_grade", busy)
    response = alice_api.post(SUBMIT, {"snippet": HALF})
    assert problem(response, 503) and response["Retry-After"] == str(Busy.retry_after)


def test_expired_keys_run_afresh_and_are_cleared(alice_api, alice, exercise):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    first = alice_api.post(SUBMIT, {"snippet": HALF}, **{"Idempotency-Key": "old-key"})
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    again = alice_api.post(SUBMIT, {"snippet": RIGHT}, **{"Idempotency-Key": "old-key"})  # expired: a new request
    assert again.status_code == 201 and again["Location"] != first["Location"]
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("clearidempotencykeys")
    assert not IdempotencyKey.objects.exists()


def test_a_problem_for_a_host_we_do_not_serve_is_still_problem_json(client, content):
    response = client.get("/api/v1/nothing", HTTP_HOST="evil.example")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["type"] == "/api/v1/docs#problem-bad-request"
