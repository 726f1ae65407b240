"""What the API keeps: learners' personal access tokens, and the answers kept for Idempotency-Key replays."""

from django.conf import settings
from django.db import models

SCOPES = {"read": "Read", "read+submit": "Read and submit"}


class AccessToken(models.Model):
    """A personal access token. Only its SHA-256 digest is stored; the token is shown once, when made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)  # sha256 hex of the whole token
    hint = models.CharField(max_length=16)  # its first characters, so the owner can tell tokens apart
    scope = models.CharField(max_length=20, choices=list(SCOPES.items()))
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def may_submit(self) -> bool:
        return self.scope == "read+submit"


class IdempotencyKey(models.Model):
    """One learner's Idempotency-Key for one endpoint: the request's fingerprint and, once done, the answer.

    The unique constraint is the atomic claim: of two simultaneous requests
    with the same key, one inserts the row and runs; the other finds it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys")
    endpoint = models.CharField(max_length=200)  # "POST /api/v1/exercises/<slug>/submissions"
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of the validated body
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # null while the first request runs
    body = models.TextField(blank=True, default="")
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "endpoint", "key"], name="idempotency_key_once")]
