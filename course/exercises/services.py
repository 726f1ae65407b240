"""Submitting a snippet: grade it and record the attempt.

Every graded attempt is a row that course.progress owns and only ever
adds, so concurrent submissions never overwrite each other; progress is
read back from those rows. Two small things stay in the session: an
ungraded draft (an answer refused as too large, rate-limited or busy, kept
so nothing is lost) and whether the learner chose to reveal the solution.
"""

from __future__ import annotations

import re
from dataclasses import replace

from course.progress.learners import Learner
from course.progress.services import attempt_record

from .grading import Grade, grader_for
from .selectors import SESSION_KEY, Progress, progress_for, session_state
from .spec import Exercise


def _session_state_save(learner: Learner, exercise: Exercise, state: dict) -> None:
    data = dict(learner.session.get(SESSION_KEY, {}))
    data[exercise.slug] = state
    learner.session[SESSION_KEY] = data


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """Text every database here can keep. PostgreSQL refuses NUL in text and in JSON, and no database can encode a
    lone surrogate (a JSON body may carry one as \\ud800): each becomes U+FFFD. The grade already names the line and
    column of a NUL, and the kept answer still shows where it was."""
    return _UNSTORABLE.sub("\ufffd", text)


def _storable_value(value):
    """`value` (a grade: dicts, lists, strings, numbers) with every string, keys included, made storable. What
    learner code printed or raised goes into the grade as it came."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {_storable_value(key): _storable_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_storable_value(item) for item in value]
    return value


def submission_grade(*, learner: Learner, exercise: Exercise, snippet: str,
                     with_progress: bool = True) -> tuple[Grade, Progress | None]:
    """Grade `snippet` for `exercise` and record the attempt as this learner's (and, unless told not to, read back
    their progress on it: the page shows it; the API answers with the attempt alone)."""
    grade = grader_for(exercise.kind).grade(snippet, exercise.checks, support=exercise.support)
    kept = _storable_value(grade.as_dict())
    attempt_record(learner=learner, exercise_slug=exercise.slug, snippet=storable(snippet), status=grade.status,
                   score=grade.score, grade=kept)
    state = session_state(learner=learner, exercise=exercise)
    if state.pop("draft", None) is not None:
        _session_state_save(learner, exercise, state)
    if not with_progress:
        return grade, None
    return grade, replace(progress_for(learner=learner, exercise=exercise), snippet=storable(snippet), grade=kept)


def solution_reveal(*, learner: Learner, exercise: Exercise) -> Progress:
    """Show the reference solution to a learner who has tried enough times."""
    progress = progress_for(learner=learner, exercise=exercise)
    if progress.may_reveal_solution or progress.passed:
        state = session_state(learner=learner, exercise=exercise)
        state["revealed"] = True
        _session_state_save(learner, exercise, state)
        progress = replace(progress, revealed=True)
    return progress


def draft_keep(*, learner: Learner, exercise: Exercise, snippet: str) -> None:
    """Keep a snippet that was not graded (too large, rate-limited, busy) so nothing is lost."""
    state = session_state(learner=learner, exercise=exercise)
    state["draft"] = storable(snippet)
    _session_state_save(learner, exercise, state)
