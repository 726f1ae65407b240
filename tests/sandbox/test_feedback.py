"""What a learner reads when their code runs into the sandbox: said plainly, never "exit status 1"."""

import pytest

from course.exercises.grading import grader_for
from tests.exercises.graders.conftest import make_checks

SUPPORT = "def run(answer, case):\n    return answer.handle(case)\n"
ECHO = {"id": "echo", "rule": "scenario", "describe": "echoing the input", "input": 7, "expect": 7}


@pytest.fixture
def grade_python():
    def grade_(code: str, *scenarios: dict):
        return grader_for("python-handler").grade(code, make_checks("python-handler", *(scenarios or (ECHO,))), support=SUPPORT)

    return grade_


@pytest.mark.parametrize("code", [
    "import os\ndef handle(x):\n    os.setsid()\n",
    "import socket\ndef handle(x):\n    socket.socket()\n",
    "import threading\ndef handle(x):\n    threading.Thread(target=print).start()\n",
])
def test_an_operation_the_sandbox_refuses_is_named_as_not_allowed_in_exercises(grade_python, code):
    check = grade_python(code).checks[0]
    assert not check.passed
    assert "the sandbox refused it" in check.message and "not allowed in exercises" in check.message, check.message
    assert check.line == 3


def test_a_refusal_while_loading_says_so_too(grade_python):
    result = grade_python("import os\nos.setsid()\ndef handle(x):\n    return x\n")
    assert result.status == "error" and "not allowed in exercises" in result.error.message
    assert result.error.line == 2


@pytest.mark.parametrize("code, named", [
    ("import json\njson.dumps = None\ndef handle(x):\n    return x\n", "`json.dumps`"),
    ("import builtins\nbuiltins.type = lambda v: int\ndef handle(x):\n    return x\n", "`builtins.type`"),
    ("import traceback\ndef handle(x):\n    traceback.extract_tb = print\n    return x\n", "`traceback.extract_tb`"),
])
def test_replacing_what_the_grader_needs_is_named_and_nothing_is_graded(grade_python, code, named):
    result = grade_python(code)
    assert result.status == "error" and not result.checks
    assert named in result.error.message and "Leave built-in functions and standard-library modules" in result.error.message


def test_results_past_the_limit_say_so_instead_of_timing_out(grade_python):
    result = grade_python("import os, sys\ndef handle(x):\n    while True:\n        os.write(int(sys.argv[2]), b'[' * 65536)\n")
    assert result.status == "error"
    assert "KiB of results" in result.error.message and "ran for more than" not in result.error.message


def test_a_value_that_overflows_the_total_is_refused_by_name_and_the_rest_still_graded(grade_python):
    scenarios = [dict(ECHO, id=f"big-{n}", input=n, expect="y" * 190_000) for n in range(8)]
    result = grade_python("def handle(x):\n    return 'y' * 190_000\n", *scenarios)
    passed = [check.passed for check in result.checks]
    assert passed[0] and not passed[-1]
    assert "one submission may return" in result.checks[-1].message
