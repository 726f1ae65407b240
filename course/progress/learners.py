"""Who is learning: an account, or an anonymous learner key kept in the session.

A view resolves the learner once (`learner_of(request)`) and hands it to the
services and selectors, which never see the request.
"""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import HttpRequest

LEARNER_KEY = "learner"


class Learner:
    """An account (`user_id`) or an anonymous key, with the session that holds the key and small per-browser state.

    The anonymous key is made on the first thing worth keeping (`row_fields`),
    so a reader who never submits gets no session at all.
    """

    def __init__(self, *, user_id: int | None, session) -> None:
        self.user_id = user_id
        self.session = session
        self.attempts_recorded = 0  # in this request: should the database fail later, the learner is told they were saved
        self.last_attempt = None  # the Attempt recorded last in this request (the API answers with it)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def key(self, *, create: bool = False) -> str:
        """The anonymous key (survives log-in's session key rotation); "" for an account or before first use."""
        if self.authenticated:
            return ""
        key = self.session.get(LEARNER_KEY, "")
        if not key and create:
            key = uuid.uuid4().hex
            self.session[LEARNER_KEY] = key
        return key

    def owner(self) -> Q | None:
        """A filter selecting this learner's rows, or None when they have none yet."""
        if self.authenticated:
            return Q(user_id=self.user_id)
        key = self.key()
        return Q(user__isnull=True, learner_key=key) if key else None

    def owner_sql(self) -> tuple[str, list] | None:
        """`owner()` as a SQL condition and its parameters, for the hot reads written in SQL; None likewise."""
        if self.authenticated:
            return "user_id = %s", [self.user_id]
        key = self.key()
        return ("user_id IS NULL AND learner_key = %s", [key]) if key else None

    def row_fields(self) -> dict:
        """The fields that make a new row this learner's."""
        if self.authenticated:
            return {"user_id": self.user_id}
        return {"learner_key": self.key(create=True)}

    def limit_key(self) -> str:
        """What rate limits count this learner by."""
        return f"user:{self.user_id}" if self.authenticated else self.key(create=True)


def learner_of(request: HttpRequest) -> Learner:
    """The request's learner, resolved once and kept on the request."""
    learner = getattr(request, "_learner", None)
    if learner is None:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        learner = request._learner = Learner(user_id=user_id, session=request.session)
    return learner
