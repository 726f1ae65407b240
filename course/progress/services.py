"""Changing a learner's progress: attempts recorded, sections marked read, resets, adoption at log-in."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from course.content.documents import Course

from .learners import Learner
from .models import Attempt, ModuleRead


def section_mark_read(*, learner: Learner, module_slug: str, sections: list[str]) -> None:
    """Mark sections read; marking one twice changes nothing."""
    fields = learner.row_fields()
    for section in sections:
        try:
            with transaction.atomic():
                ModuleRead.objects.create(**fields, module=module_slug, section=section)
        except IntegrityError:
            pass


def progress_reset(*, learner: Learner, course: Course, scope: str, target: str = "") -> int:
    """Delete this learner's attempts (and reads) for one exercise, one module, or everything."""
    owner = learner.owner()
    if owner is None:
        return 0
    attempts = Attempt.objects.filter(owner)
    reads = ModuleRead.objects.filter(owner)
    if scope == "exercise":
        attempts = attempts.filter(exercise=target)
        reads = reads.none()
    elif scope == "module":
        attempts = attempts.filter(exercise__in=[e.slug for e in course.exercises_for_module(target)])
        reads = reads.filter(module=target)
    elif scope != "all":
        raise ValueError(scope)
    reads.delete()
    return attempts.delete()[0]


def learner_work_adopt(*, key: str, user) -> None:
    """Move the anonymous learner `key`'s attempts and read marks to `user` (at log-in or sign-up).

    Rows are only added, never merged into one another: nothing is lost, and
    progress (best score, passed) is read from all of them together.
    """
    Attempt.objects.filter(user__isnull=True, learner_key=key).update(user=user, learner_key="")
    for read in ModuleRead.objects.filter(user__isnull=True, learner_key=key):
        try:
            with transaction.atomic():
                ModuleRead.objects.filter(pk=read.pk).update(user=user, learner_key="")
        except IntegrityError:  # the account had read it already
            read.delete()


def attempt_record(*, learner: Learner, exercise_slug: str, snippet: str, status: str, score: float,
                   grade: dict) -> Attempt:
    """Add one graded attempt for this learner (rows are only ever added)."""
    attempt = Attempt.objects.create(**learner.row_fields(), exercise=exercise_slug, snippet=snippet, status=status,
                                     score=score, grade=grade)
    learner.attempts_recorded += 1
    learner.last_attempt = attempt
    return attempt
