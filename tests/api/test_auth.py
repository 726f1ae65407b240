"""Who may call: tokens (hashed, shown once, scoped, revocable) and the browser session (with CSRF); nobody sees another's data."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.test import Client

from course.api.models import AccessToken
from course.api.services import token_create
from course.progress.models import Attempt

from .conftest import ApiClient
from .test_reads import problem

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/exercises/answer-create/submissions"
HALF = "HTTP/1.1 201 Created\n"
LEARNER_READS = ["/api/v1/submissions", SUBMIT, "/api/v1/progress/modules", "/api/v1/progress/modules/first-module",
                 "/api/v1/progress/stages", "/api/v1/progress/stages/basics"]


@pytest.mark.parametrize("path", LEARNER_READS + ["/api/v1/submissions/1"])
def test_learner_data_needs_a_caller_401_with_www_authenticate(anonymous_api, exercise, path):
    response = anonymous_api.get(path)
    problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="API Architect"'


def test_course_reads_need_no_caller(anonymous_api, exercise):
    for path in ("/api/v1/modules", "/api/v1/faq", "/api/v1/stages", "/api/v1/exercises", "/api/v1/exercises/answer-create"):
        assert anonymous_api.get(path).status_code == 200


def test_an_unknown_malformed_or_revoked_token_is_401(alice, exercise):
    response = ApiClient("aa_pat_made-up").get("/api/v1/submissions")
    assert problem(response, 401) and 'error="invalid_token"' in response["WWW-Authenticate"]
    response = Client().get("/api/v1/submissions", headers={"Authorization": "Basic YTpi"})
    assert problem(response, 401) and 'error="invalid_request"' in response["WWW-Authenticate"]
    row, token = token_create(user=alice, name="old", scope="read")
    assert ApiClient(token).get("/api/v1/submissions").status_code == 200
    row.revoked_at = row.created_at
    row.save()
    assert problem(ApiClient(token).get("/api/v1/submissions"), 401)


def test_an_inactive_accounts_token_stops_working(alice, exercise):
    token = token_create(user=alice, name="t", scope="read")[1]
    alice.is_active = False
    alice.save()
    assert problem(ApiClient(token).get("/api/v1/submissions"), 401)


def test_the_account_page_says_when_a_token_was_last_used_noted_at_most_once_a_minute(alice, exercise,
                                                                                      django_assert_num_queries):
    row, token = token_create(user=alice, name="editor", scope="read+submit")
    browser = Client()
    browser.force_login(alice)
    assert "never" in browser.get("/accounts/tokens/").content.decode()
    caller = ApiClient(token)
    assert caller.get("/api/v1/submissions").status_code == 200
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None and first.strftime("%H:%M") in browser.get("/accounts/tokens/").content.decode()
    with django_assert_num_queries(2):  # the token with its user, the page of submissions: no write
        assert caller.get("/api/v1/submissions").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at == first
    AccessToken.objects.filter(pk=row.pk).update(last_used_at=first - timedelta(minutes=2))
    response = caller.post(SUBMIT, {"snippet": HALF})
    assert response.status_code == 201
    row.refresh_from_db()
    assert row.last_used_at > first - timedelta(minutes=2)
    # The caller is the token's owner: the submission is Alice's.
    assert Attempt.objects.get(pk=response.json()["id"]).user_id == alice.pk


def test_a_read_token_reads_but_may_not_submit_or_reset(alice, exercise):
    reader = ApiClient(token_create(user=alice, name="reader", scope="read")[1])
    assert reader.get("/api/v1/submissions").status_code == 200
    for response in (reader.post(SUBMIT, {"snippet": HALF}), reader.delete(SUBMIT),
                     reader.delete("/api/v1/progress/modules/first-module")):
        assert problem(response, 403)["code"] == "insufficient-scope"
        assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert not Attempt.objects.exists()


def test_a_session_reads_and_submits_with_its_csrf_token(alice, exercise):
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.force_login(alice)
    assert browser.get("/api/v1/submissions").status_code == 200
    refused = browser.post(SUBMIT, json.dumps({"snippet": HALF}), content_type="application/json")
    assert problem(refused, 403)["code"] == "csrf-failed"
    page = browser.get("/exercises/answer-create/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    done = browser.post(SUBMIT, json.dumps({"snippet": HALF}), content_type="application/json", headers={"X-CSRFToken": csrf})
    assert done.status_code == 201
    assert Attempt.objects.get().user == alice


def test_tokens_are_made_on_the_account_page_shown_once_and_stored_hashed(alice, exercise):
    browser = Client()
    browser.force_login(alice)
    assert browser.get("/accounts/tokens/").status_code == 200
    made = browser.post("/accounts/tokens/", {"name": "my editor", "scope": "read+submit"})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    token = re.search(r'<code id="new-token">(aa_pat_[A-Za-z0-9_-]{40,})</code>', made.content.decode()).group(1)
    row = AccessToken.objects.get(user=alice)
    assert row.digest == hashlib.sha256(token.encode()).hexdigest() and row.name == "my editor"
    assert token not in json.dumps(list(AccessToken.objects.values()), default=str)  # only its digest is kept
    later = browser.get("/accounts/tokens/").content.decode()
    assert token not in later and row.hint in later and "my editor" in later
    assert ApiClient(token).post(SUBMIT, {"snippet": HALF}).status_code == 201
    assert browser.post(f"/accounts/tokens/{row.pk}/revoke/").status_code == 303
    assert problem(ApiClient(token).get("/api/v1/submissions"), 401)
    assert "revoked" in browser.get("/accounts/tokens/").content.decode()


def test_the_token_page_refuses_bad_input_and_needs_an_account(alice, bob, exercise):
    assert Client().get("/accounts/tokens/").status_code == 302
    browser = Client()
    browser.force_login(alice)
    assert browser.post("/accounts/tokens/", {"name": "", "scope": "read"}).status_code == 400
    assert browser.post("/accounts/tokens/", {"name": "x", "scope": "admin"}).status_code == 400
    bobs = token_create(user=bob, name="bob's", scope="read")[0]
    browser.post(f"/accounts/tokens/{bobs.pk}/revoke/")  # someone else's token: nothing happens
    bobs.refresh_from_db()
    assert bobs.revoked_at is None
    assert "bob&#x27;s" not in browser.get("/accounts/tokens/").content.decode()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    assert csrf_client.post("/accounts/tokens/", {"name": "x", "scope": "read"}).status_code == 403


def test_one_learners_token_or_session_never_reads_or_changes_anothers_data(alice_api, bob_api, bob, exercise):
    bobs = json.loads(bob_api.post(SUBMIT, {"snippet": "HTTP/1.1 201 Created\nX-Owner: bob-only-marker\n"}).content)
    alice_api.post(SUBMIT, {"snippet": "HTTP/1.1 200 OK\n"})
    alice_session = Client(raise_request_exception=False)
    from django.contrib.auth import get_user_model

    alice_session.force_login(get_user_model().objects.get(username="alice"))
    for caller in (alice_api, ApiClient(client=alice_session)):
        for path in LEARNER_READS:
            text = caller.get(path).content.decode()
            assert str(bobs["id"]) not in re.findall(r'"id":(\d+)', text), path
            assert "bob-only-marker" not in text, path
        assert problem(caller.get(f"/api/v1/submissions/{bobs['id']}"), 404)
        progress = json.loads(caller.get("/api/v1/progress/modules/first-module").content)
        assert progress["exercises_passed"] == 0
    assert alice_api.delete(SUBMIT).status_code == 204
    assert alice_api.delete("/api/v1/progress/modules/first-module").status_code == 204
    assert Attempt.objects.filter(user=bob).count() == 1  # Bob's attempt survives Alice's resets
    assert json.loads(bob_api.get(f"/api/v1/submissions/{bobs['id']}").content)["id"] == bobs["id"]


def test_the_account_page_links_to_the_tokens_and_every_page_to_the_api_docs(alice, content):
    browser = Client()
    browser.force_login(alice)
    dashboard = browser.get("/dashboard/").content.decode()
    assert 'href="/accounts/tokens/"' in dashboard and 'href="/api/v1/docs"' in dashboard
    assert 'href="/accounts/tokens/"' not in Client().get("/dashboard/").content.decode()
