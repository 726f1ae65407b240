import pytest

from course.exercises.grading import Check, grader_for


def make_checks(kind: str, *entries: dict) -> tuple[Check, ...]:
    grader = grader_for(kind)
    checks = []
    for entry in entries:
        entry = dict(entry)
        check_id, rule = entry.pop("id"), entry.pop("rule")
        checks.append(Check(check_id, rule, grader.rules[rule].params.model_validate(entry), "/modules/x/#y", f"hint for {check_id}"))
    return tuple(checks)


@pytest.fixture
def grade():
    def grade_(kind: str, snippet: str, *entries: dict):
        return grader_for(kind).grade(snippet, make_checks(kind, *entries))

    return grade_
