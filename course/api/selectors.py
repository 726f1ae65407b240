"""Reads of the API app: the token behind a bearer value, and a learner's tokens for the account page."""

from __future__ import annotations

from .models import AccessToken
from .tokens import PREFIX, token_digest


def token_for_secret(*, secret: str) -> AccessToken | None:
    """The live token whose value is `secret`, with its user; None for anything else (revoked, unknown, malformed)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = AccessToken.objects.select_related("user").filter(digest=token_digest(secret), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    return token


def tokens_for(*, user) -> list[AccessToken]:
    """Every token `user` made, live ones first."""
    return sorted(AccessToken.objects.filter(user=user), key=lambda token: (token.revoked_at is not None, -token.pk))
