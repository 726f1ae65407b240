"""Submitting a snippet: grade it and record the attempt.

Every graded attempt is a row (course.progress.Attempt) that is only ever
added, so concurrent submissions never overwrite each other; progress is
read back from those rows. Two small things stay in the session: an
ungraded draft (an answer refused as too large, rate-limited or busy, kept
so nothing is lost) and whether the learner chose to reveal the solution.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Count, Q
from django.http import HttpRequest

from course.progress.learners import owned_by, owner_fields
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


def _session_state(request: HttpRequest, exercise: Exercise) -> dict:
    return dict(request.session.get(SESSION_KEY, {}).get(exercise.slug, {}))


def _session_state_save(request: HttpRequest, exercise: Exercise, state: dict) -> None:
    data = dict(request.session.get(SESSION_KEY, {}))
    data[exercise.slug] = state
    request.session[SESSION_KEY] = data


def progress_for(*, request: HttpRequest, exercise: Exercise) -> Progress:
    """What this learner has done on `exercise` so far (two queries at most)."""
    state = _session_state(request, exercise)
    owner = owned_by(request)
    if owner is None:
        return Progress(snippet=state.get("draft"), revealed=bool(state.get("revealed")))
    attempts = Attempt.objects.filter(owner, exercise=exercise.slug)
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


def storable(text: str) -> str:
    """Text every database here can keep: PostgreSQL refuses NUL, so it becomes U+FFFD (the grade already names
    its line and column, and the kept answer still shows where it was)."""
    return text.replace("\x00", "\ufffd")


def submission_grade(*, request: HttpRequest, exercise: Exercise, snippet: str) -> tuple[Grade, Progress]:
    """Grade `snippet` for `exercise` and record the attempt as this learner's."""
    grade = grader_for(exercise.kind).grade(snippet, exercise.checks, support=exercise.support)
    Attempt.objects.create(**owner_fields(request), exercise=exercise.slug, snippet=storable(snippet),
                           status=grade.status, score=grade.score, grade=grade.as_dict())
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
    from django.db.models import IntegerField, Value

    from course.progress.models import ModuleRead

    owner = owned_by(request)
    if owner is None or not (exercises or read_module):
        return [(exercise, Progress()) for exercise in exercises], set()
    counts_query = (Attempt.objects.filter(owner, exercise__in=[e.slug for e in exercises])
                    .values("exercise").annotate(total=Count("id"), passed=Count("id", filter=Q(status="passed")))
                    .values_list("exercise", "total", "passed").order_by())
    read_query = (ModuleRead.objects.filter(owner, module=read_module)
                  .annotate(total=Value(-1, output_field=IntegerField()), passed=Value(0, output_field=IntegerField()))
                  .values_list("section", "total", "passed").order_by())
    counts, read = {}, set()
    for name, total, passed in counts_query.union(read_query, all=True):
        if total == -1:
            read.add(name)
        else:
            counts[name] = (total, passed)
    result = []
    for exercise in exercises:
        total, passed = counts.get(exercise.slug, (0, 0))
        result.append((exercise, Progress(attempts=total, failures=total - passed, passed=passed > 0)))
    return result, read
