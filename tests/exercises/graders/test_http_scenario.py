"""http-scenario: the learner's WSGI app driven step by step in one sandbox, and what they are told."""

import json

import pytest

from course.exercises.grading import grader_for

from .conftest import make_checks

STEPS = """
steps:
  - name: create
    method: POST
    target: /things
    json: {name: kettle}
  - name: read
    method: GET
    target: "{{ create.headers.Location }}"
  - name: count
    method: GET
    target: /count
"""

APP = '''
import json
THINGS = {}
def app(environ, start_response):
    path = environ["PATH_INFO"]
    if environ["REQUEST_METHOD"] == "POST":
        data = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        key = str(len(THINGS) + 7)
        THINGS[key] = {"id": key, **data}
        start_response("201 Created", [("Content-Type", "application/json"), ("Location", "/things/" + key)])
        return [json.dumps(THINGS[key]).encode()]
    if path == "/count":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"count": len(THINGS)}).encode()]
    thing = THINGS[path.rsplit("/", 1)[1]]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(thing).encode()]
'''

CHECKS = (
    {"id": "created", "rule": "status", "step": "create", "expect": 201},
    {"id": "location", "rule": "header", "step": "create", "name": "location", "matches": "/things/[0-9]+"},
    {"id": "read", "rule": "status", "step": "read", "expect": 200},
    {"id": "same-id", "rule": "json", "step": "read", "path": "$.id", "equals": "{{ create.json.id }}"},
    {"id": "kept", "rule": "json", "step": "count", "path": "$.count", "equals": 1},
)


@pytest.fixture
def grade_scenario():
    def grade_(code: str, checks=CHECKS, steps: str = STEPS):
        return grader_for("http-scenario").grade(code, make_checks("http-scenario", *checks), support=steps)

    return grade_


def test_a_working_app_passes_every_step_with_state_carried_and_values_captured(grade_scenario):
    grade = grade_scenario(APP)
    assert grade.passed, [c.message for c in grade.checks]
    create, read, count = grade.steps
    assert create["request"].startswith("POST /things HTTP/1.1\nHost: api.example\nContent-Type: application/json")
    assert "HTTP/1.1 201 Created" in create["response"] and "Location: /things/7" in create["response"]
    assert read["request"].startswith("GET /things/7 HTTP/1.1")  # the Location the app gave, filled in here
    assert '"count": 1' in count["response"]  # the dict survived from the first step
    assert [step["state"] for step in grade.steps] == ["passed"] * 3 and not any(step["open"] for step in grade.steps)


def test_an_exception_is_that_steps_500_with_the_learners_own_line(grade_scenario):
    grade = grade_scenario(APP.replace('thing = THINGS[path.rsplit("/", 1)[1]]', 'thing = THINGS[path]'))
    read = grade.result_for("read")
    assert not read.passed and "got 500" in read.message and "KeyError" in read.message
    assert read.line == 15 and "(`thing = THINGS[path]`)" in read.message
    assert grade.result_for("created").passed and grade.result_for("kept").passed  # the other steps still ran
    states = {step["name"]: (step["state"], step["open"]) for step in grade.steps}
    assert states == {"create": ("passed", False), "read": ("failed", True), "count": ("passed", False)}


def test_a_step_that_needs_a_missing_value_is_not_sent_and_says_why(grade_scenario):
    grade = grade_scenario(APP.replace('("Location", "/things/" + key)', '("X-Where", "/things/" + key)'))
    read = grade.result_for("read")
    assert not read.passed and "was not sent" in read.message and "no Location header" in read.message
    step = next(step for step in grade.steps if step["name"] == "read")
    assert step["state"] == "skipped" and step["request"] == ""
    assert grade.result_for("kept").passed


def test_expected_values_never_reach_the_app(grade_scenario):
    secret = "expected-zebra-4242"
    spy = (
        "import gc, json, sys\n"
        "def app(environ, start_response):\n"
        "    seen = repr(environ) + repr(sys.argv) + ''.join(repr(o)[:500] for o in gc.get_objects() if isinstance(o, (dict, list, str)))\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [seen.encode('utf-8', 'replace')[-60000:]]\n")
    checks = ({"id": "secret", "rule": "json", "step": "create", "path": "$.name", "equals": secret},
              {"id": "secret-header", "rule": "header", "step": "read", "name": "X-Secret", "equals": secret})
    grade = grade_scenario(spy, checks, "steps:\n  - {name: create, method: GET, target: /}\n  - {name: read, method: GET, target: /x}\n")
    assert not grade.passed
    assert all(secret not in step["response"] for step in grade.steps)


def test_an_endless_loop_stops_the_scenario_and_every_later_step_says_it_was_not_sent(grade_scenario):
    grade = grade_scenario(APP.replace('    if path == "/count":', '    while path == "/count":\n        pass\n    if path == "/count":'))
    assert grade.result_for("read").passed
    kept = grade.result_for("kept")
    assert not kept.passed and "not checked" in kept.message and ("CPU time" in kept.message or "out of time" in kept.message)
    assert grade.steps[-1]["state"] == "stopped"


@pytest.mark.parametrize("code, message", [
    ("x = 1\n", "defines no function `app(environ, start_response)`"),
    ("def app(environ, start_response:\n", "Python cannot read this"),
    ("raise ValueError('boom')\n", "ValueError: boom while it was being loaded"),
])
def test_an_answer_that_cannot_serve_says_so_before_any_step(grade_scenario, code, message):
    grade = grade_scenario(code)
    assert grade.status == "error" and message in grade.error.message


def test_breaking_the_wsgi_contract_is_a_500_that_names_the_rule(grade_scenario):
    grade = grade_scenario("def app(environ, start_response):\n    start_response('201 Created', [])\n    return ['text, not bytes']\n")
    created = grade.result_for("created")
    assert not created.passed and "iterable of bytes" in created.message


def test_a_refused_operation_in_the_app_reads_as_refused(grade_scenario):
    grade = grade_scenario("import os\ndef app(environ, start_response):\n    os.setsid()\n")
    assert "not allowed in exercises" in grade.result_for("created").message


def test_the_grade_keeps_its_steps_when_stored_and_read_back(grade_scenario):
    grade = grade_scenario(APP)
    stored = json.loads(json.dumps(grade.as_dict()))
    assert [step["name"] for step in stored["steps"]] == ["create", "read", "count"]
    assert "steps" not in grader_for("json-document").grade("{}", ()).as_dict()  # other kinds unchanged


@pytest.mark.django_db
def test_the_real_exercise_shows_its_steps_before_submitting_and_step_feedback_after(client):
    page = client.get("/exercises/create-then-read-scenario/").content.decode()
    assert "What the grader will send" in page and "POST /orders HTTP/1.1" in page
    from course.content.store import get_course

    exercise = get_course().exercise("create-then-read-scenario")
    response = client.post(exercise.url, {"snippet": exercise.wrong[0].text}).content.decode()
    assert 'class="step step--failed"' in response and "Response got" in response and "Request sent" in response
    assert "expected a Location header" in response
