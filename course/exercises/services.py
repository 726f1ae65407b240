"""Submitting a snippet: grade it and record the attempt.

Every graded attempt is a row that course.progress owns and only ever
adds, so concurrent submissions never overwrite each other; progress is
read back from those rows. Two small things stay in the session: an
ungraded draft (an answer refused as too large, rate-limited or busy, kept
so nothing is lost) and whether the learner chose to reveal the solution.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import HttpRequest

from course.progress.services import attempt_counts_and_reads, attempt_record, attempt_summary

from .grading import Grade, grader_for
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


def _session_state(request: HttpRequest, exercise: Exercise) -> dict:
    return dict(request.session.get(SESSION_KEY, {}).get(exercise.slug, {}))


def _session_state_save(request: HttpRequest, exercise: Exercise, state: dict) -> None:
    data = dict(request.session.get(SESSION_KEY, {}))
    data[exercise.slug] = state
    request.session[SESSION_KEY] = data


def progress_for(*, request: HttpRequest, exercise: Exercise) -> Progress:
    """What this learner has done on `exercise` so far (two queries at most)."""
    state = _session_state(request, exercise)
    summary = attempt_summary(request=request, exercise_slug=exercise.slug)
    return Progress(
        snippet=state.get("draft") or summary.last_snippet,
        grade=summary.last_grade,
        attempts=summary.total,
        failures=summary.total - summary.passed,
        passed=summary.passed > 0,
        revealed=bool(state.get("revealed")),
    )


def storable(text: str) -> str:
    """Text every database here can keep: PostgreSQL refuses NUL, so it becomes U+FFFD (the grade already names
    its line and column, and the kept answer still shows where it was)."""
    return text.replace("\x00", "\ufffd")


def submission_grade(*, request: HttpRequest, exercise: Exercise, snippet: str) -> tuple[Grade, Progress]:
    """Grade `snippet` for `exercise` and record the attempt as this learner's."""
    grade = grader_for(exercise.kind).grade(snippet, exercise.checks, support=exercise.support)
    attempt_record(request=request, exercise_slug=exercise.slug, snippet=storable(snippet), status=grade.status,
                   score=grade.score, grade=grade.as_dict())
    request.attempt_saved = True  # should the database fail from here on, the learner is told it was saved
    state = _session_state(request, exercise)
    if state.pop("draft", None) is not None:
        _session_state_save(request, exercise, state)
    return grade, replace(progress_for(request=request, exercise=exercise), snippet=storable(snippet), grade=grade.as_dict())


def solution_reveal(*, request: HttpRequest, exercise: Exercise) -> Progress:
    """Show the reference solution to a learner who has tried enough times."""
    progress = progress_for(request=request, exercise=exercise)
    if progress.may_reveal_solution or progress.passed:
        state = _session_state(request, exercise)
        state["revealed"] = True
        _session_state_save(request, exercise, state)
        progress = replace(progress, revealed=True)
    return progress


def draft_keep(*, request: HttpRequest, exercise: Exercise, snippet: str) -> None:
    """Keep a snippet that was not graded (too large, rate-limited, busy) so nothing is lost."""
    state = _session_state(request, exercise)
    state["draft"] = storable(snippet)
    _session_state_save(request, exercise, state)


def exercise_rows(*, request: HttpRequest, exercises: tuple[Exercise, ...],
                  read_module: str = "") -> tuple[list[tuple[Exercise, Progress]], set[str]]:
    """Each exercise with this learner's progress on it, and the sections of `read_module` they marked read.

    One query: the per-exercise counts and the read mark come back together
    (a UNION), so a module page stays within its query budget.
    """
    counts, read = attempt_counts_and_reads(request=request, exercise_slugs=[e.slug for e in exercises],
                                            read_module=read_module)
    result = []
    for exercise in exercises:
        total, passed = counts.get(exercise.slug, (0, 0))
        result.append((exercise, Progress(attempts=total, failures=total - passed, passed=passed > 0)))
    return result, read
