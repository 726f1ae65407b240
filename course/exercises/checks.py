"""`check_content` for exercises: each one proves itself with its own material.

The reference solution must pass, the starter must not, and each known-wrong
answer must fail the check it names (and be readable, unless it names
`error`). Every check's `teaches` link must reach a module section.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from course.content.documents import Course, Problem
from course.content.validation import check_link

from .grading import grader_for


def exercise_problems(course: Course, anchors: dict[str, set[str]], *, self_test: bool = True) -> list[Problem]:
    problems: list[Problem] = []
    modules = {module.slug for module in course.modules}
    aliases = {f"/modules/{alias}/": module for module in course.modules for alias in module.aliases}
    counts = Counter(exercise.slug for exercise in course.exercises)
    drafts = {module.url for module in course.modules if not module.is_published}
    for exercise in course.exercises:
        path = exercise.source.path
        if exercise.module not in modules:
            problems.append(Problem(path, 1, f"exercises/{exercise.module}/ is not a module slug; put the file in the folder "
                                    "named after its module"))
        if counts[exercise.slug] > 1:
            problems.append(Problem(path, 1, f"duplicate exercise slug '{exercise.slug}' (exercise slugs are site-wide)"))
        for check, line in zip(exercise.checks, exercise.check_lines):
            teaches = check.teaches
            parts = urlsplit(teaches)
            # A module still in preparation has no sections yet: its page will
            # do until it is written, when this check asks for the section.
            if not parts.path.startswith("/modules/") or (not parts.fragment and parts.path not in drafts):
                problems.append(Problem(path, line, f"check '{check.id}': 'teaches' must link to a module section, like "
                                        "/modules/api-fundamentals/#status-codes"))
                continue
            message = check_link(teaches, exercise.url, anchors, aliases)
            if message:
                problems.append(Problem(path, line, f"check '{check.id}': 'teaches' {message}"))
        if self_test:
            problems += _self_test_cached(exercise)
    return problems


_SELF_TESTS: dict[tuple, list[Problem]] = {}


def _self_test_cached(exercise) -> list[Problem]:
    # While authoring, the course is re-assembled on every save; grading all
    # exercises again each time would make the dev server crawl. Results are
    # keyed by the file's exact text, so an edited exercise is graded afresh.
    key = (exercise.source.path, exercise.source.text)
    if key not in _SELF_TESTS:
        if len(_SELF_TESTS) > 2000:
            _SELF_TESTS.clear()
        _SELF_TESTS[key] = _self_test(exercise)
    return _SELF_TESTS[key]


def _self_test(exercise) -> list[Problem]:
    grader = grader_for(exercise.kind)
    path = exercise.source.path
    problems = []
    grade = grader.grade(exercise.solution.text, exercise.checks, support=exercise.support)
    if not grade.passed:
        problems.append(Problem(path, exercise.solution.line, "the reference solution does not pass: " + _why(grade)))
    grade = grader.grade(exercise.starter.text, exercise.checks, support=exercise.support)
    if grade.passed:
        problems.append(Problem(path, exercise.starter.line, "the starter already passes every check; it should leave work to do"))
    for sample in exercise.wrong:
        grade = grader.grade(sample.text, exercise.checks, support=exercise.support)
        if sample.fails == "error":
            if grade.status != "error":
                problems.append(Problem(path, sample.line, f"this wrong answer should be unreadable (fails=error) but was {grade.status}"))
            continue
        if grade.status == "error":
            problems.append(Problem(path, sample.line, f"this wrong answer cannot even be read ({grade.error}); "
                                    f"it should be readable and fail '{sample.fails}' (or say fails=error)"))
            continue
        result = grade.result_for(sample.fails)
        if result is not None and result.passed:
            problems.append(Problem(path, sample.line, f"this wrong answer should fail check '{sample.fails}' but passes it "
                                    f"({result.message})"))
    return problems


def _why(grade) -> str:
    if grade.error is not None:
        return str(grade.error)
    failed = [result for result in grade.checks if not result.passed]
    return "; ".join(f"'{result.id}': {result.message}" for result in failed[:3])
