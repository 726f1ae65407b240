"""Who is learning: an account, or an anonymous learner key kept in the session."""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import HttpRequest

LEARNER_KEY = "learner"


def learner_key(request: HttpRequest, *, create: bool = False) -> str:
    """The anonymous learner's key (survives log-in's session key rotation); made on first use."""
    key = request.session.get(LEARNER_KEY, "")
    if not key and create:
        key = uuid.uuid4().hex
        request.session[LEARNER_KEY] = key
    return key


def owned_by(request: HttpRequest) -> Q | None:
    """A filter selecting this learner's rows, or None when they have none yet."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Q(user=user)
    key = learner_key(request)
    return Q(user__isnull=True, learner_key=key) if key else None


def owner_fields(request: HttpRequest) -> dict:
    """The fields that make a new row this learner's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"user": user}
    return {"learner_key": learner_key(request, create=True)}
