"""A new visitor's reading pages come from the page cache, with their own nonce and CSRF token."""

import re

import pytest
from django.test import Client

from course.operations.page_cache import _Page, pages

pytestmark = pytest.mark.django_db

READING = ["/", "/modules/", "/modules/first-module/", "/faq/", "/roadmap/", "/exercises/answer-create/"]


@pytest.fixture(autouse=True)
def with_an_exercise(exercise):  # every page above exists, the exercise page included
    return exercise


def nonce_and_token(response) -> tuple[str, str]:
    html = response.content.decode()
    nonce = re.search(r'<meta name="csp-nonce" content="([^"]+)"', html).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return nonce, token


@pytest.fixture(autouse=True)
def empty_cache():
    pages.clear()


@pytest.mark.parametrize("path", READING)
def test_a_new_visitor_gets_the_same_page_with_a_fresh_nonce_and_token(content, path):
    first, second = Client().get(path), Client().get(path)
    hits = pages.hits
    third = Client().get(path)
    assert pages.hits == hits + 1  # served from the cache
    bodies = []
    for response in (first, second, third):
        nonce, token = nonce_and_token(response)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]  # the header names this page's nonce
        assert response.cookies["csrftoken"].value  # and the CSRF cookie comes with it
        bodies.append(response.content.decode().replace(nonce, "N").replace(token, "T"))
    assert bodies[0] == bodies[1] == bodies[2]
    assert len({nonce_and_token(r)[0] for r in (first, second, third)}) == 3


def test_a_form_on_a_cached_page_posts_with_its_token(content):
    Client().get("/faq/")
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/faq/")
    _, token = nonce_and_token(page)
    response = visitor.post("/preferences/theme/", {"theme": "dark", "next": "/faq/", "csrfmiddlewaretoken": token})
    assert response.status_code in (302, 303)
    assert 'data-theme="dark"' in visitor.get("/faq/").content.decode()  # the cookie is now part of the key


def test_a_new_visitor_submits_from_a_cached_exercise_page_and_then_sees_their_own(content):
    Client().get("/exercises/answer-create/")
    visitor = Client(enforce_csrf_checks=True)
    hits = pages.hits
    page = visitor.get("/exercises/answer-create/")
    assert pages.hits == hits + 1  # the kept copy, with this visitor's own token
    hits = pages.hits
    _, token = nonce_and_token(page)
    response = visitor.post("/exercises/answer-create/", {"snippet": "HTTP/1.1 201 Created\nLocation: /v1/orders/7\n",
                                                          "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "Passed" in response.content.decode()
    again = visitor.get("/exercises/answer-create/")  # now with a session: their own page, with their answer
    assert pages.hits == hits and "/v1/orders/7" in again.content.decode()
    assert "/v1/orders/7" not in Client().get("/exercises/answer-create/").content.decode()


def test_a_learner_with_progress_never_gets_a_new_visitors_page(client, exercise):
    Client().get("/modules/first-module/")
    Client().get("/modules/first-module/")
    client.post("/exercises/answer-create/", {"snippet": "HTTP/1.1 201 Created\nLocation: /v1/orders/7\n"})
    assert "✓ Passed" in client.get("/modules/first-module/").content.decode()
    assert "✓ Passed" not in Client().get("/modules/first-module/").content.decode()


def test_themes_and_languages_are_kept_apart_and_junk_cookies_share_the_default(content):
    dark, light = Client(), Client()
    dark.cookies["theme"], light.cookies["theme"] = "dark", "light"
    for _ in range(2):
        assert 'data-theme="dark"' in dark.get("/").content.decode()
        assert 'data-theme="light"' in light.get("/").content.decode()
    junk = Client()
    junk.cookies["theme"] = "<script>"
    assert "<script>" not in junk.get("/").content.decode()
    size = len(pages._pages)
    for value in ("a", "b", "c"):
        other = Client()
        other.cookies["theme"] = value
        other.get("/")
    assert len(pages._pages) == size  # unknown values are the default theme: no new entries


def test_query_strings_are_never_cached_and_the_store_is_bounded(content, settings):
    for number in range(5):
        Client().get(f"/faq/?x={number}")
    assert len(pages._pages) == 0
    small = type(pages)(max_pages=2)
    for number in range(5):
        small.put("course", (f"/p{number}",), _Page.of("<p>page</p>", "text/html", "utf-8"))
    assert list(small._pages) == [("/p3",), ("/p4",)]


def test_a_reloaded_course_is_never_served_an_old_page(content, settings):
    for _ in range(2):
        assert "Ask away." in Client().get("/faq/").content.decode()
    content.write("faq.md", "---\ntitle: FAQ\ndescription: Questions.\n---\nAsk anything at all.\n")
    settings.CONTENT_DIR = content.root  # a new process, or a reload: the course is read again
    html = Client().get("/faq/").content.decode()
    assert "Ask anything at all." in html and "Ask away." not in html
