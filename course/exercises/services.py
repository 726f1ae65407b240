"""Submitting a snippet: grade it and record the attempt.

Every graded attempt is a row (course.progress.Attempt) that is only ever
added, so concurrent submissions never overwrite each other; progress is
read back from those rows. Two small things stay in the session: an
ungraded draft (an answer refused as too large, rate-limited or busy, kept
so nothing is lost) and whether the learner chose to reveal the solution.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Count, Q

from course.progress.models import Attempt

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


def _session_state(session: SessionBase, exercise: Exercise) -> dict:
    return dict(session.get(SESSION_KEY, {}).get(exercise.slug, {}))


def _session_state_save(session: SessionBase, exercise: Exercise, state: dict) -> None:
    data = dict(session.get(SESSION_KEY, {}))
    data[exercise.slug] = state
    session[SESSION_KEY] = data


def progress_for(*, session: SessionBase, exercise: Exercise) -> Progress:
    """What this learner has done on `exercise` so far (two queries at most)."""
    state = _session_state(session, exercise)
    if not session.session_key:
        return Progress(snippet=state.get("draft"), revealed=bool(state.get("revealed")))
    attempts = Attempt.objects.filter(session_key=session.session_key, exercise=exercise.slug)
    counts = attempts.aggregate(total=Count("id"), passed=Count("id", filter=Q(status="passed")))
    last = attempts.values("snippet", "grade").first() if counts["total"] else None
    return Progress(
        snippet=state.get("draft") or (last["snippet"] if last else None),
        grade=last["grade"] if last else None,
        attempts=counts["total"],
        failures=counts["total"] - counts["passed"],
        passed=counts["passed"] > 0,
        revealed=bool(state.get("revealed")),
    )


def submission_grade(*, session: SessionBase, exercise: Exercise, snippet: str) -> tuple[Grade, Progress]:
    """Grade `snippet` for `exercise` and record the attempt."""
    grade = grader_for(exercise.kind).grade(snippet, exercise.checks, support=exercise.support)
    if not session.session_key:
        session.save()
    Attempt.objects.create(session_key=session.session_key, exercise=exercise.slug, snippet=snippet,
                           status=grade.status, score=grade.score, grade=grade.as_dict())
    state = _session_state(session, exercise)
    if state.pop("draft", None) is not None:
        _session_state_save(session, exercise, state)
    return grade, replace(progress_for(session=session, exercise=exercise), snippet=snippet, grade=grade.as_dict())


def solution_reveal(*, session: SessionBase, exercise: Exercise) -> Progress:
    """Show the reference solution to a learner who has tried enough times."""
    progress = progress_for(session=session, exercise=exercise)
    if progress.may_reveal_solution or progress.passed:
        state = _session_state(session, exercise)
        state["revealed"] = True
        _session_state_save(session, exercise, state)
        progress = replace(progress, revealed=True)
    return progress


def draft_keep(*, session: SessionBase, exercise: Exercise, snippet: str) -> None:
    """Keep a snippet that was not graded (too large, rate-limited, busy) so nothing is lost."""
    state = _session_state(session, exercise)
    state["draft"] = snippet
    _session_state_save(session, exercise, state)


def exercise_rows(*, session: SessionBase, exercises: tuple[Exercise, ...]) -> list[tuple[Exercise, Progress]]:
    """Each exercise with this learner's progress on it, for lists (one query)."""
    if not session.session_key or not exercises:
        return [(exercise, Progress()) for exercise in exercises]
    rows = (Attempt.objects.filter(session_key=session.session_key, exercise__in=[e.slug for e in exercises])
            .values("exercise").annotate(total=Count("id"), passed=Count("id", filter=Q(status="passed"))))
    counts = {row["exercise"]: row for row in rows}
    result = []
    for exercise in exercises:
        row = counts.get(exercise.slug)
        result.append((exercise, Progress(attempts=row["total"], failures=row["total"] - row["passed"], passed=row["passed"] > 0)
                       if row else Progress()))
    return result
