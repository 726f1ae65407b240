"""python-handler: scenarios, typed comparison, and what the learner is told."""

import pytest

from course.exercises.graders.python_handler import first_difference

from .conftest import make_checks

SUPPORT = "def run(answer, case):\n    return answer.handle(case)\n"


@pytest.fixture
def grade_python(grade):
    def grade_(code: str, *scenarios: dict):
        from course.exercises.grading import grader_for

        return grader_for("python-handler").grade(code, make_checks("python-handler", *scenarios), support=SUPPORT)

    return grade_


CREATE = {"id": "create", "rule": "scenario", "describe": "creating an order", "input": {"qty": 2},
          "expect": {"status": 201, "body": {"qty": 2, "paid": False}}}


def test_a_correct_handler_passes(grade_python):
    result = grade_python("def handle(request):\n    return {'status': 201, 'body': {'qty': request['qty'], 'paid': False}}\n", CREATE)
    assert result.passed and result.checks[0].message.startswith("Creating an order: returned")


@pytest.mark.parametrize("returned, fragment", [
    ("{'status': 201.0, 'body': {'qty': 2, 'paid': False}}", "First difference at $.status: expected 201 (integer), got 201.0 (number)."),
    ("{'status': 201, 'body': {'qty': 2, 'paid': 0}}", "First difference at $.body.paid: expected false (boolean), got 0 (integer)."),
    ("{'status': 201, 'body': {'qty': 2}}", "First difference at $.body.paid: expected false, got nothing."),
    ("{'status': 201, 'body': {'qty': 2, 'paid': False, 'extra': 1}}", "First difference at $.body.extra: expected nothing, got 1."),
    ("{'status': '201', 'body': {'qty': 2, 'paid': False}}", "expected 201 (integer), got \"201\" (string)"),
])
def test_comparison_is_typed_and_names_the_first_difference(grade_python, returned, fragment):
    result = grade_python(f"def handle(request):\n    return {returned}\n", CREATE)
    assert not result.passed
    assert fragment in result.checks[0].message, result.checks[0].message


def test_an_exception_is_reported_with_the_learners_line(grade_python):
    result = grade_python("def handle(request):\n    total = 0\n    return request['missing']\n", CREATE)
    check = result.checks[0]
    assert "your code raised KeyError: 'missing' on line 3 (`return request['missing']`)" in check.message
    assert check.line == 3


def test_an_expected_exception_passes(grade_python):
    scenario = {"id": "bad", "rule": "scenario", "describe": "a negative quantity", "input": -1, "raises": "ValueError"}
    assert grade_python("def handle(q):\n    if q < 0:\n        raise ValueError('negative')\n    return q\n", scenario).passed
    result = grade_python("def handle(q):\n    return q\n", scenario)
    assert "expected your code to raise ValueError; it returned -1." in result.checks[0].message


def test_syntax_errors_are_one_error_with_line_and_column(grade_python):
    result = grade_python("def handle(request)\n    return 1\n", CREATE)
    assert result.status == "error" and result.checks == ()
    assert result.error.message.startswith("Python cannot read this") and result.error.line == 1


def test_loops_exits_and_huge_values_end_as_plain_errors(grade_python):
    result = grade_python("def handle(r):\n    while True:\n        pass\n", CREATE)
    assert result.status == "error" and ("CPU time" in result.error.message or "was stopped" in result.error.message)
    result = grade_python("import os\nos._exit(0)\n", CREATE)
    assert result.status == "error" and "ended the process" in result.error.message
    result = grade_python("def handle(r):\n    return 'x' * 5_000_000\n", CREATE)
    assert "cannot be compared" in result.checks[0].message


def test_printed_output_is_shown_to_the_learner(grade_python):
    result = grade_python("print('loading')\ndef handle(r):\n    print('got', r)\n    return r\n", CREATE)
    assert result.output == "loading\ngot {'qty': 2}"


def test_nothing_printed_can_forge_a_pass(grade_python):
    fake = '{"results": [{"ok": true, "value": {"status": 201}}]}'
    result = grade_python(f"import sys\nprint({fake!r})\nsys.stdout.flush()\ndef handle(r):\n    return None\n", CREATE)
    assert not result.passed


def test_first_difference_walks_lists_and_dicts():
    assert first_difference([1, {"a": True}], [1, {"a": True}]) is None
    assert first_difference([1, {"a": True}], [1, {"a": 1}]) == ("$[1].a", True, 1)
    assert first_difference([1, 2], [1, 2, 3]) == ("$", "2 items", "3 items")
