"""A learner's own pages, kept once rendered for the same reader and progress: never stale, never someone else's."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from course.api.services import token_create
from course.operations.page_cache import CUT_MARK, learner_pages

pytestmark = pytest.mark.django_db
MODULE = "/modules/first-module/"
ANSWER = "HTTP/1.1 201 Created\nLocation: /v1/orders/7\n"


@pytest.fixture(autouse=True)
def empty_cache():
    learner_pages.clear()


def learner(name: str) -> Client:
    user = get_user_model().objects.create_user(name, f"{name}@example.com", "a-long-password-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def section(html: str) -> str:
    return re.search(r'name="section" value="([^"]+)"', html).group(1)


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_a_kept_page_is_served_again_with_a_fresh_nonce_and_token_and_no_cut_marks(exercise):
    alice = learner("alice")
    first = alice.get(MODULE)
    hits = learner_pages.hits
    second = alice.get(MODULE)
    assert learner_pages.hits == hits + 1
    for response in (first, second):
        html = response.content.decode()
        nonce = re.search(r'<meta name="csp-nonce" content="([^"]+)"', html).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert CUT_MARK not in html and "__page_cache_" not in html
        assert len(tokens(html)) == 1  # every form carries this response's one token
    assert tokens(first.content.decode()) != tokens(second.content.decode())
    # and the kept page's token works: marking a section read from it succeeds
    html = second.content.decode()
    assert alice.post(f"{MODULE}read/", {"section": section(html), "csrfmiddlewaretoken": tokens(html).pop()}).status_code == 303


def test_progress_made_anywhere_shows_at_once(exercise):
    alice = learner("alice")
    user = get_user_model().objects.get(username="alice")
    for _ in range(2):
        html = alice.get(MODULE).content.decode()
        assert "✓ Passed" not in html and "0 of" in html
    alice.post(f"{MODULE}read/", {"section": section(html), "csrfmiddlewaretoken": tokens(html).pop()})
    assert "1 of" in alice.get(MODULE).content.decode()
    # from another device: a token through the API, with no session at all
    secret = token_create(user=user, name="laptop", scope="read+submit")[1]
    Client().post("/api/v1/exercises/answer-create/submissions", {"snippet": ANSWER}, content_type="application/json",
                  headers={"Authorization": f"Bearer {secret}"})
    assert "✓ Passed" in alice.get(MODULE).content.decode()


def test_two_learners_with_the_same_progress_never_see_each_others_name(exercise):
    alice, bob = learner("alice"), learner("bob")
    for _ in range(2):
        a, b = alice.get(MODULE).content.decode(), bob.get(MODULE).content.decode()
        assert "alice" in a and "bob" not in a
        assert "bob" in b and "alice" not in b


def test_a_page_with_a_message_is_shown_once_and_not_kept(exercise):
    alice = learner("alice")
    alice.get(MODULE)
    token = tokens(alice.get("/dashboard/").content.decode()).pop()
    reset = alice.post("/progress/reset/", {"scope": "module", "target": "first-module", "confirm": "yes",
                                               "csrfmiddlewaretoken": token})
    assert reset.status_code == 303
    shown = alice.get(MODULE).content.decode()
    assert "Reset" in shown and 'class="messages"' in shown
    assert 'class="messages"' not in alice.get(MODULE).content.decode()


def test_readers_of_one_module_share_one_copy_of_its_body(exercise, monkeypatch):
    monkeypatch.setattr("course.operations.page_cache.SHARED_PIECE_BYTES", 200)  # the test module's body is short
    for name in ("alice", "bob", "carol"):
        client = learner(name)
        client.get(MODULE)
        client.get(MODULE)
    assert len(learner_pages._pages) == 3  # one page each (each name is in the header)
    bodies = [piece for page in learner_pages._pages.values() for piece in page.pieces if isinstance(piece, bytes)
              and b"Use 201." in piece]
    assert len(bodies) == 3 and all(body is bodies[0] for body in bodies)  # one copy of the body between them
    assert bodies[0].lstrip().startswith(b"<") and b"Log out" not in bodies[0]  # the body alone, cut where it starts


def test_an_exercise_page_shows_the_latest_answer_wherever_it_was_sent(exercise):
    alice = learner("alice")
    user = get_user_model().objects.get(username="alice")
    page = "/exercises/answer-create/"
    html = alice.get(page).content.decode()
    alice.post(page, {"snippet": "HTTP/1.1 200 OK\n", "csrfmiddlewaretoken": tokens(html).pop()})
    for _ in range(2):
        html = alice.get(page).content.decode()
        assert "HTTP/1.1 200 OK" in html  # their answer in the editor, served the second time from the kept page
    hits = learner_pages.hits
    secret = token_create(user=user, name="editor", scope="read+submit")[1]
    Client().post(f"/api/v1{page}submissions", {"snippet": ANSWER}, content_type="application/json",
                  headers={"Authorization": f"Bearer {secret}"})
    html = alice.get(page).content.decode()
    assert "/v1/orders/7" in html and learner_pages.hits == hits  # a new state: rendered afresh, not the kept page
    assert alice.get(f"{page}?attempt=1").status_code in (200, 404) and learner_pages.hits == hits  # a query: rendered


def test_a_dashboard_is_kept_until_the_learners_rows_change_in_any_way(exercise):
    alice = learner("alice")
    user = get_user_model().objects.get(username="alice")
    first = alice.get("/dashboard/").content.decode()
    hits = learner_pages.hits
    assert alice.get("/dashboard/").status_code == 200 and learner_pages.hits == hits + 1
    # an attempt from elsewhere (the API, no session) is on the next dashboard
    secret = token_create(user=user, name="editor", scope="read+submit")[1]
    Client().post("/api/v1/exercises/answer-create/submissions", {"snippet": ANSWER}, content_type="application/json",
                  headers={"Authorization": f"Bearer {secret}"})
    after = alice.get("/dashboard/").content.decode()
    assert "Create an order" in after or "answer-create" in after
    assert after != first and learner_pages.hits == hits + 1
    # a reset (delete) too, even one that leaves as many rows as a new attempt would add
    token = tokens(after).pop()
    alice.post("/progress/reset/", {"scope": "all", "confirm": "yes", "csrfmiddlewaretoken": token})
    alice.get("/dashboard/")  # shows the message, once
    assert alice.get("/dashboard/").content.decode().count("attempts</a>") == 0


def test_an_answer_that_spells_out_the_marks_is_shown_as_written(exercise):
    """The marks a kept page is cut at end in a secret: an answer quoting the names cannot become a nonce or token."""
    alice = learner("alice")
    page = "/exercises/answer-create/"
    html = alice.get(page).content.decode()
    quoted = "HTTP/1.1 200 OK\nX-Note: __page_cache_csp_nonce__ __page_cache_csrf_token__ __page_cache_cut__\n"
    alice.post(page, {"snippet": quoted, "csrfmiddlewaretoken": tokens(html).pop()})
    for _ in range(2):
        html = alice.get(page).content.decode()
        assert "__page_cache_csp_nonce__ __page_cache_csrf_token__ __page_cache_cut__" in html
