"""check_content proves each exercise with its own material."""

from django.core.management import CommandError, call_command

from tests.conftest import EXERCISE


def problems(capsys) -> list[str]:
    try:
        call_command("check_content")
    except CommandError:
        pass
    return [line for line in capsys.readouterr().out.splitlines() if "exercises/" in line]


def write(content, text):
    return content.write("exercises/first-module/01-answer-create.md", text)


def test_a_valid_exercise_passes(content, exercise, capsys):
    assert problems(capsys) == []


def test_a_reference_solution_that_fails_is_reported_at_its_fence(content, capsys):
    write(content, EXERCISE.replace("HTTP/1.1 201 Created\nLocation: /v1/orders/1\n```", "HTTP/1.1 200 OK\nLocation: /v1/orders/1\n```", 1))
    found = problems(capsys)
    assert any(":22: the reference solution does not pass: 'status': Expected 201 Created; found 200 OK (line 1)." in line
               for line in found), found


def test_a_starter_that_already_passes_is_reported(content, capsys):
    write(content, EXERCISE.replace("```http starter\nHTTP/1.1 200 OK\n", "```http starter\nHTTP/1.1 201 Created\nLocation: /x\n"))
    assert any(":18: the starter already passes every check" in line for line in problems(capsys))


def test_a_wrong_answer_that_does_not_fail_its_check_is_reported(content, capsys):
    write(content, EXERCISE.replace("```http wrong fails=location\nHTTP/1.1 201 Created\n", "```http wrong fails=location\nHTTP/1.1 201 Created\nLocation: /y\n"))
    assert any("should fail check 'location' but passes it" in line for line in problems(capsys))


def test_a_wrong_answer_naming_an_unknown_check_is_reported(content, capsys):
    write(content, EXERCISE.replace("fails=location", "fails=locaton"))
    assert any("names check 'locaton', which this exercise does not have" in line for line in problems(capsys))


def test_unknown_kind_rule_and_parameter_are_reported_with_lines(content, capsys):
    write(content, EXERCISE.replace("kind: http-response", "kind: http-responses"))
    assert any(":3: unknown grader kind 'http-responses'; did you mean 'http-response'?" in line for line in problems(capsys))
    write(content, EXERCISE.replace("rule: header\n", "rule: headers\n"))
    assert any(":12: checks[1]: unknown rule 'headers' for kind http-response; did you mean 'header'?" in line
               for line in problems(capsys))
    write(content, EXERCISE.replace("    expect: 201\n", "    expect: 201\n    expected: 200\n"))
    assert any(":9: checks[0]: rule 'status' takes no parameter 'expected'" in line for line in problems(capsys))


def test_a_teaches_link_to_a_missing_section_is_reported(content, capsys):
    write(content, EXERCISE.replace("#created", "#creation"))
    found = problems(capsys)
    assert any("check 'status': 'teaches' link '/modules/first-module/#creation' points to an anchor" in line for line in found), found


def test_exercise_needs_two_wrong_answers_and_one_solution(content, capsys):
    text = EXERCISE.split("```http wrong fails=status")[0]
    write(content, text.replace("```http solution", "```http solutions"))
    found = problems(capsys)
    assert any("exactly one ```http solution``` block; found 0" in line for line in found), found
    assert any("at least two ```http wrong fails=<check-id>``` blocks; found 0" in line for line in found), found


def test_an_exercise_in_a_folder_that_is_not_a_module_is_reported(content, capsys):
    content.write("exercises/no-such-module/01-lost.md", EXERCISE.replace("/modules/first-module/", "/modules/first-module/"))
    assert any("exercises/no-such-module/ is not a module slug" in line for line in problems(capsys))


def test_the_authors_guide_lists_every_rule_as_the_code_defines_it():
    from django.conf import settings

    from course.exercises.management.commands.exercise_rules import describe_rules

    guide = (settings.BASE_DIR / "content" / "README.md").read_text(encoding="utf-8")
    assert describe_rules().strip() in guide, "run `manage.py exercise_rules` and paste its output into content/README.md"


def test_while_authoring_the_store_reports_an_exercise_whose_solution_fails(content):
    from course.content.store import ContentStore

    write(content, EXERCISE.replace("HTTP/1.1 201 Created\nLocation: /v1/orders/1\n```", "HTTP/1.1 200 OK\nLocation: /v1/orders/1\n```", 1))
    problems = ContentStore(content.root, watch=True).course().problems
    assert any("the reference solution does not pass" in problem.message for problem in problems)
