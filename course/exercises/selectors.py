"""Reading what a learner has done on exercises: from course.progress's rows and this browser's session."""

from __future__ import annotations

from dataclasses import dataclass

from course.progress.learners import Learner
from course.progress.selectors import attempt_counts_and_reads, attempt_summary

from .grading import grader_for
from .spec import Exercise

SESSION_KEY = "exercises"
HINT_AFTER_FAILURES = 2
SOLUTION_AFTER_FAILURES = 5


@dataclass(frozen=True)
class Progress:
    snippet: str | None = None
    grade: dict | None = None
    attempts: int = 0
    failures: int = 0
    passed: bool = False
    revealed: bool = False

    @property
    def may_see_hint(self) -> bool:
        return self.failures >= HINT_AFTER_FAILURES or self.passed

    @property
    def may_reveal_solution(self) -> bool:
        return self.failures >= SOLUTION_AFTER_FAILURES

    @property
    def sees_solution(self) -> bool:
        return self.passed or self.revealed


def session_state(*, learner: Learner, exercise: Exercise) -> dict:
    return dict(learner.session.get(SESSION_KEY, {}).get(exercise.slug, {}))


def progress_for(*, learner: Learner, exercise: Exercise) -> Progress:
    """What this learner has done on `exercise` so far (two queries at most)."""
    state = session_state(learner=learner, exercise=exercise)
    summary = attempt_summary(learner=learner, exercise_slug=exercise.slug)
    return Progress(
        snippet=state.get("draft") or summary.last_snippet,
        grade=summary.last_grade,
        attempts=summary.total,
        failures=summary.total - summary.passed,
        passed=summary.passed > 0,
        revealed=bool(state.get("revealed")),
    )


def exercise_rows(*, learner: Learner, exercises: tuple[Exercise, ...],
                  read_module: str = "") -> tuple[list[tuple[Exercise, Progress]], set[str]]:
    """Each exercise with this learner's progress on it, and the sections of `read_module` they marked read.

    One query: the per-exercise counts and the read mark come back together
    (a UNION), so a module page stays within its query budget.
    """
    counts, read = attempt_counts_and_reads(learner=learner, exercise_slugs=[e.slug for e in exercises],
                                            read_module=read_module)
    result = []
    for exercise in exercises:
        total, passed = counts.get(exercise.slug, (0, 0))
        result.append((exercise, Progress(attempts=total, failures=total - passed, passed=passed > 0)))
    return result, read


@dataclass(frozen=True)
class Example:
    exercise: Exercise
    snippet: str
    grade: dict


_examples: dict[int, tuple[object, Example | None]] = {}


def example_feedback(*, course) -> Example | None:
    """A real exercise's feedback on one of its known-wrong answers: what practising looks like.

    The first exercise graded in the web process (not Python) with a wrong answer that is read and fails
    some checks but not all; graded once per loaded course.
    """
    kept = _examples.get(id(course))
    if kept is not None and kept[0] is course:
        return kept[1]
    found = None
    for exercise in course.exercises:
        if exercise.kind == "python-handler" or exercise.kind == "http-scenario":
            continue
        for wrong in exercise.wrong:
            grade = grader_for(exercise.kind).grade(wrong.text, exercise.checks, support=exercise.support).as_dict()
            passed = sum(check["passed"] for check in grade.get("checks", []))
            if grade["status"] == "failed" and 0 < passed < len(grade["checks"]):
                found = Example(exercise, wrong.text, grade)
                break
        if found:
            break
    _examples.clear()
    _examples[id(course)] = (course, found)
    return found
