"""What learners do, kept as rows that are only ever added: no attempt is lost to a race."""

from django.conf import settings
from django.db import models


class Attempt(models.Model):
    """One graded submission of one exercise.

    An attempt belongs to a learner: an account (`user`) once they have one,
    or before that the anonymous learner key kept in their session. Signing
    up or logging in moves the anonymous attempts to the account.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts")
    learner_key = models.CharField(max_length=32, blank=True, default="")
    exercise = models.SlugField(max_length=120)
    snippet = models.TextField()
    status = models.CharField(max_length=10)  # passed, failed, error
    score = models.FloatField()
    grade = models.JSONField()  # the Grade as shown to the learner, to show it again
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "exercise", "-created_at"], name="attempt_user_exercise"),
            models.Index(fields=["learner_key", "exercise", "-created_at"], name="attempt_anon_exercise"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.exercise} {self.status} {self.score:.2f}"


class ModuleRead(models.Model):
    """A learner marked a section of a module as read (an explicit form; works without JavaScript)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="modules_read")
    learner_key = models.CharField(max_length=32, blank=True, default="")
    module = models.SlugField(max_length=120)
    section = models.CharField(max_length=120)  # a top-level heading's anchor
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module", "section"], condition=models.Q(user__isnull=False),
                                    name="read_once_per_user"),
            models.UniqueConstraint(fields=["learner_key", "module", "section"], condition=models.Q(user__isnull=True),
                                    name="read_once_per_anonymous"),
        ]
