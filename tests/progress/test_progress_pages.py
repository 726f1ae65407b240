"""The learner's own pages: dashboard, history, resets, export, marking a module read; each scoped to them."""

import json
import re

import pytest
from django.test import Client

from course.progress.models import Attempt

pytestmark = pytest.mark.django_db

URL = "/exercises/answer-create/"
RIGHT = "HTTP/1.1 201 Created\nLocation: /v1/orders/7\n"
HALF = "HTTP/1.1 201 Created\n"
WRONG = "HTTP/1.1 200 OK\n"


def test_the_history_shows_each_attempt_with_the_checks_it_changed(client, exercise):
    for snippet in (WRONG, HALF, RIGHT):
        client.post(URL, {"snippet": snippet})
    html = client.get(URL + "history/").content.decode()
    assert html.count("<tr>") == 4  # header + three attempts
    assert "✗→✓ status" in html and "✗→✓ location" in html
    assert html.index("✗→✓ location") < html.index("✗→✓ status")  # newest first
    assert "Best score 100% · first passed" in html
    assert "No attempts yet" in Client().get(URL + "history/").content.decode()  # nobody else sees them


def test_what_changed_is_kept_across_an_unreadable_attempt_and_times_have_seconds(client, exercise):
    client.post(URL, {"snippet": WRONG})
    client.post(URL, {"snippet": "not an HTTP message at all"})  # could not be read: no check ran
    client.post(URL, {"snippet": RIGHT})
    html = client.get(URL + "history/").content.decode()
    rows = html.split("<tr>")[2:]  # newest first, after the header
    assert "✗→✓ status" in rows[0] and "✗→✓ location" in rows[0]  # compared with the graded attempt before the error
    assert "Could not be read: no check ran" in rows[1]
    assert "First graded attempt" in rows[2]
    assert re.search(r"\d{2}:\d{2}:\d{2}</time>", rows[0])


def test_an_old_attempt_opens_in_the_editor_but_only_for_its_owner(client, exercise):
    client.post(URL, {"snippet": WRONG})
    client.post(URL, {"snippet": RIGHT})
    first = Attempt.objects.order_by("id").first()
    page = client.get(f"{URL}?attempt={first.pk}").content.decode()
    assert ">HTTP/1.1 200 OK\n</textarea>" in page
    assert Client().get(f"{URL}?attempt={first.pk}").status_code == 404
    assert client.get(f"{URL}?attempt=999999").status_code == 404
    assert client.get(f"{URL}?attempt=abc").status_code == 404


def test_the_dashboard_shows_progress_continue_and_recent_activity_with_few_queries(client, exercise, django_assert_max_num_queries):
    client.post(URL, {"snippet": WRONG})
    client.get("/dashboard/")
    with django_assert_max_num_queries(4):
        html = client.get("/dashboard/").content.decode()
    assert "Continue: Answer a create" in html
    assert 'value="0"' in html and "0 of 1 exercises" in html
    assert "0 of 3 sections read" in html
    client.post(URL, {"snippet": RIGHT})
    client.post("/modules/first-module/read/", {"section": "resources"})
    html = client.get("/dashboard/").content.decode()
    # Reading and exercises are shown apart, each with its own bar.
    assert 'value="33" aria-label="First module: sections read"' in html and "1 of 3 sections read" in html
    assert 'value="100" aria-label="First module: exercises passed"' in html and "1 of 1 exercises" in html
    assert "50% done overall" in html
    # Recent activity names the exercise by its title, not its slug, and links to it and its history.
    assert '<a href="/exercises/answer-create/">Answer a create' in html and "answer-create</a>" not in html
    assert 'href="/exercises/answer-create/history/" aria-label="Your attempts at Answer a create' in html
    # Each started module can be reset from here (through the confirmation page).
    assert 'href="/progress/reset/?scope=module&amp;target=first-module"' in html


def test_sections_are_marked_read_one_by_one_or_all_at_once_without_javascript(client, content):
    response = client.post("/modules/first-module/read/", {"section": "resources"})
    assert response.status_code == 303 and response["Location"] == "/modules/first-module/#resources"
    assert client.post("/modules/first-module/read/", {"section": "resources"}).status_code == 303  # idempotent
    html = client.get("/modules/first-module/").content.decode()
    assert "1 of 3 sections read" in html and 'aria-label="Mark “Status codes” as read"' in html
    client.post("/modules/first-module/read/", {"section": "all"})
    assert "You have read every section of this module" in client.get("/modules/first-module/").content.decode()
    assert client.post("/modules/first-module/read/", {"section": "nowhere"}).status_code == 400
    assert client.post("/modules/nope/read/", {"section": "all"}).status_code == 404


def test_resets_need_confirmation_and_only_touch_the_learners_own_attempts(client, exercise):
    other = Client()
    other.post(URL, {"snippet": WRONG})
    client.post(URL, {"snippet": WRONG})
    assert "Yes, reset Answer a create" in client.get("/progress/reset/?scope=exercise&target=answer-create").content.decode()
    assert client.post("/progress/reset/", {"scope": "exercise", "target": "answer-create"}).status_code == 400
    response = client.post("/progress/reset/", {"scope": "exercise", "target": "answer-create", "confirm": "yes"})
    assert response.status_code == 303
    assert Attempt.objects.count() == 1  # the other learner's attempt is still there
    assert client.post("/progress/reset/", {"scope": "nonsense", "confirm": "yes"}).status_code == 400


def test_module_and_full_resets(client, exercise):
    client.post(URL, {"snippet": WRONG})
    client.post("/modules/first-module/read/", {"section": "all"})
    client.post("/progress/reset/", {"scope": "module", "target": "first-module", "confirm": "yes"})
    assert not Attempt.objects.exists()
    assert "0 of 3 sections read" in client.get("/modules/first-module/").content.decode()
    client.post(URL, {"snippet": WRONG})
    client.post("/progress/reset/", {"scope": "all", "confirm": "yes"})
    assert not Attempt.objects.exists()


def test_export_is_a_json_download_of_everything_and_nothing_else(client, exercise):
    Client().post(URL, {"snippet": "HTTP/1.1 299 Someone else\n"})
    client.post(URL, {"snippet": WRONG})
    response = client.get("/progress/export.json")
    assert response["Content-Type"] == "application/json" and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [a["snippet"] for a in data["attempts"]] == [WRONG]
    assert data["attempts"][0]["checks"][0]["id"] == "status"
    assert "Someone else" not in response.content.decode()


def test_home_module_list_and_roadmap_show_the_learners_progress(client, exercise):
    client.post(URL, {"snippet": RIGHT})
    for path in ("/", "/modules/"):
        assert "✓ 1 of 1 exercises passed" in client.get(path).content.decode(), path
    roadmap = client.get("/roadmap/").content.decode()
    assert "1 of 1 exercises" in roadmap and "0 of 3 sections read" in roadmap  # the dashboard's numbers, apart
    assert "exercises passed" not in Client().get("/").content.decode()
