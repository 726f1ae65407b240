"""Reading a learner's attempts a page at a time, newest first (the JSON API's submissions).

Keyset pagination on the id: a page is stable while new attempts arrive, and
each page is one indexed query, however deep the learner has gone.
"""

from __future__ import annotations

from .learners import Learner
from .models import Attempt


def attempts_page(*, learner: Learner, exercise_slug: str = "", before_id: int | None = None,
                  limit: int = 20) -> tuple[list[Attempt], bool]:
    """Up to `limit` of this learner's attempts older than `before_id` (all exercises, or one), and whether more follow."""
    owner = learner.owner()
    if owner is None:
        return [], False
    attempts = Attempt.objects.filter(owner)
    if exercise_slug:
        attempts = attempts.filter(exercise=exercise_slug)
    if before_id is not None:
        attempts = attempts.filter(id__lt=before_id)
    rows = list(attempts.order_by("-id")[: limit + 1])
    return rows[:limit], len(rows) > limit
