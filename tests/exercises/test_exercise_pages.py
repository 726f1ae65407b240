"""The exercise page as a learner uses it, with and without JavaScript."""

import json
import re

import pytest
from django.test import Client

from tests.conftest import EXERCISE

pytestmark = pytest.mark.django_db

URL = "/exercises/answer-create/"
RIGHT = "HTTP/1.1 201 Created\nLocation: /v1/orders/7\n"
WRONG = "HTTP/1.1 200 OK\n"


def html(response) -> str:
    return response.content.decode()


def test_the_page_shows_the_prompt_and_the_starter_in_an_editor(client, exercise):
    page = html(client.get(URL))
    assert "Write the response for a created order." in page
    assert re.search(r'<textarea id="snippet" name="snippet"[^>]*>HTTP/1.1 200 OK\n</textarea>', page)
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Reference solution" not in page


def test_a_wrong_answer_shows_each_check_with_message_hint_line_and_lesson(client, exercise):
    page = html(client.post(URL, {"snippet": WRONG}))
    assert "0 of 2 checks pass." in page
    assert "Expected 201 Created; found 200 OK (line 1)." in page
    assert "Hint:</strong> Something new was made." in page
    assert 'data-line="1"' in page
    assert 'href="/modules/first-module/#created">Why: First module › Created</a>' in page


