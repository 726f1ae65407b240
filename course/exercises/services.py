"""Submitting a snippet: grade it and remember the learner's work in their session.

Until accounts exist (a later issue) the last snippet, the last result and
the attempt counts per exercise live in the session, server-side, so a
reload never loses the learner's work.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase

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


def progress_for(*, session: SessionBase, exercise: Exercise) -> Progress:
    """What this session has done on `exercise` so far."""
    stored = session.get(SESSION_KEY, {}).get(exercise.slug)
    return Progress(**stored) if stored else Progress()


def _save(session: SessionBase, exercise: Exercise, progress: Progress) -> None:
    data = dict(session.get(SESSION_KEY, {}))
    data[exercise.slug] = progress.__dict__.copy()
    session[SESSION_KEY] = data


def submission_grade(*, session: SessionBase, exercise: Exercise, snippet: str) -> tuple[Grade, Progress]:
    """Grade `snippet` for `exercise` and record the attempt in the session."""
    grade = grader_for(exercise.kind).grade(snippet, exercise.checks, support=exercise.support)
    before = progress_for(session=session, exercise=exercise)
    after = Progress(
        snippet=snippet,
        grade=grade.as_dict(),
        attempts=before.attempts + 1,
        failures=before.failures + (0 if grade.passed else 1),
        passed=before.passed or grade.passed,
        revealed=before.revealed,
    )
    _save(session, exercise, after)
    return grade, after


def solution_reveal(*, session: SessionBase, exercise: Exercise) -> Progress:
    """Show the reference solution to a learner who has tried enough times."""
    progress = progress_for(session=session, exercise=exercise)
    if progress.may_reveal_solution or progress.passed:
        progress = Progress(**{**progress.__dict__, "revealed": True})
        _save(session, exercise, progress)
    return progress


def draft_keep(*, session: SessionBase, exercise: Exercise, snippet: str) -> None:
    """Keep a snippet that was not graded (too large, rate-limited) so nothing is lost."""
    progress = progress_for(session=session, exercise=exercise)
    _save(session, exercise, Progress(**{**progress.__dict__, "snippet": snippet}))


def exercise_rows(*, session: SessionBase, exercises: tuple[Exercise, ...]) -> list[tuple[Exercise, Progress]]:
    """Each exercise with this session's progress on it (for lists)."""
    stored = session.get(SESSION_KEY, {}) if session.session_key or session.modified else {}
    return [(exercise, Progress(**stored[exercise.slug]) if exercise.slug in stored else Progress()) for exercise in exercises]
