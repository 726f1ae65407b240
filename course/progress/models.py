"""What learners do, kept as rows that are only ever added: no attempt is lost to a race."""

from django.db import models


class Attempt(models.Model):
    """One graded submission of one exercise.

    Until accounts exist an attempt belongs to the learner's session (the
    session key); the accounts work attaches them to a user on sign-up.
    """

    session_key = models.CharField(max_length=40)
    exercise = models.SlugField(max_length=120)
    snippet = models.TextField()
    status = models.CharField(max_length=10)  # passed, failed, error
    score = models.FloatField()
    grade = models.JSONField()  # the Grade as shown to the learner, to show it again
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["session_key", "exercise", "-created_at"], name="attempt_learner_exercise")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.exercise} {self.status} {self.score:.2f}"