def test_htmx_gets_only_the_feedback_panel(client, exercise):
    response = client.post(URL, {"snippet": RIGHT}, headers={"HX-Request": "true"})
    page = html(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="feedback"') and "<html" not in page
    assert "All 2 checks pass." in page


def test_an_unreadable_answer_is_one_error_with_its_line_not_a_pile_of_failures(client, exercise):
    page = html(client.post(URL, {"snippet": "HTTP/1.1 201 Created\nLocation /v1/orders/7\n"}))
    assert "We could not read your answer." in page and "line 2" in page
    assert 'class="check ' not in page


def test_a_reload_keeps_the_last_answer_and_result(client, exercise):
    client.post(URL, {"snippet": "HTTP/1.1 202 Accepted\n"})
    page = html(client.get(URL))
    assert ">HTTP/1.1 202 Accepted\n</textarea>" in page
    assert "Expected 201 Created; found 202 Accepted (line 1)." in page


def test_passing_shows_the_reference_solution_and_marks_the_module_list(client, exercise):
    page = html(client.post(URL, {"snippet": RIGHT}))
    assert "Reference solution" in page and "/v1/orders/1" in page
    module_page = html(client.get("/modules/first-module/"))
    assert 'href="/exercises/answer-create/"' in module_page and "✓ Passed" in module_page


def test_the_general_hint_opens_after_two_failed_attempts(client, exercise):
    first = html(client.post(URL, {"snippet": WRONG}))
    assert "General hint text." not in first
    # Both rules are stated together, with the learner's count so far.
    assert "A general hint opens after 2 attempts that do not pass, and the reference solution can be shown after 5. So far: 1." in first
    assert "General hint text." in html(client.post(URL, {"snippet": WRONG}))


def test_a_pass_offers_the_next_exercise_and_the_last_one_leads_back_to_its_module(client, content, exercise):
    content.write("exercises/first-module/02-answer-again.md", EXERCISE_AGAIN)
    page = html(client.post(URL, {"snippet": RIGHT}))
    assert 'href="/exercises/answer-again/">Next exercise: Answer again' in page
    assert "Next exercise" not in html(client.post(URL, {"snippet": WRONG}))  # only after a pass
    last = html(client.post("/exercises/answer-again/", {"snippet": RIGHT}))
    assert "Next exercise" not in last and 'href="/modules/first-module/#exercises">Back to First module' in last


def test_an_exercise_with_attempts_links_to_its_reset_confirmation(client, exercise):
    assert "Reset this exercise" not in html(client.get(URL))
    client.post(URL, {"snippet": WRONG})
    page = html(client.get(URL))
    assert 'href="/progress/reset/?scope=exercise&amp;target=answer-create">Reset this exercise' in page
    confirm = html(client.get("/progress/reset/?scope=exercise&target=answer-create"))
    assert "Yes, reset Answer a create" in confirm  # nothing is deleted before the box is ticked


EXERCISE_AGAIN = EXERCISE.replace("title: Answer a create", "title: Answer again")


def test_the_solution_can_be_revealed_after_five_failures_with_confirmation(client, exercise):
    assert client.post(URL + "solution/", {"confirm": "yes"}).status_code == 403
    for _ in range(5):
        page = html(client.post(URL, {"snippet": WRONG}))
    assert "I want to see the reference solution" in page
    assert client.post(URL + "solution/", {}).status_code == 400
    response = client.post(URL + "solution/", {"confirm": "yes"})
    assert response.status_code == 303 and response["Location"] == URL + "#solution"
    assert "Reference solution" in html(client.get(URL))


def test_an_oversized_answer_is_refused_with_413_and_kept_in_the_editor(client, exercise):
    big = "HTTP/1.1 201 Created\nX: " + "a" * 70_000 + "\n"
    response = client.post(URL, {"snippet": big})
    assert response.status_code == 413
    page = html(response)
    assert "answers are limited to 65,536 bytes (64 KiB)" in page
    assert big[:200] in page


def test_submissions_beyond_the_rate_limit_get_429_with_retry_after_and_keep_the_answer(client, exercise, settings):
    settings.SUBMISSIONS_PER_MINUTE = 2
    for _ in range(2):
        assert client.post(URL, {"snippet": WRONG}).status_code == 200
    response = client.post(URL, {"snippet": "HTTP/1.1 418 Kept\n"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = html(response)
    assert "more than 2 submissions in a minute" in page and ">HTTP/1.1 418 Kept\n</textarea>" in page


def test_dropping_the_session_cookie_does_not_escape_the_limit_for_anonymous_learners(exercise, settings):
    settings.SUBMISSIONS_PER_MINUTE = 2
    settings.SUBMISSIONS_PER_MINUTE_PER_ADDRESS = 3
    statuses = [Client().post(URL, {"snippet": WRONG}).status_code for _ in range(4)]  # a new session every time
    assert statuses == [200, 200, 200, 429]
    response = Client().post(URL, {"snippet": "HTTP/1.1 418 Kept\n"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    page = html(response)
    assert "came from your network without an account" in page and ">HTTP/1.1 418 Kept\n</textarea>" in page


def test_a_form_without_a_snippet_is_a_clear_400(client, exercise):
    response = client.post(URL, {})
    assert response.status_code == 400 and "without a snippet" in html(response)


def test_submitting_requires_csrf_and_a_refused_answer_is_kept_in_the_editor(exercise):
    response = Client(enforce_csrf_checks=True).post(URL, {"snippet": "HTTP/1.1 299 Keep me\n"})
    assert response.status_code == 403
    page = html(response)
    assert "security token had expired" in page and ">HTTP/1.1 299 Keep me\n</textarea>" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_other_forms_without_csrf_get_a_styled_403(content):
    response = Client(enforce_csrf_checks=True).post("/preferences/theme/", {"theme": "dark"})
    assert response.status_code == 403 and "That form had expired" in html(response)


def test_unknown_exercise_is_404_and_a_renamed_one_redirects(client, content, exercise):
    exercise.write_text(exercise.read_text().replace("title: Answer a create", "title: Answer a create\naliases: [old-create]"))
    assert client.get("/exercises/nope/").status_code == 404
    response = client.get("/exercises/old-create/")
    assert response.status_code == 301 and response["Location"] == URL


def test_learners_only_see_their_own_work(exercise):
    first, second = Client(), Client()
    first.post(URL, {"snippet": "HTTP/1.1 299 Mine\n"})
    page = html(second.get(URL))
    assert "299 Mine" not in page and ">HTTP/1.1 200 OK\n</textarea>" in page


PYTHON_EXERCISE = '''---
title: Add one
kind: python-handler
checks:
  - id: adds
    rule: scenario
    describe: adding one to 41
    input: 41
    expect: 42
    teaches: /modules/first-module/#created
---
Write `handle(x)` returning x + 1.

```python starter
def handle(x):
    return x
```

```python solution
def handle(x):
    return x + 1
```

```python wrong fails=adds
def handle(x):
    return x + 2
```

```python wrong fails=error
def handle(x)
```

```python support
def run(answer, case):
    return answer.handle(case)
```
'''


@pytest.fixture
def python_exercise(content):
    return content.write("exercises/first-module/02-add-one.md", PYTHON_EXERCISE)


def test_a_python_answer_is_graded_in_the_sandbox_and_its_printout_shown(client, python_exercise):
    page = html(client.post("/exercises/add-one/", {"snippet": "def handle(x):\n    print('x is', x)\n    return x + 1\n"}))
    assert "All 1 checks pass." in page
    assert "What your code printed" in page and "x is 41" in page


def test_when_every_sandbox_is_busy_the_learner_gets_503_with_retry_after_and_keeps_the_answer(client, python_exercise, monkeypatch):
    from course.sandbox import service
    from course.sandbox.pool import Busy

    def busy(job):
        raise Busy("all sandboxes are busy")

    monkeypatch.setattr(service, "run_job", busy)
    response = client.post("/exercises/add-one/", {"snippet": "def handle(x):\n    return 0\n"})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = html(response)
    assert "Every Python sandbox is busy" in page and "return 0" in page


def test_a_nul_byte_is_refused_with_its_place_and_the_answer_is_kept(client, exercise):
    """PostgreSQL cannot store NUL: the answer is kept with U+FFFD in its place, on every database."""
    from course.progress.models import Attempt

    response = client.post(URL, {"snippet": "HTTP/1.1 201 Created\nLoca\x00tion: /v1/orders/7\n"})
    page = html(response)
    assert response.status_code == 200
    assert "contains a NUL byte" in page and "line 2, column 5" in page
    assert "\x00" not in page and "Loca\ufffdtion" in page  # the editor shows what was kept
    assert Attempt.objects.get().snippet == "HTTP/1.1 201 Created\nLoca\ufffdtion: /v1/orders/7\n"
    assert "Loca\ufffdtion" in html(client.get(URL))


@pytest.mark.parametrize("value", ["\u00b2", "\u2460", "\u0663", "1\u00b2", "-1", "99999999999999", "%00"])
def test_an_attempt_number_in_any_script_is_a_plain_404(client, exercise, value):
    response = client.get(URL, {"attempt": value})
    assert response.status_code == 404


def test_what_python_code_prints_or_raises_with_a_nul_is_shown_and_kept_on_every_database(client, python_exercise):
    """PostgreSQL refuses NUL in JSON too: what the code printed and the error it raised reach the grade, which used
    to be a 500 there. Each NUL becomes U+FFFD, in the page and in the kept attempt alike."""
    from course.progress.models import Attempt

    answer = "def handle(x):\n    print('a\\x00b')\n    raise ValueError('bad\\x00value')\n"
    response = client.post("/exercises/add-one/", {"snippet": answer})
    page = html(response)
    assert response.status_code == 200
    assert "a\ufffdb" in page and "bad\ufffdvalue" in page and "\x00" not in page
    kept = Attempt.objects.get()
    assert "\x00" not in json.dumps(kept.grade, ensure_ascii=False) and "bad\ufffdvalue" in json.dumps(kept.grade, ensure_ascii=False)
    assert "bad\ufffdvalue" in html(client.get("/exercises/add-one/"))


def test_what_python_code_prints_or_raises_with_a_lone_surrogate_is_kept_as_u_fffd(client, python_exercise):
    """Learner code can print "\\ud800", which no database can keep (PostgreSQL's JSON refused it with a 500)."""
    from course.progress.models import Attempt

    answer = "def handle(x):\n    print('a\\ud800b')\n    raise ValueError('bad\\udc00value')\n"
    response = client.post("/exercises/add-one/", {"snippet": answer})
    assert response.status_code == 200 and "a\ufffdb" in html(response)
    kept = Attempt.objects.get().grade
    assert kept["output"].startswith("a\ufffdb")
    assert "bad\ufffdvalue" in json.dumps(kept, ensure_ascii=False)
