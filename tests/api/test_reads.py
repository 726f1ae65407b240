"""Reading the course through the API: shapes, pages, ETags, and every error as problem details."""

import json

import pytest

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = json.loads(response.content)
    assert body["status"] == status and body["instance"] and body["title"] and body["detail"]
    assert body["type"].endswith(f"/api/v1/docs#problem-{body['code']}")
    assert body["request_id"] == response["X-Request-ID"]
    return body


def test_modules_list_and_one_module_with_its_sections(anonymous_api, exercise):
    listing = anonymous_api.get("/api/v1/modules")
    assert listing.status_code == 200 and listing["Content-Type"] == "application/json"
    body = json.loads(listing.content)
    assert [m["slug"] for m in body["items"]] == ["first-module", "second-module"]
    assert body["next_cursor"] is None and "Link" not in listing
    assert body["items"][0]["exercises"] == 1
    module = json.loads(anonymous_api.get("/api/v1/modules/first-module").content)
    assert [s["id"] for s in module["sections"]] == ["resources", "status-codes", "summary"]
    assert module["sections"][1]["subsections"][0]["title"] == "Created"
    assert "<h2" in module["html"] and module["exercise_slugs"] == ["answer-create"]
    assert module["faq_slugs"] == ["first-question"]


def test_faq_stages_and_exercises(anonymous_api, exercise):
    faq = json.loads(anonymous_api.get("/api/v1/faq").content)["items"]
    assert faq[0]["question"] == "What is first?" and faq[0]["url"] == "/faq/#first-question"
    stage = json.loads(anonymous_api.get("/api/v1/stages/basics").content)
    assert stage["modules"] == ["first-module"] and stage["exercise_slugs"] == ["answer-create"]
    exercises = json.loads(anonymous_api.get("/api/v1/exercises?module=first-module").content)["items"]
    assert exercises == [{"slug": "answer-create", "title": "Answer a create", "kind": "http-response",
                          "module": "first-module", "summary": "", "url": "/exercises/answer-create/", "checks": 2}]
    one = json.loads(anonymous_api.get("/api/v1/exercises/answer-create").content)
    assert [c["id"] for c in one["checks"]] == ["status", "location"]
    assert one["checks"][0]["lesson"] == "First module › Created"
    assert one["starter"] == "HTTP/1.1 200 OK\n" and "created order" in one["prompt_html"]


def test_an_exercise_never_shows_its_solution_or_wrong_answers(anonymous_api, exercise):
    one = anonymous_api.get("/api/v1/exercises/answer-create").content.decode()
    assert "/v1/orders/1" not in one  # in the solution and a wrong answer only
    assert "Something new was made" not in one  # hints come with feedback, as on the page


def test_pages_follow_the_cursor_and_link_to_the_end(anonymous_api, exercise):
    seen, url = [], "/api/v1/modules?limit=1"
    while url:
        response = anonymous_api.get(url)
        body = json.loads(response.content)
        seen += [m["slug"] for m in body["items"]]
        link = response.get("Link")
        if body["next_cursor"]:
            assert link.endswith('>; rel="next"') and f"cursor={body['next_cursor']}" in link and "limit=1" in link
            url = link[1:link.index(">")].removeprefix("http://testserver")
        else:
            assert link is None
            url = None
    assert seen == ["first-module", "second-module"]


def test_a_cursor_the_api_did_not_make_is_a_422_naming_the_parameter(anonymous_api, content):
    body = problem(anonymous_api.get("/api/v1/modules?cursor=bm9wZQ"), 422)
    assert body["errors"] == [{"parameter": "cursor", "detail": "Not a cursor from this API."}]
    body = problem(anonymous_api.get("/api/v1/modules?limit=500"), 422)
    assert body["errors"][0]["parameter"] == "limit" and "100" in body["errors"][0]["detail"]


