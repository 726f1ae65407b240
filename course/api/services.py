"""Writes of the API app: personal access tokens made and revoked, Idempotency-Key answers claimed and kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SCOPES, AccessToken, IdempotencyKey
from .tokens import PREFIX, token_digest, token_generate


def token_create(*, user, name: str, scope: str) -> tuple[AccessToken, str]:
    """Make a token for `user`; returns the row and the token itself, which is never stored nor shown again."""
    if scope not in SCOPES:
        raise ValueError(scope)
    token = token_generate()
    row = AccessToken.objects.create(user=user, name=name.strip()[:100], digest=token_digest(token),
                                     hint=token[: len(PREFIX) + 4], scope=scope)
    return row, token


def token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of `user`'s tokens (someone else's is not found); True if it was live."""
    return bool(AccessToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def token_mark_used(*, token: AccessToken) -> None:
    """Note when a token was last used, at most once a minute (a write per request would cost every call):
    `token` comes from selectors.token_for_secret, which says whether its last use is noted already."""
    if getattr(token, "use_unnoted", True):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming an Idempotency-Key: ours to run, a stored answer to replay, or a refusal."""

    row: IdempotencyKey | None = None  # claimed: run the request, then idempotency_complete
    replay: IdempotencyKey | None = None  # the same request finished before: send its answer again
    conflict: str = ""  # "running" (409) or "mismatch" (422: the key was used for another body)


def idempotency_claim(*, user_id: int, endpoint: str, key: str, fingerprint: str) -> Claim:
    """Claim `key` for this learner and endpoint, atomically (a unique constraint decides between simultaneous requests)."""
    now = timezone.now()
    IdempotencyKey.objects.filter(user_id=user_id, expires_at__lte=now).delete()  # this learner's expired keys: rows stay bounded
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(user_id=user_id, endpoint=endpoint, key=key, fingerprint=fingerprint,
                                                expires_at=now + timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS))
        return Claim(row=row)
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(user_id=user_id, endpoint=endpoint, key=key).first()
    if existing is None:  # expired and removed between our two statements: the caller may simply retry
        return Claim(conflict="running")
    if existing.fingerprint != fingerprint:
        return Claim(conflict="mismatch")
    if existing.status is None:
        return Claim(conflict="running")
    return Claim(replay=existing)


def idempotency_complete(*, row: IdempotencyKey, status: int, body: str, headers: dict) -> None:
    """Keep the answer so a retry with the same key replays it."""
    IdempotencyKey.objects.filter(pk=row.pk).update(status=status, body=body, headers=headers)


def idempotency_release(*, row: IdempotencyKey) -> None:
    """Forget a claim whose request did not finish (refused before grading): a retry then runs afresh."""
    IdempotencyKey.objects.filter(pk=row.pk, status__isnull=True).delete()


def idempotency_expired_delete() -> int:
    """Remove every answer past its expiry (`manage.py clearidempotencykeys`; each learner's also go at their next claim)."""
    return IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()[0]
