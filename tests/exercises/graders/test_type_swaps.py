"""Every node of every reference answer, swapped for every other JSON type: always a grade, never our problem."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .swaps import REPLACEMENTS, assert_total, exercises, join, paths, replaced, split, swaps


def _ids(exercise) -> str:
    return exercise.slug


def test_the_course_has_reference_answers_holding_data():
    kinds = {exercise.kind for exercise in exercises() if split(exercise.kind, exercise.solution.text)}
    assert kinds >= {"openapi", "json-document", "http-response", "http-request"}


WITH_DATA = [exercise for exercise in exercises() if split(exercise.kind, exercise.solution.text)]


@pytest.mark.parametrize("exercise", WITH_DATA, ids=_ids)
def test_every_single_type_swap_of_the_reference_gets_a_grade(exercise):
    head, data, style = split(exercise.kind, exercise.solution.text)
    tried = 0
    for at, value in swaps(data):
        assert_total(exercise.kind, exercise, join(head, replaced(data, at, value), style))
        tried += 1
    assert tried >= 5


@st.composite
def multi_swapped(draw):
    exercise = draw(st.sampled_from(WITH_DATA))
    head, data, style = split(exercise.kind, exercise.solution.text)
    for _ in range(draw(st.integers(2, 4))):
        at = draw(st.sampled_from(list(paths(data))))
        data = replaced(data, at, draw(st.sampled_from(REPLACEMENTS)))
    return exercise, join(head, data, style)


@settings(max_examples=150, deadline=None)
@given(case=multi_swapped())
def test_several_swaps_at_once_still_get_a_grade(case):
    exercise, snippet = case
    assert_total(exercise.kind, exercise, snippet)


def _type_swaps(data):
    """The swaps that change a node's type (not those that only empty a container: that removes many things)."""
    from .swaps import type_of

    for at, value in swaps(data):
        current = data
        for part in at:
            current = current[part]
        if type_of(value) is not type_of(current):
            yield at, value


@pytest.mark.parametrize("exercise", WITH_DATA, ids=_ids)
def test_one_wrong_type_fails_one_check_and_the_checks_it_stops_say_so(exercise):
    from course.exercises.grading import grader_for

    head, data, style = split(exercise.kind, exercise.solution.text)
    grader = grader_for(exercise.kind)
    for at, value in _type_swaps(data):
        grade = grader.grade(join(head, replaced(data, at, value), style), exercise.checks, support=exercise.support)
        failed = [check for check in grade.checks if not check.passed and not check.not_checked_because]
        assert len(failed) <= 1, (at, value, [(check.id, check.message) for check in failed])
        for check in grade.checks:
            if check.not_checked_because:
                assert check.message.startswith(f"Not checked, because of what check '{check.not_checked_because}'")