def test_reads_revalidate_with_etags(anonymous_api, content):
    first = anonymous_api.get("/api/v1/modules/first-module")
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"] == "public, max-age=60"
    again = anonymous_api.get("/api/v1/modules/first-module", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert anonymous_api.get("/api/v1/modules/first-module", **{"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert anonymous_api.get("/api/v1/modules/first-module", **{"If-None-Match": '"other"'}).status_code == 200
    assert anonymous_api.get("/api/v1/modules/second-module")["ETag"] != etag


def test_an_edit_to_the_content_changes_the_etag(anonymous_api, content, settings):
    before = anonymous_api.get("/api/v1/modules")["ETag"]
    content.module("01-first-module", title="Renamed module")
    settings.CONTENT_DIR = content.root  # a new store: the course is read again
    settings.CONTENT_WATCH = True
    after = anonymous_api.get("/api/v1/modules")
    assert after["ETag"] != before and "Renamed module" in after.content.decode()


@pytest.mark.parametrize("path, detail", [
    ("/api/v1/modules/nope", "No module with the slug 'nope'."),
    ("/api/v1/exercises/nope", "No exercise with the slug 'nope'."),
    ("/api/v1/stages/nope", "No roadmap stage with the slug 'nope'."),
    ("/api/v1/exercises?module=nope", "No module with the slug 'nope'."),
    ("/api/v1/nothing-here", "Nothing lives at this address."),
    ("/api/v2/modules", "Nothing lives at this address."),
])
def test_unknown_things_are_404_problems(anonymous_api, content, path, detail):
    assert problem(anonymous_api.get(path), 404)["detail"] == detail


def test_a_method_the_address_does_not_take_is_405_with_allow(anonymous_api, content):
    response = anonymous_api.post("/api/v1/modules", {})
    problem(response, 405)
    assert response["Allow"] == "GET, HEAD"
    response = anonymous_api.client.put("/api/v1/submissions/1")
    assert problem(response, 405) and response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("accept, status", [
    ("text/html", 406), ("application/xml", 406), ("application/json;q=0, text/html", 406),
    ("application/json", 200), ("*/*", 200), ("application/*", 200), ("text/html, application/json;q=0.5", 200),
])
def test_accept_is_negotiated(anonymous_api, content, accept, status):
    response = anonymous_api.get("/api/v1/modules", Accept=accept)
    assert response.status_code == status
    if status == 406:
        problem(response, 406)


def test_a_server_error_is_a_500_problem_without_internals(anonymous_api, content, monkeypatch, settings):
    from course.api import content as endpoints

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(endpoints.presenters, "module_detail", explode)
    response = anonymous_api.get("/api/v1/modules/first-module")
    body = problem(response, 500)
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert body["code"] == "internal-error"


def test_a_repeated_course_read_is_served_from_memory_with_the_same_headers(anonymous_api, content, monkeypatch):
    from course.api import content as endpoints

    first = anonymous_api.get("/api/v1/modules?limit=1")
    calls = []
    monkeypatch.setattr(endpoints, "_listing", lambda *a, **k: calls.append(a))  # the view is not reached again
    again = anonymous_api.get("/api/v1/modules?limit=1")
    assert calls == [] and again.content == first.content
    for header in ("ETag", "Link", "Cache-Control", "Content-Type", "X-Request-ID", "Content-Security-Policy"):
        assert again.has_header(header), header
    assert anonymous_api.get("/api/v1/modules?limit=1", **{"If-None-Match": first["ETag"]}).status_code == 304
    assert problem(anonymous_api.get("/api/v1/modules?limit=1", Accept="text/html"), 406)
    monkeypatch.undo()
    other_host = anonymous_api.client.get("/api/v1/modules?limit=1", HTTP_HOST="localhost")
    assert other_host["Link"].startswith("<http://localhost/")  # kept per host: the Link names the host asked


def test_head_is_get_without_the_body(anonymous_api, alice_api, exercise):
    for caller, path in ((anonymous_api, "/api/v1/modules"), (alice_api, "/api/v1/submissions")):
        get = caller.get(path)
        head = caller.client.head(path, headers=caller.headers)
        assert head.status_code == 200 and head.content == b""
        assert head["Content-Length"] == str(len(get.content)) and head["ETag"] == get["ETag"]
    assert anonymous_api.client.head("/api/v1/submissions").status_code == 401
